/**
 * Full-text search over stored articles (FTS5, bm25, accent-insensitive).
 *
 * User queries are data: `toFtsQuery` rebuilds them from words, "quoted phrases" and
 * -exclusions, every token quoted, so no FTS5 operator (`NEAR(`, `*`, `:`, `^`, `AND`) or quote
 * typed by a user ever reaches FTS5 syntax and no query can raise a syntax error.
 */
import type { TermId, TopicId } from '../analyze/types.ts';
import type { Db } from './db.ts';

export interface SearchQuery {
  query?: string;
  term?: TermId;
  topic?: TopicId;
  /** ISO date or instant: only articles published (or first seen) since then. */
  since?: string;
  /** Feed name (case-insensitive) or feed id. */
  source?: string;
  limit?: number;
  offset?: number;
}

export interface SearchResult {
  id: number;
  title: string;
  url: string;
  source: string;
  publishedAt: string | null;
  terms: TermId[];
  topics: TopicId[];
  /** Matching passage with hits wrapped in ⟦ ⟧, or the start of the text. */
  snippet: string;
}

export interface SearchPage {
  total: number;
  results: SearchResult[];
}

const MAX_QUERY_CHARS = 500;
const MAX_TOKENS = 16;

interface ParsedQuery {
  include: string[];
  exclude: string[];
}

/** Splits a user query into included and excluded tokens/phrases (words only, no operators). Pure. */
export function parseUserQuery(input: string): ParsedQuery {
  const include: string[] = [];
  const exclude: string[] = [];
  const pattern = /(-?)"([^"]*)"?|(\S+)/g;
  for (const match of input.slice(0, MAX_QUERY_CHARS).matchAll(pattern)) {
    const negated = match[1] === '-' || (match[3]?.startsWith('-') ?? false);
    const raw = match[2] ?? match[3] ?? '';
    const words = raw.match(/[\p{L}\p{N}]+/gu);
    if (!words) continue;
    const phrase = words.join(' ');
    (negated ? exclude : include).push(phrase);
    if (include.length + exclude.length >= MAX_TOKENS) break;
  }
  return { include, exclude };
}

/**
 * A safe FTS5 MATCH expression for a user query, or null when the query has no words to
 * include. Single words match as prefixes (`souverain` finds « souveraineté »). Pure.
 */
export function toFtsQuery(input: string): string | null {
  const { include, exclude } = parseUserQuery(input);
  if (include.length === 0) return null;
  const quote = (token: string) => `"${token}"`;
  const positive = include
    .map((token) => (token.includes(' ') || token.length < 3 ? quote(token) : `${quote(token)}*`))
    .join(' AND ');
  if (exclude.length === 0) return positive;
  return `(${positive}) NOT (${exclude.map(quote).join(' OR ')})`;
}

/** Runs a search; an empty query lists the latest matching articles. Read-only. */
export function searchArticles(db: Db, query: SearchQuery): SearchPage {
  const limit = Math.min(Math.max(query.limit ?? 10, 1), 100);
  const offset = Math.max(query.offset ?? 0, 0);
  const { include, exclude } = parseUserQuery(query.query ?? '');
  const fts = toFtsQuery(query.query ?? '');
  const filters: string[] = [];
  const params: Record<string, unknown> = { limit, offset };

  if (fts) params.fts = fts;
  else if (include.length === 0 && exclude.length > 0) {
    filters.push('a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH @excluded)');
    params.excluded = exclude.map((token) => `"${token}"`).join(' OR ');
  }
  if (query.term) {
    filters.push(
      'EXISTS (SELECT 1 FROM term_hits t WHERE t.article_id = a.id AND t.term_id = @term)',
    );
    params.term = query.term;
  }
  if (query.topic) {
    filters.push(
      'EXISTS (SELECT 1 FROM article_topics t WHERE t.article_id = a.id AND t.topic_id = @topic)',
    );
    params.topic = query.topic;
  }
  if (query.since) {
    filters.push('coalesce(a.published_at, a.first_seen_at) >= @since');
    params.since = query.since;
  }
  if (query.source) {
    filters.push(`EXISTS (SELECT 1 FROM article_sources s JOIN feeds f ON f.id = s.feed_id
      WHERE s.article_id = a.id AND (f.name = @source COLLATE NOCASE OR CAST(f.id AS TEXT) = @source))`);
    params.source = query.source;
  }
  const where = (extra: string[]) => {
    const all = [...extra, ...filters];
    return all.length ? `WHERE ${all.join(' AND ')}` : '';
  };
  const matchFilter = fts
    ? ['a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH @fts)']
    : [];
  const total = (
    db.prepare(`SELECT count(*) AS n FROM articles a ${where(matchFilter)}`).get(params) as {
      n: number;
    }
  ).n;
  if (total === 0) return { total, results: [] };

  const rows = fts
    ? db
        .prepare(
          `SELECT a.id, a.title, a.url, a.published_at AS publishedAt, a.first_seen_at AS firstSeenAt,
             snippet(articles_fts, 1, '⟦', '⟧', '…', 24) AS snippet
           FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
           ${where(['articles_fts MATCH @fts'])}
           ORDER BY bm25(articles_fts, 4.0, 1.0), coalesce(a.published_at, a.first_seen_at) DESC
           LIMIT @limit OFFSET @offset`,
        )
        .all(params)
    : db
        .prepare(
          `SELECT a.id, a.title, a.url, a.published_at AS publishedAt, a.first_seen_at AS firstSeenAt,
             substr(a.text, 1, 200) AS snippet
           FROM articles a ${where([])}
           ORDER BY coalesce(a.published_at, a.first_seen_at) DESC, a.id DESC
           LIMIT @limit OFFSET @offset`,
        )
        .all(params);
  return { total, results: (rows as RawRow[]).map((row) => toResult(db, row)) };
}

interface RawRow {
  id: number;
  title: string;
  url: string;
  publishedAt: string | null;
  firstSeenAt: string;
  snippet: string;
}

function toResult(db: Db, row: RawRow): SearchResult {
  const terms = db
    .prepare('SELECT term_id AS id FROM term_hits WHERE article_id = ? ORDER BY count DESC')
    .all(row.id) as { id: TermId }[];
  const topics = db
    .prepare('SELECT topic_id AS id FROM article_topics WHERE article_id = ? ORDER BY score DESC')
    .all(row.id) as { id: TopicId }[];
  const source = db
    .prepare(
      `SELECT f.name FROM article_sources s JOIN feeds f ON f.id = s.feed_id
       WHERE s.article_id = ? ORDER BY s.seen_at, f.name LIMIT 1`,
    )
    .get(row.id) as { name: string } | undefined;
  return {
    id: row.id,
    title: row.title,
    url: row.url,
    source: source?.name ?? '',
    publishedAt: row.publishedAt ?? row.firstSeenAt,
    terms: terms.map((term) => term.id),
    topics: topics.map((topic) => topic.id),
    snippet: row.snippet.replace(/\s+/g, ' ').trim(),
  };
}
