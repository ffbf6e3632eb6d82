/**
 * The worker: node-cron jobs that poll due feeds, queue digests and daily emails, and drain the
 * outbox. Jobs never overlap themselves; `stop()` stops the schedules and waits for the jobs in
 * flight, so a SIGTERM never cuts a write in half.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { App } from '../app.ts';
import { queueDailyEmail } from '../deliver/daily-email.ts';
import { queueDigest, queueWeeklyDigest } from '../deliver/digest.ts';
import type { NextRuns } from '../deliver/discord/commands/types.ts';
import { type DispatchSummary, dispatchDue, type Sinks } from '../deliver/dispatch.ts';
import { dueFeeds } from '../store/feeds.ts';
import { recoverInFlight } from '../store/outbox.ts';
import { type CycleSummary, logFeedOutcome, runPollCycle } from './poll.ts';

export interface WorkerOptions {
  sinks: Sinks;
  digestDestination: string;
  /** `smtp:<address>` per recipient, or `eml`. */
  emailDestinations: string[];
  emailRecipients: string[];
  /** Schedules; defaults: poll check every minute, outbox every 30 s, reports from settings.yml. */
  crons?: { poll?: string; dispatch?: string; digest?: string; email?: string; weekly?: string };
  onCycle?: (summary: CycleSummary) => void;
  onDispatch?: (summary: DispatchSummary) => void;
}

export interface Worker {
  /** Runs one poll cycle of the due feeds now (also what the poll job runs). */
  pollDue(): Promise<CycleSummary>;
  digestNow(): Promise<void>;
  emailNow(): Promise<void>;
  dispatchNow(): Promise<void>;
  /** When the poll, digest and email jobs run next (for /stats). */
  nextRuns(): NextRuns;
  stop(): Promise<void>;
}

/** Starts the schedules; the first poll runs at once. */
export function startWorker(app: App, options: WorkerOptions): Worker {
  const { config, db, logger } = app;
  const timezone = config.env.TZ_REPORTS;
  const running = new Set<Promise<unknown>>();
  let stopping = false;

  const track =
    <T>(name: string, job: () => Promise<T>) =>
    async (): Promise<T | undefined> => {
      if (stopping) return undefined;
      const promise = job();
      running.add(promise);
      try {
        return await promise;
      } catch (error) {
        logger.error({ job: name, err: error }, `${name} job failed`);
        return undefined;
      } finally {
        running.delete(promise);
      }
    };

  const context = app.pollContext();
  const dispatchNow = singleFlight(async () => {
    const summary = await dispatchDue(db, options.sinks, {
      now: () => new Date(),
      logger,
      lang: config.settings.lang,
    });
    options.onDispatch?.(summary);
    if (summary.sent + summary.retried + summary.failed > 0) logger.info(summary, 'deliveries');
  });
  // The first poll starts at once, outside the cron's own noOverlap: without this a first cycle
  // crossing a minute boundary would poll the same feeds twice.
  const pollDue = singleFlight(async () => {
    const feeds = dueFeeds(db, new Date().toISOString());
    const summary = await runPollCycle(context, feeds, (outcome) =>
      logFeedOutcome(logger, outcome),
    );
    if (summary.feeds > 0) logger.info(summary, 'poll cycle');
    options.onCycle?.(summary);
    await dispatchNow();
    return summary;
  });
  const digestNow = async () => {
    const queued = queueDigest(db, options.digestDestination, {
      now: new Date(),
      lang: config.settings.lang,
      maxArticles: config.settings.digest.maxArticles,
      timeZone: timezone,
    });
    if (queued) logger.info({ ...queued, destination: options.digestDestination }, 'digest queued');
    await dispatchNow();
  };

  const weeklyDigestNow = async () => {
    const queued = queueWeeklyDigest(db, options.digestDestination, {
      now: new Date(),
      lang: config.settings.lang,
      maxStories: config.settings.digest.weeklyMaxStories,
    });
    if (queued)
      logger.info({ ...queued, destination: options.digestDestination }, 'weekly digest queued');
    await dispatchNow();
  };
  const emailNow = async () => {
    const queued = queueDailyEmail(db, {
      now: new Date(),
      timeZone: timezone,
      lang: config.settings.lang,
      destinations: options.emailDestinations,
      recipients: options.emailRecipients,
      sendEmpty: config.settings.email.sendEmpty,
      weeklyChart: true,
    });
    if (queued.queued > 0)
      logger.info({ ...queued, destinations: options.emailDestinations }, 'daily email queued');
    await dispatchNow();
  };

  const recovered = recoverInFlight(db);
  if (recovered > 0) logger.warn({ recovered }, 'resuming deliveries interrupted by the last stop');

  const crons = options.crons ?? {};
  const schedule = (expression: string, name: string, job: () => Promise<unknown>, zone?: string) =>
    cron.schedule(expression, track(name, job), {
      name,
      noOverlap: true,
      ...(zone ? { timezone: zone } : {}),
    });
  const tasks: ScheduledTask[] = [
    schedule(crons.poll ?? '* * * * *', 'poll', pollDue),
    schedule(crons.dispatch ?? '*/30 * * * * *', 'dispatch', dispatchNow),
    schedule(crons.digest ?? config.settings.digest.cron, 'digest', digestNow, timezone),
    schedule(crons.email ?? config.settings.email.cron, 'email', emailNow, timezone),
    schedule(
      crons.weekly ?? config.settings.digest.weeklyCron,
      'weekly',
      weeklyDigestNow,
      timezone,
    ),
  ];
  void track('poll', pollDue)();

  return {
    pollDue: async () => (await track('poll', pollDue)()) ?? emptySummary(),
    digestNow: async () => {
      await track('digest', digestNow)();
    },
    emailNow: async () => {
      await track('email', emailNow)();
    },
    dispatchNow: async () => {
      await track('dispatch', dispatchNow)();
    },
    nextRuns: () => ({
      poll: tasks[0]?.getNextRun() ?? null,
      digest: tasks[2]?.getNextRun() ?? null,
      email: tasks[3]?.getNextRun() ?? null,
    }),
    stop: async () => {
      stopping = true;
      await Promise.all(tasks.map((task) => task.stop()));
      await Promise.allSettled([...running]);
      await Promise.all(tasks.map((task) => task.destroy()));
    },
  };
}

/** Wraps `job` so a call made while it runs joins the run in flight instead of starting another. */
function singleFlight<T>(job: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    inFlight ??= job().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}

function emptySummary(): CycleSummary {
  return {
    feeds: 0,
    fetched: 0,
    notModified: 0,
    failed: 0,
    newItems: 0,
    matched: 0,
    durationMs: 0,
  };
}
