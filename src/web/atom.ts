/**
 * Stored articles as an Atom 1.0 feed (RFC 4287), so a feed reader can subscribe to what Vigie
 * found. Pure: the articles, the URLs and the time are passed in.
 *
 * Ids are tag URIs (RFC 4151) built from the article id, so an entry keeps its id across
 * renders and filters; a filtered feed gets its own feed id. Summaries are the keyword-in-context
 * snippet as HTML with the hits in `<strong>`; categories carry the watch terms and topics in
 * their own schemes so a reader can filter on them.
 */
import { type Lang, TERM_LABELS, TOPIC_LABELS } from '../deliver/discord/labels.ts';
import { linkTarget } from '../deliver/discord/text.ts';
import type { ArticleView } from '../deliver/types.ts';
import { filterQuery, type WebFilters } from './filters.ts';
import { escapeLine, snippetAddsToTitle, snippetHtml } from './text.ts';

const TAG = 'tag:vigie,2026';
/** Category schemes: IRIs naming the vocabulary a category term belongs to. */
export const TERM_SCHEME = `${TAG}:term`;
export const TOPIC_SCHEME = `${TAG}:topic`;

export interface AtomOptions {
  /** Absolute URL of this feed, filters included (`rel="self"`). */
  selfUrl: string;
  /** Absolute URL of the web page showing the same selection (`rel="alternate"`). */
  pageUrl: string;
  filters: WebFilters;
  /** Rendering time: the feed's `updated` when it has no entry. */
  now: Date;
  lang: Lang;
}

/** The stable Atom id of a stored article. Pure. */
export function entryId(articleId: number): string {
  return `${TAG}:article:${articleId}`;
}

/** The feed id of a selection: one per set of filters (page number ignored). Pure. */
export function feedId(filters: WebFilters): string {
  return `${TAG}:feed${filterQuery({ ...filters, page: 1 })}`;
}

/** The feed title, naming the filters (« Vigie — UGAP · Hébergement »). Pure. */
export function feedTitle(filters: WebFilters, lang: Lang): string {
  const parts = [
    filters.term ? TERM_LABELS[filters.term] : null,
    filters.topic ? TOPIC_LABELS[lang][filters.topic] : null,
    filters.q ? `« ${filters.q} »` : null,
  ].filter((part): part is string => part !== null);
  return parts.length ? `Vigie — ${parts.join(' · ')}` : 'Vigie — veille HDH, SecNumCloud, UGAP';
}

/**
 * An Atom 1.0 document for `articles` (in the given order). Every text from feeds is cleaned of
 * characters XML forbids and escaped. `updated` of the feed is the newest entry's, or `now`.
 * Throws nothing; an unparseable article date falls back to `now`. Pure.
 */
export function renderAtom(articles: readonly ArticleView[], options: AtomOptions): string {
  const stamp = (value: string | null) => rfc3339(value, options.now);
  const newest = articles.map((article) => stamp(article.publishedAt)).sort();
  const updated = newest.at(-1) ?? options.now.toISOString();
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${options.lang}">`,
    `  <id>${escapeLine(feedId(options.filters))}</id>`,
    `  <title>${escapeLine(feedTitle(options.filters, options.lang))}</title>`,
    `  <updated>${updated}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeLine(options.selfUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeLine(options.pageUrl)}"/>`,
    '  <author><name>Vigie</name></author>',
    '  <generator>Vigie</generator>',
    ...articles.flatMap((article) => entryLines(article, stamp(article.publishedAt), options)),
    '</feed>',
    '',
  ];
  return lines.join('\n');
}

function entryLines(article: ArticleView, when: string, options: AtomOptions): string[] {
  const href = linkTarget(article.url, 2048);
  const outlets = [...new Set(article.sources.map((source) => source.name))];
  const summary =
    article.snippet && snippetAddsToTitle(article.snippet, article.title)
      ? snippetHtml(article.snippet)
      : '';
  return [
    '  <entry>',
    `    <id>${entryId(article.id)}</id>`,
    `    <title type="text">${escapeLine(article.title)}</title>`,
    ...(href ? [`    <link rel="alternate" type="text/html" href="${escapeLine(href)}"/>`] : []),
    `    <published>${when}</published>`,
    `    <updated>${when}</updated>`,
    ...outlets.map((name) => `    <author><name>${escapeLine(name)}</name></author>`),
    summary ? `    <summary type="html">${escapeLine(summary)}</summary>` : null,
    // An entry without an alternate link must carry content (RFC 4287 §4.1.1.1).
    href ? null : `    <content type="text">${escapeLine(article.title)}</content>`,
    ...article.terms.map(
      (term) =>
        `    <category scheme="${TERM_SCHEME}" term="${term}" label="${escapeLine(TERM_LABELS[term])}"/>`,
    ),
    ...article.topics.map(
      (topic) =>
        `    <category scheme="${TOPIC_SCHEME}" term="${topic}" label="${escapeLine(TOPIC_LABELS[options.lang][topic])}"/>`,
    ),
    '  </entry>',
  ].filter((line): line is string => line !== null);
}

/** An RFC 3339 UTC timestamp for a stored ISO date, or `fallback` when it does not parse. */
function rfc3339(value: string | null, fallback: Date): string {
  const ms = value ? Date.parse(value) : Number.NaN;
  return new Date(Number.isNaN(ms) ? fallback.getTime() : ms).toISOString();
}
