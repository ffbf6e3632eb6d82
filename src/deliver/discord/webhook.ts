/**
 * Posting through a Discord webhook (DISCORD_WEBHOOK_URL): no bot, no gateway, one HTTP POST
 * with undici per message.
 *
 * Rate limits: a 429 rejects with Discord's `retry_after` (body, seconds; `Retry-After` header as
 * fallback) as `retryAfterMs` and blocks this sender until then. After any answer whose
 * `X-RateLimit-Remaining` is 0 the next send first waits `X-RateLimit-Reset-After`, or, when that
 * is longer than `maxWaitMs`, rejects at once as rate limited instead of holding the caller.
 *
 * Exactly once: Execute Webhook has no `nonce` / `enforce_nonce` (only bot messages do), so the
 * `nonce` passed to `send` is ignored. We post with `?wait=true`, which makes Discord answer with
 * the created message, and return its id; the outbox stores that id when it marks the row sent.
 * The only window in which a message can be doubled is a crash (or lost response) between
 * Discord creating the message and the outbox marking the row: on restart that row is pending
 * again and is posted a second time. Use a bot (DISCORD_TOKEN) when that window matters.
 */
import { fetch as undiciFetch } from 'undici';
import { DeliveryError } from '../errors.ts';
import { apiMessageBody } from './payload.ts';
import type { DiscordMessage, DiscordSender, SendResult } from './types.ts';

/** The part of `fetch` the sender uses, so tests or callers may pass their own. */
export type WebhookFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

