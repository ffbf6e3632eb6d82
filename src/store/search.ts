/**
 * Full-text search over stored articles (FTS5, accent-insensitive).
 *
 * User queries are data: `toFtsQuery` rebuilds them from words, "quoted phrases" and
 * -exclusions, every token quoted, so no FTS5 operator (`NEAR(`, `*`, `:`, `^`, `AND`) or quote
 * typed by a user ever reaches FTS5 syntax and no query can raise a syntax error.
 *
 * A single word matches as a prefix (« souverain » finds « souveraineté »). FTS5 answers
 * `word*` by merging the doclists of every matching term over the whole index before returning
 * a row (milliseconds per word on a large archive, whatever the LIMIT), so `searchArticles`
 * expands the prefix instead into the exact indexed words that start with it, read from the
 * `search_terms` vocabulary (store/vocabulary.ts), and leaves `word*` to FTS5
 * only when that vocabulary is missing or the prefix is too wide.
 */
import type { TermId, TopicId } from '../analyze/types.ts';
import { type Db, statement } from './db.ts';
import { foldWord, prefixWords, SHORT_WORD } from './vocabulary.ts';

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
/** Matches ranked: the newest ones (see `searchArticles`). */
export const RANK_WINDOW = 1_000;
/**
 * bm25 ranks a query only when each of its words is in fewer articles than this: bm25 reads the
 * whole doclist of every word to weigh it, milliseconds for a common word on a large archive.
 */
export const RARE_WORD_ARTICLES = 1_000;
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

const quote = (token: string) => `"${token.replaceAll('"', '""')}"`;

/** Single words of 3 characters or more match as prefixes; phrases, short words and numbers exactly. */
function isPrefixToken(token: string): boolean {
  return token.length >= SHORT_WORD && !token.includes(' ') && !/^\p{N}+$/u.test(token);
}

function buildFts(positive: readonly string[], exclude: readonly string[]): string | null {
  if (positive.length === 0) return null;
  const all = positive.join(' AND ');
  if (exclude.length === 0) return all;
  return `(${all}) NOT (${exclude.map(quote).join(' OR ')})`;
}

/**
 * A safe FTS5 MATCH expression for a user query, or null when the query has no words to
 * include. Single words match as prefixes (`souverain` finds « souveraineté »), here left to
 * FTS5 (`"souverain"*`); `searchArticles` expands them from the vocabulary when it can. Pure.
 */
export function toFtsQuery(input: string): string | null {
  return compileQuery(parseUserQuery(input), () => null)?.fts ?? null;
}

interface CompiledQuery {
  /** The MATCH expression. */
  fts: string;
  /** The included words restricted to the title column. */
  title: string;
  /** Each included group and each excluded word alone, as bm25 weighs them. */
  parts: string[];
  /** True when a prefix was left to FTS5 (`word*`), which merges its doclists on every MATCH. */
  merged: boolean;
}

/**
 * The MATCH expressions for a parsed query. `expand` gives the indexed words a prefix starts, or
 * null when it cannot tell (the prefix is then left to FTS5 as `word*`); a prefix becomes
 * `("word" OR "word1" OR …)`, the typed word kept so the index's own tokenizer decides what
 * matches it exactly.
 */
function compileQuery(
  { include, exclude }: ParsedQuery,
  expand: (prefix: string) => string[] | null,
): CompiledQuery | null {
  let merged = false;
  const positive = include.map((token) => {
    if (!isPrefixToken(token)) return quote(token);
    const words = expand(token);
    if (!words) {
      merged = true;
      return `${quote(token)}*`;
    }
    return words.length === 0 ? quote(token) : `(${[token, ...words].map(quote).join(' OR ')})`;
  });
  const fts = buildFts(positive, exclude);
  if (!fts) return null;
  return {
    fts,
    title: `{title} : (${positive.join(' AND ')})`,
    parts: [...positive, ...exclude.map(quote)],
    merged,
  };
}

/**
 * Runs a search; an empty query lists the latest matching articles. Read-only.
 *
 * A query ranks the newest `RANK_WINDOW` articles it matches (rowids grow with time): a news
 * archive wants recent stories, and a broad word on 100k articles would otherwise cost tens of
 * milliseconds per keystroke. Within them, when every word of the query (excluded ones too) is
 * in fewer than `RARE_WORD_ARTICLES` articles, bm25 orders them (title weighted 4×); otherwise
 * the articles whose title holds all the included words come first, then the others, each
 * newest first. Ranking runs on the FTS index alone and only the page of ids it returns is
 * joined to the article rows. Filters are probed per match on their own indexes.
 */
