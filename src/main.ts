/**
 * `npm start`: the worker. Loads and validates the configuration (exits 78 naming the key on
 * error), then polls, digests, emails and delivers until SIGINT/SIGTERM, and stops within 10 s.
 */
import { openApp } from './app.ts';
import { ConfigError } from './config/load.ts';
import {
  createSinks,
  digestDestination,
  emailDestinations,
  emailRecipients,
} from './deliver/sinks.ts';
import { startWorker } from './schedule/worker.ts';

const STOP_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  const app = openApp();
  const sinks = await createSinks(app.config);
  const worker = startWorker(app, {
    sinks,
    digestDestination: digestDestination(app.config),
    emailDestinations: emailDestinations(app.config),
    emailRecipients: emailRecipients(app.config),
  });
  app.logger.info(
    {
      feeds: app.config.sources.length,
      db: app.config.paths.db,
      digest: digestDestination(app.config),
    },
    'Vigie started',
  );

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
    await worker.stop();
    await sinks.close();
    await app.close();
    app.logger.info('stopped');
    app.logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`vigie: ${message}\n`);
  process.exit(error instanceof ConfigError ? 78 : 1);
});
