/**
 * Posting as a Discord bot (discord.js 14), and the same client's gateway login for slash
 * commands.
 *
 * Posting is REST only (`POST /channels/{id}/messages`): a digest does not need a gateway
 * session. Each post carries the outbox row's `nonce` with `enforce_nonce: true`, so a retry
 * after a crash between "sent" and "marked" returns the message Discord already created instead
 * of posting twice.
 *
 * Retries belong to the outbox alone: the REST manager is built with `retries: 0` (no silent
 * 5xx/timeout retry) and `rejectOnRateLimit` (a 429 or an exhausted bucket rejects with the wait
 * instead of sleeping and retrying by itself), so one delivery attempt is one HTTP request and
 * the two retry policies cannot multiply. A rejected token is remembered: later sends fail at
 * once without a request, since Discord bans bots that keep sending invalid requests.
 */

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  HTTPError,
  RateLimitError,
  Routes,
} from 'discord.js';
import { DeliveryError } from '../errors.ts';
import { apiMessageBody } from './payload.ts';
import type { DiscordMessage, DiscordSender, SendOptions, SendResult } from './types.ts';

export interface BotSenderOptions {
  token: string;
  /** REST base URL without version (DISCORD_API_BASE), e.g. a local fake; default Discord's. */
  apiBase?: string;
  /** Per-request timeout; default 15 s. */
  timeoutMs?: number;
  /** Gateway intents for `login`; default Guilds (enough for slash commands). */
  intents?: GatewayIntentBits[];
}

export interface BotSender extends DiscordSender {
  /** The discord.js client, e.g. to listen to interactions once logged in. */
  readonly client: Client;
  /**
   * Connects to the gateway and resolves once the client is ready (all guilds received).
   * Rejects with a `DeliveryError` (`DISCORD_UNAUTHORIZED` for a bad token,
   * `DISCORD_LOGIN_FAILED` otherwise, `DISCORD_TIMEOUT` after `timeoutMs`, default 30 s).
   */
  login(opts?: { timeoutMs?: number }): Promise<Client<true>>;
}

/** Discord accepts nonces of at most 25 characters. */
const MAX_NONCE_LENGTH = 25;

/**
 * A sender posting through the bot's REST API; no connection is opened until `send` or
 * `login`. `send` rejects with a `DeliveryError` (see `deliveryError` for the mapping); `close`
 * destroys the client. Not pure (network).
 */
export function createBotSender(options: BotSenderOptions): BotSender {
  const client = new Client({
    intents: options.intents ?? [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    rest: {
      ...(options.apiBase ? { api: options.apiBase } : {}),
      retries: 0,
      timeout: options.timeoutMs ?? 15_000,
      rejectOnRateLimit: () => true,
    },
  });
  client.rest.setToken(options.token);
  let tokenRejected: DeliveryError | null = null;

  async function send(
    channelId: string | null,
    message: DiscordMessage,
    opts: SendOptions,
  ): Promise<SendResult> {
    if (!channelId) {
      throw new DeliveryError('no Discord channel to post to: set DISCORD_CHANNEL_ID', {
        code: 'DISCORD_NO_CHANNEL',
        permanent: true,
      });
    }
    if (tokenRejected) throw tokenRejected;
    const body = {
      ...apiMessageBody(message, `channel ${channelId}`),
      nonce: discordNonce(opts.nonce),
      enforce_nonce: true,
    };
    try {
      const posted = (await client.rest.post(Routes.channelMessages(channelId), { body })) as {
        id?: string;
      };
      return { messageId: posted.id ?? null };
    } catch (error) {
      const failure = deliveryError(error, `channel ${channelId}`);
      if (failure.code === 'DISCORD_UNAUTHORIZED') tokenRejected = failure;
      throw failure;
    }
  }

  async function login(opts: { timeoutMs?: number } = {}): Promise<Client<true>> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const ready = once(client, Events.ClientReady, { signal: AbortSignal.timeout(timeoutMs) });
    try {
      await client.login(options.token);
      await ready;
    } catch (error) {
      ready.catch(() => undefined); // the abort after a failed login is expected, not news
      throw loginError(error, timeoutMs);
    }
    return client as Client<true>;
  }

  return {
    client,
    send,
    login,
    close: async () => {
      await client.destroy();
    },
  };
}

/**
 * `key` as a Discord nonce: unchanged when short enough, otherwise a stable 25-character digest
 * of it, so the same outbox row always sends the same nonce.
 */