export function searchArticles(db: Db, query: SearchQuery): SearchPage {
  const limit = Math.min(Math.max(query.limit ?? 10, 1), 100);
  const offset = Math.max(query.offset ?? 0, 0);
  const parsed = parseUserQuery(query.query ?? '');
  const { include, exclude } = parsed;
  const compiled = compileQuery(parsed, (token) => prefixWords(db, foldWord(token)));
  const params: Record<string, unknown> = { limit, offset };
  const filters: ((id: string) => string)[] = [];

  if (compiled) params.fts = compiled.fts;
  else if (include.length === 0 && exclude.length > 0) {
    filters.push(
      (id) => `${id} NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH @excluded)`,
    );
    params.excluded = exclude.map(quote).join(' OR ');
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
  if (!compiled) {
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
  // One pass over the matches: the newest `window` of them (with the filters probed once per
  // match), their count, and the page ordered title matches first, then newest. `min(id)` is an
  // INTEGER, which FTS5 needs to use a rowid bound (see `BigInt` below).
  const tiered = statement(
    db,
    `WITH newest AS MATERIALIZED (
       SELECT rowid AS id FROM articles_fts ${matching} ORDER BY rowid DESC LIMIT @window),
     titled AS (SELECT rowid AS id FROM articles_fts
       WHERE articles_fts MATCH @title AND rowid >= (SELECT min(id) FROM newest))
     SELECT id, (SELECT count(*) FROM newest) AS n, (SELECT min(id) FROM newest) AS oldest
     FROM newest ORDER BY id IN titled DESC, id DESC LIMIT @limit OFFSET @offset`,
  ).all({ ...params, window, title: compiled.title }) as {
    id: number;
    n: number;
    oldest: number;
  }[];
  const bounds =
    tiered[0] ??
    (statement(
      db,
      `SELECT count(*) AS n, coalesce(min(rowid), 0) AS oldest FROM
         (SELECT rowid FROM articles_fts ${matching} ORDER BY rowid DESC LIMIT @window)`,
    ).get({ ...params, window }) as { n: number; oldest: number });
  const more = bounds.n >= window;
  if (bounds.n === 0) return { total: 0, more, results: [] };
  // A full window means every included word is in at least `window` ≥ RARE_WORD_ARTICLES
  // articles: no need to count them. Rare words make small doclists, so ranking again is cheap.
  const byRelevance = !compiled.merged && !more && compiled.parts.every((part) => isRare(db, part));
  const ids = byRelevance
    ? (
        statement(
          db,
          `SELECT rowid AS id FROM articles_fts ${matching} AND rowid >= @oldest
           ORDER BY bm25(articles_fts, 4.0, 1.0), rowid DESC LIMIT @limit OFFSET @offset`,
        ).all({
          ...params,
          // Rowids are bound as BigInt, i.e. as INTEGER: FTS5 takes a rowid bound given as a
          // REAL (every JS number is one) for no bound at all, while still telling SQLite it
          // applied it — a range would scan every match, `rowid = ?` return another row.
          oldest: BigInt(bounds.oldest),
        }) as { id: number }[]
      ).map((row) => row.id)
    : tiered.map((row) => row.id);
  const snippets = snippetsOf(db, compiled, ids);
  const rows = new Map(
    (
      statement(
        db,
        `SELECT id, title, url, published_at AS publishedAt, first_seen_at AS firstSeenAt
           FROM articles WHERE id IN (SELECT value FROM json_each(@ids))`,
      ).all({ ids: JSON.stringify(ids) }) as Omit<RawRow, 'snippet'>[]
    ).map((row) => [row.id, row]),
  );
  const page = ids.flatMap((id) => {
    const row = rows.get(id);
    return row ? [{ ...row, snippet: snippets.get(id) ?? '' }] : [];
  });
  return { total: bounds.n, more, results: toResults(db, page) };
}

/** Whether fewer than `RARE_WORD_ARTICLES` articles match `part` (counting stops there). */
function isRare(db: Db, part: string): boolean {
  const { n } = statement(
    db,
    `SELECT count(*) AS n FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH @part
       ORDER BY rowid DESC LIMIT @cap)`,
  ).get({ part, cap: RARE_WORD_ARTICLES }) as { n: number };
  return n < RARE_WORD_ARTICLES;
}

/**
 * The highlighted passage of each page article, in one MATCH over the page's rowid range (at
 * most the ranked window): one MATCH per id would parse the query and open every word's
 * doclists again per id (a `word*` prefix would even merge them again), several times the cost.
 */
function snippetsOf(db: Db, compiled: CompiledQuery, ids: readonly number[]): Map<number, string> {
  if (ids.length === 0) return new Map();
  return new Map(
    (
      statement(
        db,
        `SELECT rowid AS id, snippet(articles_fts, 1, '⟦', '⟧', '…', 24) AS snippet
         FROM articles_fts WHERE articles_fts MATCH @fts AND rowid BETWEEN @low AND @high
           AND (rowid + 0) IN (SELECT value FROM json_each(@ids))`,
      ).all({
        fts: compiled.fts,
        low: BigInt(Math.min(...ids)),
        high: BigInt(Math.max(...ids)),
        ids: JSON.stringify(ids),
      }) as { id: number; snippet: string }[]
    ).map((row) => [row.id, row.snippet]),
  );
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
    // « ⟦Health⟧ ⟦Data⟧ ⟦Hub⟧ » reads better as one highlight: adjacent hits are joined.
    snippet: row.snippet.replace(/\s+/g, ' ').replaceAll('⟧ ⟦', ' ').trim(),
  }));
}
