/**
 * Full-text search over stored articles (FTS5, bm25, accent-insensitive).
 *
 * User queries are data: `toFtsQuery` rebuilds them from words, "quoted phrases" and
 * -exclusions, every token quoted, so no FTS5 operator (`NEAR(`, `*`, `:`, `^`, `AND`) or quote
 * typed by a user ever reaches FTS5 syntax and no query can raise a syntax error.
 */
import type { TermId, TopicId } from '../analyze/types.ts';
import { type Db, statement } from './db.ts';

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
  /** Matching articles, counted up to the ranking window (see `more`). */
  total: number;
  /** True when more articles match than `total` counts (a broad query on a large archive). */
  more: boolean;
  results: SearchResult[];
}

const MAX_QUERY_CHARS = 500;
/** Matches ranked by relevance: the newest ones (see `searchArticles`). */
export const RANK_WINDOW = 1_000;
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

/**
 * Runs a search; an empty query lists the latest matching articles. Read-only.
 *
 * Ranking runs on the FTS index alone (bm25, title weighted 4×) and only the page of ids it
 * returns is joined to the article rows: joining every match to its 3 KB row before sorting
 * cost tens of milliseconds on a broad query. Filters are id sets (`IN (…)`) so each uses its
 * own index.
 */
export function searchArticles(db: Db, query: SearchQuery): SearchPage {
  const limit = Math.min(Math.max(query.limit ?? 10, 1), 100);
  const offset = Math.max(query.offset ?? 0, 0);
  const { include, exclude } = parseUserQuery(query.query ?? '');
  const fts = toFtsQuery(query.query ?? '');
  const params: Record<string, unknown> = { limit, offset };
  const filters: ((id: string) => string)[] = [];

  if (fts) params.fts = fts;
  else if (include.length === 0 && exclude.length > 0) {
    filters.push(
      (id) => `${id} NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH @excluded)`,
    );
    params.excluded = exclude.map((token) => `"${token}"`).join(' OR ');
  }
  // Term, topic and source are probed per candidate on their primary keys: materialising
  // "every article about UGAP" costs tens of milliseconds on a large archive, a probe a microsecond.
  if (query.term) {
    filters.push(
      (id) => `EXISTS (SELECT 1 FROM term_hits WHERE article_id = ${id} AND term_id = @term)`,
    );
    params.term = query.term;
  }
  if (query.topic) {
    filters.push(
      (id) =>
        `EXISTS (SELECT 1 FROM article_topics WHERE article_id = ${id} AND topic_id = @topic)`,
    );
    params.topic = query.topic;
  }
  if (query.since) {
    // On the articles table it is a range of the date index; on FTS matches, a probe of the
    // (id, date) index.
    filters.push((id) =>
      id === 'a.id'
        ? 'coalesce(a.published_at, a.first_seen_at) >= @since'
        : `EXISTS (SELECT 1 FROM articles d INDEXED BY articles_date_by_id
            WHERE d.id = ${id} AND coalesce(d.published_at, d.first_seen_at) >= @since)`,
    );
    params.since = query.since;
  }
  if (query.source) {
    filters.push(
      (id) => `EXISTS (SELECT 1 FROM article_sources s JOIN feeds f ON f.id = s.feed_id
        WHERE s.article_id = ${id} AND (f.name = @source COLLATE NOCASE OR CAST(f.id AS TEXT) = @source))`,
    );
    params.source = query.source;
  }
  const where = (id: string, first?: string) => {
    const all = [...(first ? [first] : []), ...filters.map((filter) => filter(id))];
    return all.length ? `WHERE ${all.join(' AND ')}` : '';
  };

  const window = Math.max(RANK_WINDOW, offset + limit);
  if (!fts) {
    // Newest first through the date index, probing the filters per article and stopping at the
    // window: no article row (3 KB of text) is read but the page's.
    const newest = `SELECT a.id FROM articles a ${where('a.id')}
      ORDER BY coalesce(a.published_at, a.first_seen_at) DESC, a.id DESC`;
    const total = (
      statement(db, `SELECT count(*) AS n FROM (${newest} LIMIT @window)`).get({
        ...params,
        window,
      }) as { n: number }
    ).n;
    const ids = (
      statement(db, `${newest} LIMIT @limit OFFSET @offset`).all(params) as { id: number }[]
    ).map((row) => row.id);
    const rows = new Map(
      (
        statement(
          db,
          `SELECT id, title, url, published_at AS publishedAt, first_seen_at AS firstSeenAt,
             substr(text, 1, 200) AS snippet
           FROM articles WHERE id IN (SELECT value FROM json_each(?))`,
        ).all(JSON.stringify(ids)) as RawRow[]
      ).map((row) => [row.id, row]),
    );
    const page = ids.flatMap((id) => rows.get(id) ?? []);
    return { total, more: total >= window, results: toResults(db, page) };
  }

  // `rowid + 0`: a bare `rowid IN (…)` is handed to FTS5 as a constraint, which then reruns the
  // whole MATCH once per id in the list (seconds on a broad query); as an expression it is a
  // plain filter over the matches.
  const matching = where('(rowid + 0)', 'articles_fts MATCH @fts');
  // bm25 scores every row it sorts, and counting reads every match: both are bounded to the
  // newest `window` matches (rowids grow with time). A news archive wants recent stories first,
  // and a broad word on 100k articles would otherwise cost tens of milliseconds per keystroke.
  const bounds = statement(
    db,
    `SELECT count(*) AS n, coalesce(min(rowid), 0) AS oldest FROM
       (SELECT rowid FROM articles_fts ${matching} ORDER BY rowid DESC LIMIT @window)`,
  ).get({ ...params, window }) as { n: number; oldest: number };
  const more = bounds.n >= window;
  if (bounds.n === 0) return { total: 0, more, results: [] };
  const ranked = statement(
    db,
    `SELECT rowid AS id, snippet(articles_fts, 1, '⟦', '⟧', '…', 24) AS snippet
     FROM articles_fts ${matching} AND rowid >= @oldest
     ORDER BY bm25(articles_fts, 4.0, 1.0) LIMIT @limit OFFSET @offset`,
  ).all({ ...params, oldest: bounds.oldest }) as { id: number; snippet: string }[];
  const ids = ranked.map((row) => row.id);
  const snippets = new Map(ranked.map((row) => [row.id, row.snippet]));
  const pageIds = { ids: JSON.stringify(ids) };
  const rows = new Map(
    (
      statement(
        db,
        `SELECT id, title, url, published_at AS publishedAt, first_seen_at AS firstSeenAt
           FROM articles WHERE id IN (SELECT value FROM json_each(@ids))`,
      ).all(pageIds) as Omit<RawRow, 'snippet'>[]
    ).map((row) => [row.id, row]),
  );
  const page = ids.flatMap((id) => {
    const row = rows.get(id);
    return row ? [{ ...row, snippet: snippets.get(id) ?? '' }] : [];
  });
  return { total: bounds.n, more, results: toResults(db, page) };
}