export interface WebhookSenderOptions {
  /** https://discord.com/api/webhooks/{id}/{token} (or the same path on a local fake). */
  url: string;
  /** Default: undici's fetch. */
  fetch?: WebhookFetch;
  /** Per-request timeout; default 15 s. */
  timeoutMs?: number;
  /** Longest pause taken before a send for an exhausted bucket; default 10 s. */
  maxWaitMs?: number;
  /** Clock and sleep, injected by tests; default Date.now and setTimeout. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const WEBHOOK_PATH = /\/webhooks\/(\d+)\/[^/]+\/?$/;
const UNKNOWN_WEBHOOK = 10015;
const INVALID_WEBHOOK_TOKEN = 50027;

/**
 * A sender posting to one webhook; `channelId` is ignored (a webhook belongs to its channel).
 * Throws a permanent `DeliveryError` (`DISCORD_WEBHOOK_INVALID`) at once when `url` is not a
 * webhook URL; `send` rejects with a `DeliveryError` (429/5xx/timeouts/network transient,
 * other 4xx permanent). Not pure (network). The webhook token never appears in error messages.
 */
export function createWebhookSender(options: WebhookSenderOptions): DiscordSender {
  const target = webhookTarget(options.url);
  const subject = `webhook ${target.id}`;
  const post = options.fetch ?? (undiciFetch as unknown as WebhookFetch);
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  let blockedUntil = 0;
  let rejected: DeliveryError | null = null;

  async function send(_channel: string | null, message: DiscordMessage): Promise<SendResult> {
    if (rejected) throw rejected;
    const body = JSON.stringify(apiMessageBody(message, subject));
    const waitMs = blockedUntil - now();
    if (waitMs > maxWaitMs) throw rateLimited(subject, waitMs, null);
    if (waitMs > 0) await sleep(waitMs);

    let status: number;
    let text: string;
    let headers: { get(name: string): string | null };
    try {
      const response = await post(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      ({ status, headers } = response);
      text = await response.text();
    } catch (error) {
      throw networkError(subject, error);
    }

    const resetAfterMs = secondsToMs(headers.get('x-ratelimit-reset-after'));
    if (headers.get('x-ratelimit-remaining') === '0' && resetAfterMs !== null) {
      blockedUntil = now() + resetAfterMs;
    }
    if (status >= 200 && status < 300) return { messageId: messageIdOf(text) };
    if (status === 429) {
      const retryAfterMs =
        secondsToMs(String(parseJson(text)?.retry_after ?? '')) ??
        secondsToMs(headers.get('retry-after')) ??
        resetAfterMs;
      if (retryAfterMs !== null) blockedUntil = Math.max(blockedUntil, now() + retryAfterMs);
      throw rateLimited(subject, retryAfterMs, null);
    }
    const failure = httpError(subject, status, text, secondsToMs(headers.get('retry-after')));
    if (failure.code === 'DISCORD_WEBHOOK_INVALID') rejected = failure;
    throw failure;
  }

  return { send, close: async () => undefined };
}

function webhookTarget(url: string): { url: string; id: string } {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new DeliveryError('DISCORD_WEBHOOK_URL is not a URL', {
      code: 'DISCORD_WEBHOOK_INVALID',
      permanent: true,
      cause: error,
    });
  }
  const id = WEBHOOK_PATH.exec(parsed.pathname)?.[1];
  if (!id || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new DeliveryError(
      'DISCORD_WEBHOOK_URL must look like https://discord.com/api/webhooks/{id}/{token}',
      { code: 'DISCORD_WEBHOOK_INVALID', permanent: true },
    );
  }
  // wait=true makes Discord answer with the created message, whose id the outbox keeps.
  parsed.searchParams.set('wait', 'true');
  return { url: parsed.href, id };
}

function rateLimited(subject: string, retryAfterMs: number | null, cause: unknown): DeliveryError {
  const wait = retryAfterMs === null ? '' : ` for ${retryAfterMs} ms`;
  return new DeliveryError(`${subject}: rate limited by Discord${wait}`, {
    code: 'DISCORD_RATE_LIMITED',
    permanent: false,
    retryAfterMs,
    cause,
  });
}

function httpError(
  subject: string,
  status: number,
  text: string,
  retryAfterMs: number | null,
): DeliveryError {
  const api = parseJson(text);
  const detail =
    typeof api?.message === 'string' ? `${api.message} (HTTP ${status})` : `HTTP ${status}`;
  if (status >= 500 || status === 408) {
    return new DeliveryError(`${subject}: Discord answered ${detail}, will retry`, {
      code: status === 408 ? 'DISCORD_TIMEOUT' : 'DISCORD_SERVER_ERROR',
      permanent: false,
      retryAfterMs,
    });
  }
  const permanent = (code: string, fix: string) =>
    new DeliveryError(`${subject}: ${detail}: ${fix}`, { code, permanent: true });
  if (
    status === 401 ||
    status === 404 ||
    api?.code === UNKNOWN_WEBHOOK ||
    api?.code === INVALID_WEBHOOK_TOKEN
  ) {
    return permanent(
      'DISCORD_WEBHOOK_INVALID',
      'the webhook was deleted or its URL is wrong; create one (channel settings > Integrations) and set DISCORD_WEBHOOK_URL',
    );
  }
  if (status === 403) {
    return permanent('DISCORD_FORBIDDEN', 'the webhook may not post here; check the channel');
  }
  return permanent(
    'DISCORD_REJECTED',
    'Discord refused the message as sent; this is a bug to report',
  );
}

function networkError(subject: string, error: unknown): DeliveryError {
  const timedOut =
    error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  const reason = error instanceof Error ? error.message : String(error);
  return new DeliveryError(
    timedOut
      ? `${subject}: Discord did not answer in time`
      : `${subject}: cannot reach Discord (${reason})`,
    { code: timedOut ? 'DISCORD_TIMEOUT' : 'DISCORD_NETWORK', permanent: false, cause: error },
  );
}

/** Discord's "1.5" (seconds, decimal) as whole milliseconds, or null. */
function secondsToMs(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : null;
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    // Proxies and outages answer HTML or nothing: then there is no API detail to read.
    return null;
  }
}

function messageIdOf(text: string): string | null {
  const id = parseJson(text)?.id;
  return typeof id === 'string' ? id : null;
}
