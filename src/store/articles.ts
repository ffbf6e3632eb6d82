/**
 * Matched articles, their sources and analysis, and the items seen per feed.
 *
 * One article per story copy: a new item is the same article as a stored one when its canonical
 * URL or the fingerprint of its text is the same; it then only adds a source. An article and the
 * outbox rows that announce it are written in one transaction, so a crash can never store an
 * article without its announcement or announce an article that was not stored.
 */
import { createHash } from 'node:crypto';
import type { Analysis } from '../analyze/types.ts';
import type { ExtractMethod } from '../ingest/types.ts';
import { type Db, statement, transaction } from './db.ts';
import { recordVocabulary } from './vocabulary.ts';

export interface NewArticle {
  url: string;
  canonicalUrl: string;
  contentHash: string;
  title: string;
  summary: string;
  text: string;
  textSource: ExtractMethod;
  author: string | null;
  lang: string | null;
  siteName: string | null;
  publishedAt: string | null;
  analysis: Analysis;
}

export interface SourceRef {
  feedId: number;
  itemKey: string;
  itemUrl: string | null;
  publishedAt: string | null;
}

export interface Announcement {
  /** Queue for the next digest and daily email. */
  digest: boolean;
  /** Alert destinations (`alert:<rule>:<channel>`), sent at once. */
  alerts: readonly { rule: string; destination: string }[];
}

export interface SaveResult {
  articleId: number;
  /** False when the item was a copy of a stored article and only added a source. */
  created: boolean;
}

/**
 * A fingerprint of an article's text that ignores case, accents, punctuation and spacing, so the
 * same wire story published by two outlets hashes equal. Pure.
 */
export function contentFingerprint(title: string, text: string): string {
  const normalized = `${title}\n${text}`
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return createHash('sha256').update(normalized).digest('hex').slice(0, 32);
}

/** The keys of `keys` that feed `feedId` has not shown before, in input order. */
export function unseenKeys(db: Db, feedId: number, keys: readonly string[]): string[] {
  if (keys.length === 0) return [];
  const seen = new Set(
    (
      statement(
        db,
        'SELECT item_key AS key FROM seen_items WHERE feed_id = ? AND item_key IN (SELECT value FROM json_each(?))',
      ).all(feedId, JSON.stringify(keys)) as { key: string }[]
    ).map((row) => row.key),
  );
  return keys.filter((key) => !seen.has(key));
}

/** Remembers items that did not match, so their pages are never fetched again. */
export function markSeen(db: Db, feedId: number, keys: readonly string[], now: string): void {
  const insert = statement(
    db,
    'INSERT OR IGNORE INTO seen_items (feed_id, item_key, seen_at) VALUES (?, ?, ?)',
  );
  transaction(db, () => {
    for (const key of keys) insert.run(feedId, key, now);
  });
}

/** The stored article with this canonical URL, if any. */
export function findArticleIdByUrl(db: Db, canonicalUrl: string): number | null {
  const row = statement(db, 'SELECT id FROM articles WHERE canonical_url = ?').get(canonicalUrl) as
    | { id: number }
    | undefined;
  return row?.id ?? null;
}

/** Records that feed `source.feedId` also carries article `articleId`. */
export function addSource(db: Db, articleId: number, source: SourceRef, now: string): void {
  transaction(db, () => {
    statement(
      db,
      `INSERT OR IGNORE INTO article_sources (article_id, feed_id, item_url, published_at, seen_at)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(articleId, source.feedId, source.itemUrl, source.publishedAt, now);
    statement(
      db,
      `INSERT INTO seen_items (feed_id, item_key, article_id, seen_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (feed_id, item_key) DO UPDATE SET article_id = excluded.article_id`,
    ).run(source.feedId, source.itemKey, articleId, now);
  });
}

/**
 * Stores a matched article (or, when it is a copy of a stored one, adds its source), with its
 * term hits, topics and, for a new article, its outbox rows — all in one transaction.
 */
export function saveMatchedArticle(
  db: Db,
  article: NewArticle,
  source: SourceRef,
  announce: Announcement,
  now: string,
): SaveResult {
  return transaction(db, (): SaveResult => {
    const existing = statement(
      db,
      'SELECT id FROM articles WHERE canonical_url = ? OR content_hash = ? LIMIT 1',
    ).get(article.canonicalUrl, article.contentHash) as { id: number } | undefined;
    if (existing) {
      addSource(db, existing.id, source, now);
      return { articleId: existing.id, created: false };
    }
    const articleId = insertArticle(db, article, now);
    addSource(db, articleId, source, now);
    insertAnalysis(db, articleId, article.analysis);
    enqueueAnnouncements(db, articleId, announce, now);
    return { articleId, created: true };
  });
}

function insertArticle(db: Db, article: NewArticle, now: string): number {
  const result = statement(
    db,
    `INSERT INTO articles (url, canonical_url, content_hash, title, summary, text, text_source,
         author, lang, site_name, published_at, first_seen_at, analysis)
       VALUES (@url, @canonicalUrl, @contentHash, @title, @summary, @text, @textSource,
         @author, @lang, @siteName, @publishedAt, @now, @analysis)`,
  ).run({ ...article, now, analysis: JSON.stringify(article.analysis) });
  recordVocabulary(db, article.title, article.text);
  return Number(result.lastInsertRowid);
}

function insertAnalysis(db: Db, articleId: number, analysis: Analysis): void {
  const term = statement(
    db,
    'INSERT INTO term_hits (article_id, term_id, count, snippets) VALUES (?, ?, ?, ?)',
  );
  for (const hit of analysis.terms)
    term.run(articleId, hit.id, hit.count, JSON.stringify(hit.snippets));
  const topic = statement(
    db,
    'INSERT INTO article_topics (article_id, topic_id, score, reasons) VALUES (?, ?, ?, ?)',
  );
  for (const score of analysis.topics)
    topic.run(articleId, score.id, score.score, JSON.stringify(score.reasons));
}

function enqueueAnnouncements(
  db: Db,
  articleId: number,
  announce: Announcement,
  now: string,
): void {
  const insert = statement(
    db,
    `INSERT OR IGNORE INTO outbox (kind, destination, dedup_key, article_id, created_at)
     VALUES (?, ?, ?, ?, ?)`,
  );
  if (announce.digest) {
    insert.run('digest-item', 'digest', `digest-item:${articleId}`, articleId, now);
    insert.run('email-item', 'email', `email-item:${articleId}`, articleId, now);
  }
  for (const alert of announce.alerts)
    insert.run(
      'alert',
      alert.destination,
      `alert:${articleId}:${alert.destination}`,
      articleId,
      now,
    );
}

/** Number of stored articles. */
export function countArticles(db: Db): number {
  return (statement(db, 'SELECT count(*) AS n FROM articles').get() as { n: number }).n;
}
