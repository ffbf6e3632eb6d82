/**
 * `npm start`: the worker. Loads and validates the configuration (exits 78 naming the key on
 * error), then polls, digests, emails and delivers until SIGINT/SIGTERM, and stops within 10 s.
 */
import { openApp } from './app.ts';
import { ConfigError, loadConfig } from './config/load.ts';
import {
  createSinks,
  digestDestination,
  emailDestinations,
  emailRecipients,
} from './deliver/sinks.ts';
import { assessHealth, databaseStatus, startHttpServer } from './schedule/http.ts';
import { acquireInstanceLock } from './schedule/lock.ts';
import { createWorkerMetrics } from './schedule/metrics.ts';
import { startSlashCommands } from './schedule/slash.ts';
import { startWorker } from './schedule/worker.ts';
import { handleWebRequest } from './web/handler.ts';

const STOP_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  // One worker per database: a second one would double every delivery.
  const lock = acquireInstanceLock(config.paths.db);
  const app = openApp({ config });
  const metrics = createWorkerMetrics({ db: app.db });
  const startedAt = new Date();
  const http = await startHttpServer({
    address: config.env.VIGIE_HTTP,
    metrics: () => metrics.render(),
    health: () =>
      assessHealth({
        now: new Date(),
        startedAt,
        lastGoodCycleAt: metrics.lastGoodCycleAt(),
        database: databaseStatus(app.db),
        pollIntervalMs: config.settings.poll.interval,
      }),
    routes: (req, res) =>
      handleWebRequest(req, res, {
        db: app.db,
        now: () => new Date(),
        timeZone: config.env.TZ_REPORTS,
        lang: config.settings.lang,
      }),
    onError: (error, path) => app.logger.error({ err: error, path }, 'http handler failed'),
  });
  const sinks = await createSinks(config);
  const worker = startWorker(app, {
    sinks,
    digestDestination: digestDestination(config),
    emailDestinations: emailDestinations(config),
    emailRecipients: emailRecipients(config),
    onCycle: (summary) => metrics.recordCycle(summary),
    onDispatch: (summary) => metrics.recordDispatch(summary),
  });
  let stopCommands = () => {};
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'stopping');
    const deadline = setTimeout(() => {
      app.logger.error('jobs did not finish within 10 s, exiting anyway');
      process.exit(1);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    stopCommands();
    await worker.stop();
    await http.close();
    await sinks.close();
    await app.close();
    lock.release();
    app.logger.info('stopped');
    app.logger.flush();
    process.exit(0);
  };
  // Registered before the Discord login, which may take seconds: a stop asked meanwhile is
  // still a graceful one.
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  if (sinks.bot && !stopping)
    stopCommands = await startSlashCommands(app, worker, sinks.bot).catch((error: unknown) => {
      if (!stopping)
        app.logger.error({ err: error }, 'Discord login failed: slash commands are off');
      return () => {};
    });
  if (stopping) stopCommands();
  else
    app.logger.info(
      {
        feeds: app.config.sources.length,
        db: app.config.paths.db,
        digest: digestDestination(app.config),
        http: http.url,
      },
      'Vigie started',
    );
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`vigie: ${message}\n`);
  process.exit(
    error instanceof ConfigError ? 78 : (error as { code?: string }).code === 'LOCK_HELD' ? 75 : 1,
  );
});
