/**
 * Feeds managed at runtime (`/feeds add|remove|pause|resume`). `sources.yml` stays the seed:
 * feeds added here have origin 'runtime' and live only in the database; a feed that comes from
 * the file cannot be removed here (the next start would bring it back), only paused, which
 * `syncConfiguredFeeds` leaves alone.
 *
 * A URL added at runtime is user input pointing our fetcher somewhere: it must be http(s), carry
 * no credentials and, unless `allowPrivateFeeds` is set, every address its host resolves to must
 * be public, or the bot becomes a way to read the network it runs in (SSRF: loopback, private
 * ranges, link-local and the 169.254.169.254 metadata endpoint).
 */
import { promises as dns } from 'node:dns';
import { isHttpUrl, isPrivateAddress, literalAddress } from '../ingest/address.ts';
import type { Db } from './db.ts';
import { type FeedRow, getFeed, listFeeds } from './feeds.ts';

/** Addresses a host name resolves to (the shape of `dns.promises.lookup(host, { all: true })`). */
export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;

export type FeedAdminCode =
  | 'FEED_URL_INVALID'
  | 'FEED_URL_SCHEME'
  | 'FEED_URL_CREDENTIALS'
  | 'FEED_URL_PRIVATE'
  | 'FEED_URL_UNRESOLVABLE'
  | 'FEED_EXISTS'
  | 'FEED_NOT_FOUND'
  | 'FEED_FROM_CONFIG';

/** A refused feed operation; `subject` is the URL or feed reference it was about. */
export class FeedAdminError extends Error {
  readonly code: FeedAdminCode;
  readonly subject: string;
  constructor(
    code: FeedAdminCode,
    subject: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FeedAdminError';
    this.code = code;
    this.subject = subject;
  }
}

/** The resolver used outside tests: the system's, every address of the host. */
export const systemResolver: Resolver = (host) => dns.lookup(host, { all: true, verbatim: true });

export interface UrlCheckOptions {
  allowPrivate: boolean;
  resolve?: Resolver;
}

const MAX_URL_LENGTH = 2048;

/**
 * The parsed URL when it may be polled. Rejects with `FeedAdminError`: FEED_URL_INVALID (does
 * not parse, too long), FEED_URL_SCHEME (not http/https), FEED_URL_CREDENTIALS (user:pass@),
 * FEED_URL_PRIVATE (a literal or resolved address is not public, unless `allowPrivate`),
 * FEED_URL_UNRESOLVABLE (the name does not resolve). Not pure: resolves the host name.
 */
export async function checkFeedUrl(raw: string, options: UrlCheckOptions): Promise<URL> {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new FeedAdminError('FEED_URL_INVALID', text, `${text}: not a URL`, { cause: error });
  }
  if (text.length > MAX_URL_LENGTH)
    throw new FeedAdminError('FEED_URL_INVALID', text, `URL longer than ${MAX_URL_LENGTH}`);
  if (!isHttpUrl(url))
    throw new FeedAdminError('FEED_URL_SCHEME', text, `${url.protocol} URLs cannot be polled`);
  if (url.username || url.password)
    throw new FeedAdminError('FEED_URL_CREDENTIALS', text, 'URLs with credentials are refused');
  if (options.allowPrivate) return url;
  const literal = literalAddress(url);
  const addresses = literal ? [literal] : await resolveAll(url.hostname, text, options.resolve);
  const blocked = addresses.find(isPrivateAddress);
  if (blocked)
    throw new FeedAdminError(
      'FEED_URL_PRIVATE',
      text,
      `${url.hostname} is a private or local address (${blocked}); set allowPrivateFeeds to allow it`,
    );
  return url;
}

async function resolveAll(host: string, subject: string, resolve?: Resolver): Promise<string[]> {
  let found: Array<{ address: string }>;
  try {
    found = await (resolve ?? systemResolver)(host);
  } catch (error) {
    throw new FeedAdminError('FEED_URL_UNRESOLVABLE', subject, `${host} does not resolve`, {
      cause: error,
    });
  }
  if (found.length === 0)
    throw new FeedAdminError('FEED_URL_UNRESOLVABLE', subject, `${host} has no address`);
  return found.map((entry) => entry.address);
}

export interface NewRuntimeFeed extends UrlCheckOptions {
  url: string;
  /** Shown in digests; default the URL's host name. */
  name?: string;
  now: string;
}

