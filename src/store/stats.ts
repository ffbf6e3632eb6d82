/**
 * Counts for `/topics` and `/stats`. Periods are half-open `[from, to)` ISO instants passed in by
 * the caller (the store reads no clock), counted on `first_seen_at` like `termCountsBetween`, so
 * an article published long ago but found today counts today.
 */
import { TERM_IDS, type TermId, TOPIC_IDS, type TopicId } from '../analyze/types.ts';
import type { Db } from './db.ts';
import { feedState } from './feed-admin.ts';
import { listFeeds } from './feeds.ts';
import { outboxStats } from './outbox.ts';
import { termCountsBetween } from './views.ts';

export interface Trend<Id extends string> {
  id: Id;
  /** Articles first seen in [from, to). */
  count: number;
  /** Articles first seen in the period of the same length just before. */
  previous: number;
}

export interface Trends {
  from: string;
  to: string;
  /** Distinct articles in [from, to) and in the period before. */
  articles: { count: number; previous: number };
  /** Every topic and term, in DESIGN.md's order, zeros included. */
  topics: Trend<TopicId>[];
  terms: Trend<TermId>[];
}

/** Articles per topic first seen in [from, to). Read-only. */
export function topicCountsBetween(db: Db, from: string, to: string): Map<TopicId, number> {
  const rows = db
    .prepare(
      `SELECT t.topic_id AS id, count(*) AS n FROM article_topics t
       JOIN articles a ON a.id = t.article_id
       WHERE a.first_seen_at >= ? AND a.first_seen_at < ? GROUP BY t.topic_id`,
    )
    .all(from, to) as { id: TopicId; n: number }[];
  return new Map(rows.map((row) => [row.id, row.n]));
}

function articleCountBetween(db: Db, from: string, to: string): number {
  return (
    db
      .prepare('SELECT count(*) AS n FROM articles WHERE first_seen_at >= ? AND first_seen_at < ?')
      .get(from, to) as { n: number }
  ).n;
}

/**
 * Counts per topic and per term over [from, to) and over the period of the same length before
 * `from`. Throws a RangeError when `from` is not before `to` or either does not parse. Read-only.
 */
export function trendsBetween(db: Db, from: string, to: string): Trends {
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (!(start < end)) throw new RangeError(`trends: empty or invalid period [${from}, ${to})`);
  const before = new Date(start - (end - start)).toISOString();
  const topicsNow = topicCountsBetween(db, from, to);
  const topicsBefore = topicCountsBetween(db, before, from);
  const termsNow = termCountsBetween(db, from, to);
  const termsBefore = termCountsBetween(db, before, from);
  return {
    from,
    to,
    articles: {
      count: articleCountBetween(db, from, to),
      previous: articleCountBetween(db, before, from),
    },
    topics: TOPIC_IDS.map((id) => ({
      id,
      count: topicsNow.get(id) ?? 0,
      previous: topicsBefore.get(id) ?? 0,
    })),
    terms: TERM_IDS.map((id) => ({
      id,
      count: termsNow.get(id) ?? 0,
      previous: termsBefore.get(id) ?? 0,
    })),
  };
}

export interface StoreStats {
  feeds: { total: number; ok: number; failing: number; disabled: number; paused: number };
  articles: number;
  /** Latest poll of any feed (success or failure), or null before the first. */
  lastPollAt: string | null;
  /** Earliest turn of an active feed, or null when none is scheduled. */
  nextFeedDueAt: string | null;
  deliveries: {
    /** Digests, alerts and emails waiting to be sent (or retried). */
    pending: number;
    failed: number;
    /** Articles waiting for the next digest. */
    waitingForDigest: number;
  };
}

/** What `/stats` shows from the database. Read-only. */
export function storeStats(db: Db): StoreStats {
  const feeds = { total: 0, ok: 0, failing: 0, disabled: 0, paused: 0 };
  for (const feed of listFeeds(db)) {
    feeds.total += 1;
    feeds[feedState(feed)] += 1;
  }
  const polls = db
    .prepare(
      `SELECT max(last_polled_at) AS lastPollAt,
         min(CASE WHEN paused = 0 AND disabled_at IS NULL THEN next_poll_at END) AS nextFeedDueAt
       FROM feeds WHERE removed_at IS NULL`,
    )
    .get() as { lastPollAt: string | null; nextFeedDueAt: string | null };
  const articles = (db.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n;
  const outbox = outboxStats(db);
  return {
    feeds,
    articles,
    lastPollAt: polls.lastPollAt,
    nextFeedDueAt: polls.nextFeedDueAt,
    deliveries: {
      pending: outbox.pending + outbox.sending,
      failed: outbox.failed,
      waitingForDigest: outbox.waitingForDigest,
    },
  };
}
