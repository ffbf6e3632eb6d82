/**
 * `npm run demo`: the real worker against bundled feeds served on 127.0.0.1, so a newcomer sees
 * the whole job offline in under a minute: per-feed logs, an alert, the console digest, the
 * daily email as an .eml file, `/healthz` and `/metrics`, then the `vigie search` to try.
 *
 * What it shows and why:
 * - Four invented outlets (`feeds/demo/`, RSS and Atom, one in ISO-8859-1), some items about the
 *   Health Data Hub, SecNumCloud and UGAP, most not, and look-alikes that must not match.
 * - Feed dates are shifted at serve time so the newest item is half an hour old. The demo sets
 *   `backfillDays: 3`: on this first poll, matching items from the last three days are
 *   announced (digest, alert), older ones are stored silently and only found by search — the
 *   same rule a real first start follows with its own settings.
 * - Polls every 5 s with a 15 s feed interval, so the second round gets 304 Not Modified; a
 *   digest every 20 s; the daily email once, right after the first digest.
 * - It ignores the environment (no Discord, no SMTP: nothing leaves the machine) and keeps its
 *   database, sources file and outbox under `storage/demo/`, wiped at start, so it never
 *   touches the real `storage/vigie.db` or today's real `storage/outbox/mail/*.eml`.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openApp } from './app.ts';
import type { Settings } from './config/schema.ts';
import { createSinks } from './deliver/sinks.ts';
import type { Logger } from './log.ts';
import { assessHealth, databaseStatus, startHttpServer } from './schedule/http.ts';
import { acquireInstanceLock } from './schedule/lock.ts';
import { createWorkerMetrics } from './schedule/metrics.ts';
import type { CycleSummary } from './schedule/poll.ts';
import { startWorker } from './schedule/worker.ts';
import { countArticles } from './store/articles.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEMO_FEEDS_DIR = path.join(REPO_ROOT, 'feeds', 'demo');

/** The instant the bundled feed dates are written relative to (their "now"). */
export const DEMO_ANCHOR = new Date('2026-03-02T08:00:00Z');

/** The bundled outlets: file in feeds/demo, how the server labels it. */
export const DEMO_FEEDS = [
  {
    name: 'Le Journal du Cloud',
    file: 'journal-du-cloud.xml',
    contentType: 'application/rss+xml; charset=utf-8',
  },
  {
    name: 'Santé & Numérique',
    file: 'sante-numerique.atom',
    contentType: 'application/atom+xml; charset=utf-8',
  },
  {
    name: 'L’Écho des Réseaux',
    file: 'echo-des-reseaux.xml',
    contentType: 'application/rss+xml; charset=ISO-8859-1',
  },
  {
    name: 'Marchés Publics Info',
    file: 'marches-publics.atom',
    contentType: 'application/atom+xml; charset=utf-8',
  },
] as const;

export interface DemoOptions {
  /** Database, sources file and outbox live here; those files are wiped at start. */
  workDir?: string;
  pollCron?: string;
  digestCron?: string;
  /** Stop after this long even if no email was written (default 60 s). */
  maxDurationMs?: number;
  /** Where console output (alerts, digests, hints) goes; default stdout. */
  write?: (text: string) => void;
  logger?: Logger;
  /** Aborting stops the demo early (Ctrl-C). */
  signal?: AbortSignal;
}

export interface DemoResult {
  dbPath: string;
  /** Every text the console sink printed (alerts and digests), in order. */
  printed: string[];
  /** The digests sent, as printed. */
  digests: string[];
  /** The .eml files written. */
  emails: string[];
  cycles: CycleSummary[];
  articles: number;
  /** `/metrics` as served just before stopping. */
  metrics: string;
  /** `done`: the email was written and a second poll got its 304s. */
  stoppedBy: 'done' | 'timeout' | 'signal';
}

/**
 * Shifts every feed date (RSS `pubDate`, Atom `published`/`updated`) by `shiftMs`, keeping each
 * format, and puts the server's origin in place of `{{origin}}`. Pure.
 */