interface RawRow {
  id: number;
  title: string;
  url: string;
  publishedAt: string | null;
  firstSeenAt: string;
  snippet: string;
}

/** Terms, topics and first outlet of each page row, in three queries for the whole page. */
function toResults(db: Db, rows: readonly RawRow[]): SearchResult[] {
  const ids = JSON.stringify(rows.map((row) => row.id));
  const grouped = <T>(sql: string) => {
    const map = new Map<number, T[]>();
    for (const { articleId, value } of statement(db, sql).all(ids) as {
      articleId: number;
      value: T;
    }[]) {
      const list = map.get(articleId);
      if (list) list.push(value);
      else map.set(articleId, [value]);
    }
    return map;
  };
  const terms = grouped<TermId>(
    `SELECT article_id AS articleId, term_id AS value FROM term_hits
     WHERE article_id IN (SELECT value FROM json_each(?)) ORDER BY article_id, count DESC`,
  );
  const topics = grouped<TopicId>(
    `SELECT article_id AS articleId, topic_id AS value FROM article_topics
     WHERE article_id IN (SELECT value FROM json_each(?)) ORDER BY article_id, score DESC`,
  );
  const sources = grouped<string>(
    `SELECT s.article_id AS articleId, f.name AS value FROM article_sources s JOIN feeds f ON f.id = s.feed_id
     WHERE s.article_id IN (SELECT value FROM json_each(?)) ORDER BY s.article_id, s.seen_at, f.name`,
  );
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    url: row.url,
    source: sources.get(row.id)?.[0] ?? '',
    publishedAt: row.publishedAt ?? row.firstSeenAt,
    terms: terms.get(row.id) ?? [],
    topics: topics.get(row.id) ?? [],
    snippet: row.snippet.replace(/\s+/g, ' ').trim(),
  }));
}
