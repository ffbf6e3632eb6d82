/**
 * The filters shared by the web page and the Atom feed (`?q=…&term=…&topic=…&page=…`): read
 * from a query string, written back into links. Pure.
 */
import { TERM_IDS, type TermId, TOPIC_IDS, type TopicId } from '../analyze/types.ts';

export interface WebFilters {
  /** Free-text query, as typed (searchArticles makes it safe). */
  q: string;
  term: TermId | null;
  topic: TopicId | null;
  /** 1-based page of results. */
  page: number;
}

const MAX_QUERY_CHARS = 500;
const MAX_PAGE = 1000;

export type FiltersResult = { ok: true; filters: WebFilters } | { ok: false; error: string };

/**
 * Filters from a URL's search params. An empty `term`/`topic` means none (what a form's « tous »
 * option sends); an unknown id or a bad page number is an error naming the parameter, so a
 * feed subscribed with a typo fails loudly instead of silently showing everything. Pure.
 */
export function parseFilters(params: URLSearchParams): FiltersResult {
  const q = (params.get('q') ?? '').trim().slice(0, MAX_QUERY_CHARS);
  const term = params.get('term') || null;
  const topic = params.get('topic') || null;
  const pageText = params.get('page') || '1';
  if (term !== null && !(TERM_IDS as readonly string[]).includes(term))
    return { ok: false, error: `term: expected one of ${TERM_IDS.join(', ')}` };
  if (topic !== null && !(TOPIC_IDS as readonly string[]).includes(topic))
    return { ok: false, error: `topic: expected one of ${TOPIC_IDS.join(', ')}` };
  const page = Number(pageText);
  if (!/^\d+$/.test(pageText) || page < 1 || page > MAX_PAGE)
    return { ok: false, error: `page: expected an integer from 1 to ${MAX_PAGE}` };
  return {
    ok: true,
    filters: { q, term: term as TermId | null, topic: topic as TopicId | null, page },
  };
}

/**
 * The query string (with its leading `?`, or '' when empty) for `filters` changed by `change`;
 * page 1 and empty values are left out so links stay short and stable. Pure.
 */
export function filterQuery(filters: WebFilters, change: Partial<WebFilters> = {}): string {
  const next = { ...filters, ...change };
  const params = new URLSearchParams();
  if (next.q) params.set('q', next.q);
  if (next.term) params.set('term', next.term);
  if (next.topic) params.set('topic', next.topic);
  if (next.page > 1) params.set('page', String(next.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}