export function servedFeed(xml: string, origin: string, shiftMs: number): string {
  return xml
    .replaceAll('{{origin}}', origin)
    .replace(/<pubDate>([^<]+)<\/pubDate>/g, (_, date: string) => {
      const shifted = new Date(Date.parse(date) + shiftMs);
      return `<pubDate>${shifted.toUTCString()}</pubDate>`;
    })
    .replace(/<(published|updated)>([^<]+)<\/\1>/g, (_, tag: string, date: string) => {
      const shifted = new Date(Date.parse(date) + shiftMs);
      return `<${tag}>${shifted.toISOString()}</${tag}>`;
    });
}

/** The demo's `sources.yml`: one feed per bundled outlet, served from `origin`. Pure. */
export function demoSources(origin: string): string {
  const lines = DEMO_FEEDS.map(
    (feed) =>
      `  - name: ${JSON.stringify(feed.name)}\n    url: ${origin}/${feed.file}\n    lang: fr`,
  );
  return `# Written by src/demo.ts for one run; the real list is feeds/sources.yml.\nfeeds:\n${lines.join('\n')}\n`;
}

/** Settings for the demo: a fast schedule and a 3-day backfill. Pure. */
export function demoSettings(settings: Settings): Settings {
  return {
    ...settings,
    backfillDays: 3,
    poll: { ...settings.poll, interval: 15_000, minInterval: 10_000, jitter: 0.1 },
  };
}

/**
 * Runs the demo and resolves once the daily email is written and feeds were polled again (or
 * at the time limit, or on `signal`), with everything stopped and closed. Throws `LockError`
 * when another demo runs on the same `workDir`. Not pure: serves HTTP on 127.0.0.1, writes
 * under `workDir`, prints.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const workDir = path.resolve(options.workDir ?? path.join(REPO_ROOT, 'storage', 'demo'));
  const write = options.write ?? ((text: string) => process.stdout.write(`${text}\n`));
  const dbPath = path.join(workDir, 'vigie.db');
  wipeDemoFiles(workDir, dbPath);
  const lock = acquireInstanceLock(dbPath);

  const { startFeedServer } = await import('../tests/support/feed-server.ts');
  const server = await startFeedServer();
  const shiftMs = Date.now() - DEMO_ANCHOR.getTime() - 30 * 60_000;
  for (const feed of DEMO_FEEDS) {
    // latin1 round-trips every byte, so the ISO-8859-1 feed keeps its bytes; dates are ASCII.
    const xml = readFileSync(path.join(DEMO_FEEDS_DIR, feed.file)).toString('latin1');
    server.set(`/${feed.file}`, {
      contentType: feed.contentType,
      etag: `"demo-${feed.file}"`,
      body: Buffer.from(servedFeed(xml, server.origin, shiftMs), 'latin1'),
    });
  }
  for (const page of readdirSync(path.join(DEMO_FEEDS_DIR, 'pages'))) {
    const html = readFileSync(path.join(DEMO_FEEDS_DIR, 'pages', page), 'utf8');
    server.set(`/articles/${page.replace(/\.html$/, '')}`, {
      contentType: 'text/html; charset=utf-8',
      body: html.replaceAll('{{origin}}', server.origin),
    });
  }
  const sourcesPath = path.join(workDir, 'sources.yml');
  writeFileSync(sourcesPath, demoSources(server.origin));

  // No environment: no Discord, no SMTP, whatever .env says — the demo sends nothing anywhere.
  const app = openApp({ env: {}, root: REPO_ROOT, sourcesPath, dbPath, logger: options.logger });
  app.config.settings = demoSettings(app.config.settings);
  const printed: string[] = [];
  const emails: string[] = [];
  const cycles: CycleSummary[] = [];
  const sinks = await createSinks(
    { ...app.config, paths: { ...app.config.paths, storage: workDir } },
    (text) => {
      printed.push(text);
      write(text);
    },
  );
  const writeEml = sinks.eml;
  sinks.eml = async (payload) => {
    const file = await writeEml(payload);
    emails.push(file);
    return file;
  };

  const metrics = createWorkerMetrics({ db: app.db });
  const startedAt = new Date();
  const http = await startHttpServer({
    address: '127.0.0.1:0',
    metrics: () => metrics.render(),
    health: () =>
      assessHealth({
        now: new Date(),
        startedAt,
        lastGoodCycleAt: metrics.lastGoodCycleAt(),
        database: databaseStatus(app.db),
        pollIntervalMs: app.config.settings.poll.interval,
      }),
  });

  const worker = startWorker(app, {
    sinks,
    digestDestination: 'console',
    emailDestinations: ['eml'],
    emailRecipients: ['veille@example.org'],
    crons: {
      poll: options.pollCron ?? '*/5 * * * * *',
      digest: options.digestCron ?? '*/20 * * * * *',
      dispatch: '*/5 * * * * *',
      // The real schedule (weekday mornings) never fires during a demo: the email is sent
      // by hand once, right after the first digest, below.
    },
    onCycle: (summary) => {
      cycles.push(summary);
      metrics.recordCycle(summary);
    },
  });
  const emailAfterFirstDigest = setInterval(() => {
    if (digestsSent(app.db).length === 0) return;
    clearInterval(emailAfterFirstDigest);
    void worker.emailNow();
  }, 500);
  app.logger.info(
    {
      feeds: DEMO_FEEDS.length,
      server: server.origin,
      healthz: `${http.url}/healthz`,
      metrics: `${http.url}/metrics`,
    },
    'demo started: polling the bundled feeds',
  );

  const stoppedBy = await waitForEnd(
    emails,
    cycles,
    options.maxDurationMs ?? 60_000,
    options.signal,
  );
  clearInterval(emailAfterFirstDigest);
  const metricsText = metrics.render();
  await worker.stop();
  const digests = digestsSent(app.db);
  const articles = countArticles(app.db);
  await http.close();
  await sinks.close();
  await app.close();
  await server.close();
  lock.release();

  const shownDb = path.relative(process.cwd(), dbPath) || dbPath;
  write(
    [
      '',
      `Demo finished (${stoppedBy}): ${articles} articles stored, ${digests.length} digest(s) printed, ${emails.length} email(s) written${emails.length ? `: ${emails.map((file) => path.relative(process.cwd(), file)).join(', ')}` : ''}.`,
      'Try the archive, including the older stories that were stored without being announced:',
      `  npx vigie search "Health Data Hub" --db ${shownDb}`,
      `  npx vigie search --term ugap --db ${shownDb}`,
    ].join('\n'),
  );
  return {
    dbPath,
    printed,
    digests,
    emails,
    cycles,
    articles,
    metrics: metricsText,
    stoppedBy,
  };
}

