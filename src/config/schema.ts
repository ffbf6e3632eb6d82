/**
 * The shape of Vigie's configuration: `feeds/sources.yml`, `feeds/settings.yml` (every key has
 * a default here, so the file may be empty) and the environment. Pure zod schemas; reading the
 * files is `load.ts`'s job. Strict objects: a misspelt key is an error, not silently ignored.
 */
import cron from 'node-cron';
import { z } from 'zod';
import { TERM_IDS } from '../analyze/types.ts';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a duration such as `90s`, `15m`, `24h`, `365d`; null when unreadable. Pure. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/i.exec(text);
  if (!match?.[1] || !match[2]) return null;
  return Math.round(Number(match[1]) * UNIT_MS[match[2].toLowerCase() as keyof typeof UNIT_MS]);
}

const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === null) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration like 30s, 15m, 24h (got ${JSON.stringify(text)})`,
    });
    return z.NEVER;
  }
  return ms;
});

const SIZE_UNITS = { b: 1, kb: 1024, mb: 1024 ** 2 } as const;
const size = z.union([z.number().int().positive(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb)\s*$/i.exec(value);
  if (!match?.[1] || !match[2]) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a size like 512KB or 10MB (got ${JSON.stringify(value)})`,
    });
    return z.NEVER;
  }
  return Math.round(
    Number(match[1]) * SIZE_UNITS[match[2].toLowerCase() as keyof typeof SIZE_UNITS],
  );
});

const httpUrl = z.string().refine((value) => {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}, 'expected http(s) URL');

export const sourceSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  url: httpUrl,
  lang: z
    .string()
    .regex(/^[a-z]{2}$/, 'expected a two-letter language code')
    .optional(),
  interval: duration.optional(),
});

export const sourcesSchema = z.strictObject({ feeds: z.array(sourceSchema) });

const cronExpression = z
  .string()
  .refine(
    (expression) => cron.validate(expression),
    'expected a cron expression like "0 8 * * 1-5"',
  );

const alertRuleSchema = z.strictObject({
  name: z.string().min(1),
  /** The article must mention every one of these terms (one term = any article about it). */
  terms: z.array(z.enum(TERM_IDS)).min(1),
  /** Discord channel; defaults to DISCORD_ALERT_CHANNEL_ID, then DISCORD_CHANNEL_ID. */
  channel: z.string().optional(),
});

export const settingsSchema = z.strictObject({
  lang: z.enum(['fr', 'en']).default('fr'),
  /** On a feed's first poll, items newer than this many days are announced; older ones only stored. */
  backfillDays: z.number().int().min(0).default(0),
  allowPrivateFeeds: z.boolean().default(false),
  poll: z
    .strictObject({
      interval: duration.default(15 * 60_000),
      /** Fraction of the interval by which each feed's turn is shifted, so feeds are not hit at once. */
      jitter: z.number().min(0).max(0.5).default(0.1),
      minInterval: duration.default(5 * 60_000),
      concurrency: z.number().int().min(1).max(64).default(8),
      perHost: z.number().int().min(1).max(8).default(2),
      timeout: duration.default(30_000),
      maxBytes: size.default(10 * 1024 * 1024),
      maxRedirects: z.number().int().min(0).max(10).default(5),
      maxBackoff: duration.default(24 * 3_600_000),
      disableAfterFailures: z.number().int().min(1).default(20),
      /** Fetch each new item's page unless the feed already carries this much text. */
      fetchArticles: z.boolean().default(true),
      fullTextMinChars: z.number().int().min(0).default(1500),
    })
    .prefault({}),
  digest: z
    .strictObject({
      cron: cronExpression.default('0 8-20/2 * * 1-5'),
      maxArticles: z.number().int().min(1).max(500).default(60),
      /** The weekly digest of stories ranked by outlets and terms (TZ_REPORTS). */
      weeklyCron: cronExpression.default('0 9 * * 1'),
      weeklyMaxStories: z.number().int().min(1).max(100).default(20),
    })
    .prefault({}),
  stories: z
    .strictObject({
      /** Articles about the same event join one story when published this close together. */
      window: duration.default(72 * 3_600_000),
    })
    .prefault({}),
  email: z
    .strictObject({
      cron: cronExpression.default('0 8 * * 1-5'),
      sendEmpty: z.boolean().default(false),
    })
    .prefault({}),
  alerts: z.array(alertRuleSchema).default([]),
});

export const envSchema = z.object({
  DISCORD_TOKEN: z.string().min(1).optional(),
  DISCORD_CHANNEL_ID: z.string().regex(/^\d+$/, 'expected a numeric channel id').optional(),
  DISCORD_GUILD_ID: z.string().regex(/^\d+$/, 'expected a numeric guild id').optional(),
  DISCORD_ALERT_CHANNEL_ID: z.string().regex(/^\d+$/, 'expected a numeric channel id').optional(),
  DISCORD_WEBHOOK_URL: httpUrl.optional(),
  DISCORD_API_BASE: httpUrl.optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).optional(),
  MAIL_TO: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((address) => address.trim())
        .filter(Boolean),
    )
    .optional(),
  TZ_REPORTS: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('fr-FR', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'unknown time zone')
    .default('Europe/Paris'),
  VIGIE_DB: z.string().min(1).default('storage/vigie.db'),
  VIGIE_SOURCES: z.string().min(1).default('feeds/sources.yml'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VIGIE_HTTP: z
    .string()
    .regex(/^[\w.:[\]-]+:\d+$/, 'expected host:port, e.g. 127.0.0.1:9464')
    .default('127.0.0.1:9464'),
});

export type Source = z.infer<typeof sourceSchema>;
export type Settings = z.infer<typeof settingsSchema>;
export type Env = z.infer<typeof envSchema>;
export type AlertRule = z.infer<typeof alertRuleSchema>;