/**
 * Adds a feed with origin 'runtime' after `checkFeedUrl`, due at once. A feed removed earlier
 * with the same URL comes back (poll history kept). Rejects with `FeedAdminError` (the URL codes,
 * or FEED_EXISTS when an active feed already has this URL). Not pure: DNS and database.
 */
export async function addRuntimeFeed(db: Db, feed: NewRuntimeFeed): Promise<FeedRow> {
  const url = (await checkFeedUrl(feed.url, feed)).href;
  const name = (feed.name?.trim() || new URL(url).hostname).slice(0, 120);
  const existing = db
    .prepare('SELECT id, removed_at AS removedAt FROM feeds WHERE url = ?')
    .get(url) as { id: number; removedAt: string | null } | undefined;
  if (existing && existing.removedAt === null)
    throw new FeedAdminError('FEED_EXISTS', url, `${url} is already polled`);
  const id = existing
    ? (
        db
          .prepare(
            `UPDATE feeds SET name = ?, origin = 'runtime', removed_at = NULL, paused = 0,
             disabled_at = NULL, consecutive_failures = 0, next_poll_at = ? WHERE id = ? RETURNING id`,
          )
          .get(name, feed.now, existing.id) as { id: number }
      ).id
    : Number(
        db
          .prepare(
            `INSERT INTO feeds (url, name, origin, next_poll_at) VALUES (?, ?, 'runtime', ?)`,
          )
          .run(url, name, feed.now).lastInsertRowid,
      );
  return getFeed(db, id) as FeedRow;
}

/**
 * The active feed `ref` names: its id, its URL, or its name (case-insensitive; the only match
 * or none). Read-only.
 */
export function findFeed(db: Db, ref: string): FeedRow | null {
  const wanted = ref.trim();
  const feeds = listFeeds(db);
  const byId = /^\d+$/.test(wanted) ? feeds.find((feed) => feed.id === Number(wanted)) : undefined;
  if (byId) return byId;
  const byUrl = feeds.find((feed) => feed.url === wanted);
  if (byUrl) return byUrl;
  const byName = feeds.filter((feed) => feed.name.toLowerCase() === wanted.toLowerCase());
  return byName.length === 1 ? (byName[0] as FeedRow) : null;
}

function requireFeed(db: Db, ref: string): FeedRow {
  const feed = findFeed(db, ref);
  if (!feed) throw new FeedAdminError('FEED_NOT_FOUND', ref, `no active feed named ${ref}`);
  return feed;
}

/**
 * Marks a runtime feed removed (kept for its articles' sources). Throws `FeedAdminError`
 * FEED_NOT_FOUND, or FEED_FROM_CONFIG for a feed of sources.yml (pause it or edit the file).
 */
export function removeRuntimeFeed(db: Db, ref: string, now: string): FeedRow {
  const feed = requireFeed(db, ref);
  if (feed.origin === 'config')
    throw new FeedAdminError(
      'FEED_FROM_CONFIG',
      ref,
      `${feed.name} comes from sources.yml: pause it, or remove it from the file`,
    );
  db.prepare('UPDATE feeds SET removed_at = ? WHERE id = ?').run(now, feed.id);
  return { ...feed, removedAt: now };
}

/**
 * Pauses or resumes a feed (config or runtime). Resuming also clears a disabled state, since
 * an admin asking for it is the "fixed, try again" signal. Throws `FeedAdminError`
 * FEED_NOT_FOUND.
 */
export function setFeedPaused(db: Db, ref: string, paused: boolean, now: string): FeedRow {
  const feed = requireFeed(db, ref);
  if (paused) db.prepare('UPDATE feeds SET paused = 1 WHERE id = ?').run(feed.id);
  else
    db.prepare(
      'UPDATE feeds SET paused = 0, disabled_at = NULL, next_poll_at = ? WHERE id = ?',
    ).run(now, feed.id);
  return getFeed(db, feed.id) as FeedRow;
}

export type FeedState = 'ok' | 'failing' | 'disabled' | 'paused';

/** How a feed is doing, as /feeds and /stats show it. Pure. */
export function feedState(feed: FeedRow): FeedState {
  if (feed.disabledAt) return 'disabled';
  if (feed.paused) return 'paused';
  return feed.consecutiveFailures > 0 ? 'failing' : 'ok';
}
