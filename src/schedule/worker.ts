/**
 * The worker: node-cron jobs that poll due feeds, queue digests and daily emails, and drain the
 * outbox. Jobs never overlap themselves; `stop()` stops the schedules and waits for the jobs in
 * flight, so a SIGTERM never cuts a write in half.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { App } from '../app.ts';
import { queueDigest } from '../deliver/digest.ts';
import { dispatchDue, type Sinks } from '../deliver/dispatch.ts';
import { dueFeeds } from '../store/feeds.ts';
import { recoverInFlight } from '../store/outbox.ts';
import { type CycleSummary, logFeedOutcome, runPollCycle } from './poll.ts';

export interface WorkerOptions {
  sinks: Sinks;
  digestDestination: string;
  /** Extra jobs (the daily email) as cron expression → job. */
  reports?: { name: string; cron: string; run: () => Promise<void> }[];
  /** Poll check schedule (default every minute; the demo uses seconds). */
  pollCron?: string;
  digestCron?: string;
  dispatchCron?: string;
  onCycle?: (summary: CycleSummary) => void;
}

export interface Worker {
  /** Runs one poll cycle of the due feeds now (also what the poll job runs). */
  pollDue(): Promise<CycleSummary>;
  digestNow(): Promise<void>;
  dispatchNow(): Promise<void>;
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
  const dispatchNow = async () => {
    const summary = await dispatchDue(db, options.sinks, {
      now: () => new Date(),
      logger,
      lang: config.settings.lang,
    });
    if (summary.sent + summary.retried + summary.failed > 0) logger.info(summary, 'deliveries');
  };
  const pollDue = async () => {
    const feeds = dueFeeds(db, new Date().toISOString());
    const summary = await runPollCycle(context, feeds, (outcome) =>
      logFeedOutcome(logger, outcome),
    );
    if (summary.feeds > 0) logger.info(summary, 'poll cycle');
    options.onCycle?.(summary);
    await dispatchNow();
    return summary;
  };
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

  const recovered = recoverInFlight(db);
  if (recovered > 0) logger.warn({ recovered }, 'resuming deliveries interrupted by the last stop');

  const schedule = (expression: string, name: string, job: () => Promise<unknown>, zone?: string) =>
    cron.schedule(expression, track(name, job), {
      name,
      noOverlap: true,
      ...(zone ? { timezone: zone } : {}),
    });
  const tasks: ScheduledTask[] = [
    schedule(options.pollCron ?? '* * * * *', 'poll', pollDue),
    schedule(options.dispatchCron ?? '*/30 * * * * *', 'dispatch', dispatchNow),
    schedule(options.digestCron ?? config.settings.digest.cron, 'digest', digestNow, timezone),
    ...(options.reports ?? []).map((report) =>
      schedule(report.cron, report.name, report.run, timezone),
    ),
  ];
  void track('poll', pollDue)();

  return {
    pollDue: async () => (await track('poll', pollDue)()) ?? emptySummary(),
    digestNow: async () => {
      await track('digest', digestNow)();
    },
    dispatchNow: async () => {
      await track('dispatch', dispatchNow)();
    },
    stop: async () => {
      stopping = true;
      await Promise.all(tasks.map((task) => task.stop()));
      await Promise.allSettled([...running]);
      await Promise.all(tasks.map((task) => task.destroy()));
    },
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