function wipeDemoFiles(workDir: string, dbPath: string): void {
  mkdirSync(workDir, { recursive: true });
  for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, path.join(workDir, 'sources.yml')])
    rmSync(file, { force: true });
  rmSync(path.join(workDir, 'outbox'), { recursive: true, force: true });
}

/** The text of every digest the console sink has printed. */
function digestsSent(db: import('./store/db.ts').Db): string[] {
  return (
    db
      .prepare(`SELECT payload FROM outbox WHERE kind = 'digest' AND status = 'sent' ORDER BY id`)
      .all() as { payload: string }[]
  ).map((row) => (JSON.parse(row.payload) as { text: string }).text);
}

/**
 * Resolves once an .eml is written and a later poll got 304 Not Modified (so both show), at
 * the time limit, or on abort.
 */
function waitForEnd(
  emails: readonly string[],
  cycles: readonly CycleSummary[],
  maxMs: number,
  signal?: AbortSignal,
): Promise<DemoResult['stoppedBy']> {
  return new Promise((resolve) => {
    const finish = (reason: DemoResult['stoppedBy']) => {
      clearInterval(check);
      clearTimeout(limit);
      signal?.removeEventListener('abort', onAbort);
      resolve(reason);
    };
    const onAbort = () => finish('signal');
    const check = setInterval(() => {
      if (emails.length > 0 && cycles.some((cycle) => cycle.notModified > 0)) finish('done');
    }, 250);
    const limit = setTimeout(() => finish('timeout'), maxMs);
    if (signal?.aborted) finish('signal');
    signal?.addEventListener('abort', onAbort);
  });
}

const isMain =
  process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  runDemo({ signal: controller.signal }).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