function discordNonce(key: string): string {
  if (key.length <= MAX_NONCE_LENGTH) return key;
  return createHash('sha256').update(key).digest('base64url').slice(0, MAX_NONCE_LENGTH);
}

/**
 * A discord.js / network failure as a DeliveryError: 429 and exhausted buckets, 5xx, timeouts
 * and network errors are transient; 401, 403, 404 and other 4xx are permanent, with what to fix.
 */
function deliveryError(error: unknown, subject: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof RateLimitError) {
    const waitMs = Math.ceil(Math.max(error.retryAfter, error.timeToReset, 0));
    return new DeliveryError(`${subject}: rate limited by Discord for ${waitMs} ms`, {
      code: 'DISCORD_RATE_LIMITED',
      permanent: false,
      retryAfterMs: waitMs > 0 ? waitMs : null,
      cause: error,
    });
  }
  if (error instanceof DiscordAPIError) return apiError(error, subject);
  if (error instanceof HTTPError) {
    return new DeliveryError(`${subject}: Discord answered ${error.status}, will retry`, {
      code: 'DISCORD_SERVER_ERROR',
      permanent: false,
      cause: error,
    });
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new DeliveryError(`${subject}: Discord did not answer in time`, {
      code: 'DISCORD_TIMEOUT',
      permanent: false,
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new DeliveryError(`${subject}: cannot reach Discord (${reason})`, {
    code: 'DISCORD_NETWORK',
    permanent: false,
    cause: error,
  });
}

// Discord's JSON error codes (developer docs, "Opcodes and Status Codes").
const MISSING_ACCESS = 50001;
const MISSING_PERMISSIONS = 50013;
const UNKNOWN_CHANNEL = 10003;

function apiError(error: DiscordAPIError, subject: string): DeliveryError {
  const permanent = (code: string, fix: string) =>
    new DeliveryError(`${subject}: ${error.message} (HTTP ${error.status}): ${fix}`, {
      code,
      permanent: true,
      cause: error,
    });
  if (error.status === 401) {
    return permanent(
      'DISCORD_UNAUTHORIZED',
      'Discord rejected the bot token; set DISCORD_TOKEN to the token of the bot (Developer Portal > Bot > Reset Token)',
    );
  }
  if (error.code === MISSING_ACCESS) {
    return permanent(
      'DISCORD_MISSING_ACCESS',
      'the bot cannot see this channel; invite it to the server and allow View Channel there, or fix DISCORD_CHANNEL_ID',
    );
  }
  if (error.code === MISSING_PERMISSIONS) {
    return permanent(
      'DISCORD_MISSING_PERMISSIONS',
      'give the bot Send Messages and Embed Links in this channel',
    );
  }
  if (error.code === UNKNOWN_CHANNEL) {
    return permanent(
      'DISCORD_UNKNOWN_CHANNEL',
      'no such channel; check DISCORD_CHANNEL_ID / DISCORD_ALERT_CHANNEL_ID',
    );
  }
  if (error.status === 403) {
    return permanent('DISCORD_FORBIDDEN', 'check the bot’s permissions in this channel');
  }
  if (error.status === 404) {
    return permanent('DISCORD_NOT_FOUND', 'check the channel id and DISCORD_API_BASE');
  }
  if (error.status === 408 || error.status === 429) {
    return new DeliveryError(`${subject}: ${error.message} (HTTP ${error.status}), will retry`, {
      code: error.status === 429 ? 'DISCORD_RATE_LIMITED' : 'DISCORD_TIMEOUT',
      permanent: false,
      cause: error,
    });
  }
  return permanent(
    'DISCORD_REJECTED',
    'Discord refused the message as sent; this is a bug to report',
  );
}

function loginError(error: unknown, timeoutMs: number): DeliveryError {
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return new DeliveryError(`Discord gateway: not ready after ${timeoutMs} ms`, {
      code: 'DISCORD_TIMEOUT',
      permanent: false,
      cause: error,
    });
  }
  const rejected =
    (error instanceof DiscordAPIError && error.status === 401) ||
    (error instanceof Error &&
      /TokenInvalid|invalid token/i.test(`${error.name} ${error.message}`));
  const reason = error instanceof Error ? error.message : String(error);
  return new DeliveryError(
    rejected
      ? 'Discord gateway: the bot token was rejected; set DISCORD_TOKEN'
      : `Discord gateway: login failed (${reason})`,
    {
      code: rejected ? 'DISCORD_UNAUTHORIZED' : 'DISCORD_LOGIN_FAILED',
      permanent: rejected,
      cause: error,
    },
  );
}
