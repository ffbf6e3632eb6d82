/**
 * Wiring shared by the worker and the CLI: config → logger → database → fetcher → rules.
 * Everything with a lifetime is closed by `close()`.
 */
import { loadAnalysisRules } from './analyze/load.ts';
import type { AnalysisRules } from './analyze/rules.ts';
import { type Config, type LoadOptions, loadConfig } from './config/load.ts';
import type { AlertRule, Settings } from './config/schema.ts';
import { createFetcher, type Fetcher, type FetcherOptions } from './ingest/fetch.ts';
import { createLogger, type Logger } from './log.ts';
import type { PollContext } from './schedule/poll.ts';
import type { Db } from './store/db.ts';
import { openDb, StoreError } from './store/db.ts';
import { syncConfiguredFeeds } from './store/feeds.ts';

export interface App {
  config: Config;
  logger: Logger;
  db: Db;
  fetcher: Fetcher;
  rules: AnalysisRules;
  pollContext(): PollContext;
  close(): Promise<void>;
}

export interface AppOptions extends LoadOptions {
  /** An already loaded configuration (the worker loads it first to take the instance lock). */
  config?: Config;
  logger?: Logger;
  readonly?: boolean;
}

/** Loads config, opens the database (seeding feeds from sources.yml) and builds the fetcher. */
export function openApp(options: AppOptions = {}): App {
  const config = options.config ?? loadConfig(options);
  const logger = options.logger ?? createLogger({ level: config.env.LOG_LEVEL });
  const rules = loadAnalysisRules(config.paths.feedsDir);
  const db = openDb(config.paths.db, { readonly: options.readonly ?? false });
  if (!options.readonly) seedFeeds(db, config);
  const fetcher = createFetcher(fetcherOptions(config.settings));
  const app: App = {
    config,
    logger,
    db,
    fetcher,
    rules,
    pollContext: () => ({
      db,
      fetcher,
      rules,
      settings: config.settings,
      alertDestination: (rule) => alertDestination(rule, config),
      logger,
      clock: () => new Date(),
      random: Math.random,
    }),
    close: async () => {
      await fetcher.close();
      db.close();
    },
  };
  return app;
}

/** Seeds feeds from sources.yml: the first write, so where a locked database shows up first. */
function seedFeeds(db: Db, config: Config): void {
  try {
    syncConfiguredFeeds(db, config.sources, new Date().toISOString());
  } catch (error) {
    db.close();
    const code = (error as { code?: string }).code ?? '';
    const reason = code.startsWith('SQLITE_BUSY')
      ? 'database is locked by another process (a running worker or a long write); try again when it is done'
      : (error as Error).message;
    throw new StoreError('STORE_WRITE', `cannot write to database ${config.paths.db}: ${reason}`, {
      cause: error,
    });
  }
}

/** The fetcher limits of `settings.poll`: polls, previews and extracts fetch alike. Pure. */
export function fetcherOptions(settings: Settings): Partial<FetcherOptions> {
  const { poll } = settings;
  return {
    concurrency: poll.concurrency,
    perHost: poll.perHost,
    totalTimeoutMs: poll.timeout,
    maxBytes: poll.maxBytes,
    maxRedirects: poll.maxRedirects,
  };
}

/**
 * Where an alert goes: the rule's channel, else DISCORD_ALERT_CHANNEL_ID, else the digest
 * channel; a webhook-only setup posts alerts through the webhook; without Discord, the console.
 */
export function alertDestination(rule: AlertRule, config: Config): string {
  const { env } = config;
  const channel = rule.channel ?? env.DISCORD_ALERT_CHANNEL_ID ?? env.DISCORD_CHANNEL_ID;
  if (env.DISCORD_TOKEN && channel) return `discord:${channel}`;
  if (env.DISCORD_WEBHOOK_URL) return 'webhook';
  return 'console';
}
