/**
 * Sends what the outbox holds: claims due rows, posts each part through the sink its
 * destination names, confirms part by part, and decides retry or give-up from the
 * `DeliveryError` a sender raises. A permanent failure is logged with what to fix and never
 * retried; a transient one waits (Retry-After, else exponential backoff) and is retried up to
 * `maxAttempts`.
 *
 * Destinations: `discord:<channelId>` (bot), `webhook`, `console`, `smtp:<address>`, `eml`.
 */

import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import {
  claimDue,
  confirmPart,
  markFailed,
  markRetry,
  markSent,
  type OutboxRow,
  setPayload,
} from '../store/outbox.ts';
import { storyViews } from '../store/views.ts';
import { renderAlert } from './discord/render.ts';
import type { DiscordMessage, DiscordSender } from './discord/types.ts';
import type { EmailAttachment, OutgoingEmail } from './email/types.ts';
import { DeliveryError, isDeliveryError } from './errors.ts';

/** What a digest or alert row carries once rendered. */
export interface DiscordPayload {
  messages: DiscordMessage[];
  /** The same content as text, for the console sink. */
  text: string;
}

/** What a daily-email row carries once rendered. */
export interface EmailPayload {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** The day reported, YYYY-MM-DD (names the .eml file). */
  date: string;
  attachments?: EmailAttachment[];
}

export interface MailSink {
  send(message: OutgoingEmail): Promise<{ messageId: string }>;
}

export interface Sinks {
  bot?: DiscordSender;
  webhook?: DiscordSender;
  console: (text: string) => void;
  smtp?: MailSink;
  /** Writes the message as an .eml file; returns its path. */
  eml: (payload: EmailPayload) => Promise<string>;
}

export interface DispatchOptions {
  now: () => Date;
  logger: Logger;
  lang: 'fr' | 'en';
  maxAttempts?: number;
}

export interface DispatchSummary {
  sent: number;
  retried: number;
  failed: number;
}

const BASE_RETRY_MS = 30_000;
const MAX_RETRY_MS = 3_600_000;

/** Delay before the next attempt of a transient failure. Pure. */
export function retryDelayMs(attempts: number, retryAfterMs: number | null): number {
  const backoff = Math.min(BASE_RETRY_MS * 2 ** Math.min(attempts - 1, 20), MAX_RETRY_MS);
  return Math.max(backoff, retryAfterMs ?? 0);
}

/** Sends every due delivery once; returns counts. Never throws for a delivery's failure. */
export async function dispatchDue(
  db: Db,
  sinks: Sinks,
  options: DispatchOptions,
): Promise<DispatchSummary> {
  const summary: DispatchSummary = { sent: 0, retried: 0, failed: 0 };
  const rows = claimDue(db, ['alert', 'digest', 'email'], options.now().toISOString());
  for (const row of rows) {
    try {
      await deliver(db, sinks, row, options);
      markSent(db, row.id, options.now().toISOString());
      summary.sent += 1;
    } catch (error) {
      const failure = isDeliveryError(error)
        ? error
        : new DeliveryError(String((error as Error)?.message ?? error), {
            code: 'DELIVERY_INTERNAL',
            permanent: false,
            cause: error,
          });
      const giveUp = failure.permanent || row.attempts >= (options.maxAttempts ?? 12);
      const context = {
        delivery: row.id,
        kind: row.kind,
        destination: row.destination,
        code: failure.code,
        attempts: row.attempts,
      };
      if (giveUp) {
        markFailed(db, row.id, `${failure.code}: ${failure.message}`);
        options.logger.error(context, `delivery failed for good: ${failure.message}`);
        summary.failed += 1;
      } else {
        const next = new Date(
          options.now().getTime() + retryDelayMs(row.attempts, failure.retryAfterMs),
        );
        markRetry(db, row.id, `${failure.code}: ${failure.message}`, next.toISOString());
        options.logger.warn(
          { ...context, retryAt: next.toISOString() },
          `delivery will be retried: ${failure.message}`,
        );
        summary.retried += 1;
      }
    }
  }
  return summary;
}

async function deliver(
  db: Db,
  sinks: Sinks,
  row: OutboxRow,
  options: DispatchOptions,
): Promise<void> {
  if (row.kind === 'email') return deliverEmail(sinks, row);
  const payload = row.payload
    ? (JSON.parse(row.payload) as DiscordPayload)
    : renderAlertPayload(db, row, options);
  const [sink, channelId] = discordSink(sinks, row.destination);
  if (!sink) {
    if (row.partsSent === 0) {
      sinks.console(payload.text);
      confirmPart(db, row.id, null);
    }
    return;
  }
  for (let part = row.partsSent; part < payload.messages.length; part += 1) {
    const message = payload.messages[part] as DiscordMessage;
    const { messageId } = await sink.send(channelId, message, { nonce: `vigie-${row.id}-${part}` });
    confirmPart(db, row.id, messageId);
  }
}

function discordSink(
  sinks: Sinks,
  destination: string,
): [DiscordSender | undefined, string | null] {
  if (destination.startsWith('discord:')) {
    if (!sinks.bot)
      throw new DeliveryError(`no Discord bot configured for ${destination}: set DISCORD_TOKEN`, {
        code: 'DISCORD_NOT_CONFIGURED',
        permanent: true,
      });
    return [sinks.bot, destination.slice('discord:'.length)];
  }
  if (destination === 'webhook') {
    if (!sinks.webhook)
      throw new DeliveryError('no webhook configured: set DISCORD_WEBHOOK_URL', {
        code: 'DISCORD_NOT_CONFIGURED',
        permanent: true,
      });
    return [sinks.webhook, null];
  }
  return [undefined, null];
}

/** Alerts are rendered when first claimed and the payload kept, so a retry posts the same thing. */
function renderAlertPayload(db: Db, row: OutboxRow, options: DispatchOptions): DiscordPayload {
  // The alert shows the whole story the article belongs to (its other outlets, if any).
  const [article] = storyViews(
    db,
    row.articleId === null ? [] : [{ articleId: row.articleId, update: false, createdAt: '' }],
  );
  if (!article)
    throw new DeliveryError(`article ${row.articleId} of alert ${row.id} no longer exists`, {
      code: 'ALERT_ARTICLE_GONE',
      permanent: true,
    });
  const message = renderAlert(article, { lang: options.lang });
  const payload: DiscordPayload = {
    messages: [message],
    text: `${article.title}\n${article.url}`,
  };
  setPayload(db, row.id, payload);
  return payload;
}

async function deliverEmail(sinks: Sinks, row: OutboxRow): Promise<void> {
  const payload = JSON.parse(row.payload ?? 'null') as EmailPayload | null;
  if (!payload)
    throw new DeliveryError(`email ${row.id} has no content`, {
      code: 'EMAIL_EMPTY',
      permanent: true,
    });
  if (row.destination === 'eml') {
    await sinks.eml(payload);
    return;
  }
  if (!sinks.smtp)
    throw new DeliveryError(`no SMTP configured for ${row.destination}: set SMTP_URL`, {
      code: 'SMTP_NOT_CONFIGURED',
      permanent: true,
    });
  await sinks.smtp.send(payload);
}
