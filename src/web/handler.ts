/**
 * Vigie as a source: the web routes mounted on the worker's HTTP server (`VIGIE_HTTP`).
 *
 * - `/` (and `/search`, the same page): latest articles, `?q=` search through `searchArticles`,
 *   `?term=`/`?topic=` filters, `?page=` paging, and the per-term weekly chart.
 * - `/feed.atom`: the same selection as Atom 1.0, newest first.
 *
 * Read-only: GET and HEAD only. The routes bind nowhere themselves: the server they are mounted
 * on decides the address (127.0.0.1 by default), and a reverse proxy adds authentication when the
 * page must be reachable from elsewhere (see the README).
 */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { TERM_IDS } from '../analyze/types.ts';
import type { Lang } from '../deliver/discord/labels.ts';
import type { ArticleView } from '../deliver/types.ts';
import type { Db } from '../store/db.ts';
import { searchArticles } from '../store/search.ts';
import { articleViews, termCountsBetween } from '../store/views.ts';
import { renderAtom } from './atom.ts';
import { filterQuery, parseFilters, type WebFilters } from './filters.ts';
import { PAGE_CSP, renderPage, type WeeklyTermCounts } from './page.ts';
import { COMMON_HEADERS, send } from './respond.ts';

export interface WebDeps {
  db: Db;
  now: () => Date;
  /** IANA zone for the dates shown on the page (TZ_REPORTS). */
  timeZone: string;
  lang: Lang;
  /**
   * Public URL of the page (e.g. `https://veille.example.org/vigie/`), for the absolute links an
   * Atom feed needs. Default: from the request's Host and X-Forwarded-Proto/-Prefix headers.
   */
  publicUrl?: string;
}

/** Articles per page of the web page. */
export const PAGE_SIZE = 20;
/** Entries per Atom document: what a feed reader keeps between two polls of a busy week. */
const ATOM_SIZE = 50;
/** Weeks in the page's chart. */
const TREND_WEEKS = 8;

const WEEK_MS = 7 * 86_400_000;
const ROUTES = new Set(['/', '/search', '/feed.atom']);

/**
 * Answers `req` when its path is one of the web routes and returns true; returns false without
 * touching `res` otherwise, so the caller can try its own routes or answer 404. A bad filter is
 * a 400 naming the parameter; other methods than GET/HEAD get a 405. Reads the database;
 * throws what the database throws (the caller answers 500).
 */
export function handleWebRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  deps: WebDeps,
): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (!ROUTES.has(url.pathname)) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(req, res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', {
      allow: 'GET, HEAD',
    });
    return true;
  }
  const parsed = parseFilters(url.searchParams);
  if (!parsed.ok) {
    send(req, res, 400, 'text/plain; charset=utf-8', `bad request: ${parsed.error}\n`);
    return true;
  }
  const now = deps.now();
  if (url.pathname === '/feed.atom') {
    const filters = { ...parsed.filters, page: 1 };
    const base = publicBase(req, deps);
    const body = renderAtom(selection(deps.db, filters, ATOM_SIZE).articles, {
      selfUrl: `${base}feed.atom${filterQuery(filters)}`,
      pageUrl: `${base}${filterQuery(filters)}`,
      filters,
      now,
      lang: deps.lang,
    });
    sendCacheable(req, res, 'application/atom+xml; charset=utf-8', body);
    return true;
  }
  const { total, articles } = selection(deps.db, parsed.filters, PAGE_SIZE);
  const body = renderPage({
    filters: parsed.filters,
    total,
    pageSize: PAGE_SIZE,
    articles,
    trends: weeklyTermCounts(deps.db, now, TREND_WEEKS),
    timeZone: deps.timeZone,
  });
  send(req, res, 200, 'text/html; charset=utf-8', body, {
    'content-security-policy': PAGE_CSP,
  });
  return true;
}

/**
 * The page of articles `filters` selects, through the same `searchArticles` as the CLI and
 * Discord, as views in search order (relevance for a query, newest first otherwise). With a
 * query, the snippet shown is the passage around the query's words. Read-only.
 */
function selection(
  db: Db,
  filters: WebFilters,
  pageSize: number,
): { total: number; articles: ArticleView[] } {
  const page = searchArticles(db, {
    query: filters.q,
    ...(filters.term ? { term: filters.term } : {}),
    ...(filters.topic ? { topic: filters.topic } : {}),
    limit: pageSize,
    offset: (filters.page - 1) * pageSize,
  });
  const views = new Map(
    articleViews(
      db,
      page.results.map((result) => result.id),
    ).map((view) => [view.id, view]),
  );
  const articles = page.results.flatMap((result) => {
    const view = views.get(result.id);
    if (!view) return [];
    return [
      filters.q && result.snippet.includes('⟦') ? { ...view, snippet: result.snippet } : view,
    ];
  });
  return { total: page.total, articles };
}

/**
 * Articles per watch term in the `weeks` seven-day periods ending at `now` (first-seen time,
 * like the digest's trends), oldest first. Read-only.
 */
export function weeklyTermCounts(db: Db, now: Date, weeks: number): WeeklyTermCounts {
  const end = now.getTime();
  const starts = Array.from({ length: weeks }, (_, index) => end - (weeks - index) * WEEK_MS);
  const perWeek = starts.map((start) =>
    termCountsBetween(db, new Date(start).toISOString(), new Date(start + WEEK_MS).toISOString()),
  );
  return {
    weekStarts: starts.map((start) => new Date(start).toISOString()),
    terms: TERM_IDS.map((id) => ({ id, counts: perWeek.map((counts) => counts.get(id) ?? 0) })),
  };
}

/**
 * The public base URL (ending in `/`) absolute links start with: `deps.publicUrl`, else the
 * request's own scheme, host and prefix as a reverse proxy reports them. Headers that do not
 * look like a host or a path are ignored, so they cannot inject anything into the feed.
 */
function publicBase(req: http.IncomingMessage, deps: WebDeps): string {
  if (deps.publicUrl) return deps.publicUrl.endsWith('/') ? deps.publicUrl : `${deps.publicUrl}/`;
  const header = (name: string) => {
    const value = req.headers[name];
    return (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim() ?? '';
  };
  const proto = /^https?$/.test(header('x-forwarded-proto')) ? header('x-forwarded-proto') : 'http';
  const hostPattern = /^(?:[\w.-]+|\[[\da-fA-F:.]+\])(?::\d{1,5})?$/;
  const forwarded = header('x-forwarded-host');
  const host = hostPattern.test(forwarded)
    ? forwarded
    : hostPattern.test(header('host'))
      ? header('host')
      : '127.0.0.1';
  const prefix = header('x-forwarded-prefix').replace(/\/+$/, '');
  const safePrefix = /^(?:\/[\w.~-]+)*$/.test(prefix) ? prefix : '';
  return `${proto}://${host}${safePrefix}/`;
}

/** Sends `body` with an ETag, answering 304 when the client already has it (feed readers poll). */
function sendCacheable(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  contentType: string,
  body: string,
): void {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const known = (req.headers['if-none-match'] ?? '').split(',').map((tag) => tag.trim());
  if (known.includes(etag)) {
    res.writeHead(304, { etag, 'cache-control': 'no-cache', ...COMMON_HEADERS });
    res.end();
    return;
  }
  send(req, res, 200, contentType, body, {
    etag,
    'cache-control': 'no-cache',
    'content-security-policy': "default-src 'none'",
  });
}
