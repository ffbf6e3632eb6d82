/**
 * Feeds and their poll state. `sources.yml` seeds the table; feeds added at runtime live only
 * here. Times are ISO strings passed in by the caller (the store reads no clock).
 */
import type { Source } from '../config/schema.ts';
import { type Db, statement, transaction } from './db.ts';

export interface FeedRow {
  id: number;
  url: string;
  name: string;
  lang: string | null;
  intervalMs: number | null;
  origin: 'config' | 'runtime';
  paused: boolean;
  removedAt: string | null;
  title: string | null;
  etag: string | null;
  lastModified: string | null;
  firstPolledAt: string | null;
  lastPolledAt: string | null;
  lastSuccessAt: string | null;
  nextPollAt: string | null;
  consecutiveFailures: number;
  totalFailures: number;
  lastErrorCode: string | null;
  lastError: string | null;
  disabledAt: string | null;
}

const FEED_COLUMNS = `id, url, name, lang, interval_ms AS intervalMs, origin, paused, removed_at AS removedAt,
  title, etag, last_modified AS lastModified, first_polled_at AS firstPolledAt,
  last_polled_at AS lastPolledAt, last_success_at AS lastSuccessAt, next_poll_at AS nextPollAt,
  consecutive_failures AS consecutiveFailures, total_failures AS totalFailures,
  last_error_code AS lastErrorCode, last_error AS lastError, disabled_at AS disabledAt`;

function toFeed(row: Record<string, unknown>): FeedRow {
  return { ...(row as unknown as FeedRow), paused: row.paused === 1 };
}

/**
 * Makes the `config` feeds match `sources`: new ones are added, known ones get their name,
 * lang and interval updated (poll state kept), and those gone from the file are marked removed.
 * Runtime feeds are left alone.
 */
export function syncConfiguredFeeds(db: Db, sources: readonly Source[], now: string): void {
  const upsert = statement(
    db,
    `
    INSERT INTO feeds (url, name, lang, interval_ms, origin) VALUES (@url, @name, @lang, @intervalMs, 'config')
    ON CONFLICT (url) DO UPDATE SET name = excluded.name, lang = excluded.lang,
      interval_ms = excluded.interval_ms, removed_at = NULL
    WHERE feeds.origin = 'config'`,
  );
  transaction(db, () => {
    for (const source of sources)
      upsert.run({
        url: source.url,
        name: source.name,
        lang: source.lang ?? null,
        intervalMs: source.interval ?? null,
      });
    const urls = JSON.stringify(sources.map((source) => source.url));
    statement(
      db,
      `UPDATE feeds SET removed_at = ? WHERE origin = 'config' AND removed_at IS NULL
       AND url NOT IN (SELECT value FROM json_each(?))`,
    ).run(now, urls);
  });
}

/** Every feed not removed, in name order. */
export function listFeeds(db: Db, options: { includeRemoved?: boolean } = {}): FeedRow[] {
  const where = options.includeRemoved ? '' : 'WHERE removed_at IS NULL';
  return statement(
    db,
    `SELECT ${FEED_COLUMNS} FROM feeds ${where} ORDER BY name COLLATE NOCASE, id`,
  )
    .all()
    .map((row) => toFeed(row as Record<string, unknown>));
}

/** Feeds whose turn has come: active (not paused, disabled or removed) and due by `now`. */
export function dueFeeds(db: Db, now: string): FeedRow[] {
  return statement(
    db,
    `SELECT ${FEED_COLUMNS} FROM feeds
       WHERE removed_at IS NULL AND paused = 0 AND disabled_at IS NULL
         AND (next_poll_at IS NULL OR next_poll_at <= ?)
       ORDER BY coalesce(next_poll_at, ''), id`,
  )
    .all(now)
    .map((row) => toFeed(row as Record<string, unknown>));
}

/** Active feeds regardless of their schedule (for `vigie poll --once`). */
export function activeFeeds(db: Db): FeedRow[] {
  return statement(
    db,
    `SELECT ${FEED_COLUMNS} FROM feeds
       WHERE removed_at IS NULL AND paused = 0 AND disabled_at IS NULL ORDER BY id`,
  )
    .all()
    .map((row) => toFeed(row as Record<string, unknown>));
}

export function getFeed(db: Db, id: number): FeedRow | null {
  const row = statement(db, `SELECT ${FEED_COLUMNS} FROM feeds WHERE id = ?`).get(id);
  return row ? toFeed(row as Record<string, unknown>) : null;
}

export interface PollSuccess {
  now: string;
  nextPollAt: string;
  notModified: boolean;
  etag: string | null;
  lastModified: string | null;
  title?: string | null;
  /** A 301/308 moved the feed: store the new URL (unless another feed already has it). */
  movedTo?: string | null;
}

/** Records a good poll: validators kept, failures reset, next turn set. */
export function recordPollSuccess(db: Db, feedId: number, result: PollSuccess): void {
  transaction(db, () => {
    statement(
      db,
      `UPDATE feeds SET etag = @etag, last_modified = @lastModified,
         title = coalesce(@title, title), first_polled_at = coalesce(first_polled_at, @now),
         last_polled_at = @now, last_success_at = @now, next_poll_at = @nextPollAt,
         consecutive_failures = 0, last_error_code = NULL, last_error = NULL, disabled_at = NULL
       WHERE id = @id`,
    ).run({
      id: feedId,
      now: result.now,
      nextPollAt: result.nextPollAt,
      etag: result.etag,
      lastModified: result.lastModified,
      title: result.title ?? null,
    });
    if (result.movedTo)
      statement(
        db,
        'UPDATE feeds SET url = ? WHERE id = ? AND NOT EXISTS (SELECT 1 FROM feeds WHERE url = ?)',
      ).run(result.movedTo, feedId, result.movedTo);
  });
}

export interface PollFailure {
  now: string;
  nextPollAt: string;
  code: string;
  message: string;
  /** Disable the feed now (e.g. 410 Gone) or when failures reach this count. */
  disable: boolean;
}

/** Records a failed poll; returns the feed's consecutive failure count. */
export function recordPollFailure(db: Db, feedId: number, failure: PollFailure): number {
  const row = statement(
    db,
    `UPDATE feeds SET last_polled_at = @now, next_poll_at = @nextPollAt,
         consecutive_failures = consecutive_failures + 1, total_failures = total_failures + 1,
         last_error_code = @code, last_error = @message,
         disabled_at = CASE WHEN @disable THEN @now ELSE disabled_at END
       WHERE id = @id RETURNING consecutive_failures AS failures`,
  ).get({ id: feedId, ...failure, disable: failure.disable ? 1 : 0 }) as
    | { failures: number }
    | undefined;
  return row?.failures ?? 0;
}

/** Feeds currently failing or disabled, most failures first (digest footers, /stats). */
export function failingFeeds(db: Db): FeedRow[] {
  return statement(
    db,
    `SELECT ${FEED_COLUMNS} FROM feeds WHERE removed_at IS NULL
       AND (consecutive_failures > 0 OR disabled_at IS NOT NULL)
       ORDER BY consecutive_failures DESC, name`,
  )
    .all()
    .map((row) => toFeed(row as Record<string, unknown>));
}
