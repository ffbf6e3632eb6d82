/**
 * Article extraction: from a decoded HTML page to its title, main text and metadata.
 *
 * Where the text comes from (`method`):
 * - `jsonld` — the publisher's schema.org `articleBody` (Article, NewsArticle, BlogPosting…, also
 *   inside `@graph`) when it is the whole article: at least as long as what the page shows.
 *   Publishers often put only a teaser there, so it never wins against a longer page body.
 * - `dom` — the page's article body found by structure (see `extract/content.ts`).
 * - `feed` — the page is a teaser or paywall stub and the feed entry's HTML says more.
 *
 * Pure: no I/O, no clock. Bytes are decoded to a string before (decode.ts).
 */
import { load } from 'cheerio/slim';
import type { ParentNode } from 'domhandler';
import { type BodyOptions, extractBody } from './extract/content.ts';
import { blockTexts } from './extract/dom.ts';
import { openingDateline, readMetadata, urlDay } from './extract/metadata.ts';
import { decodeHtmlEntities, stripControlChars } from './text.ts';
import type { ExtractedArticle, ExtractMethod } from './types.ts';

/** Where an extraction starts from, besides the page itself. */
export interface ExtractOptions {
  /** The URL the page was fetched from; resolves relative canonical links. */
  url?: string | null;
  /** The feed entry's content HTML, used when the page holds less text than the feed. */
  feedContentHtml?: string | null;
}

/**
 * Below this many words a structural extraction is taken as a miss (class-based pruning removed
 * the article's own container) and redone without it; a short news brief still has more.
 */
const RETRY_BELOW_WORDS = 60;

/** Ever more lenient attempts, each tried only while the previous ones found too little. */
const RETRIES: readonly BodyOptions[] = [
  { pruneByClass: false, lenient: false },
  { pruneByClass: false, lenient: true },
];

/**
 * Extracts one article page. `html` is the decoded page; `opts.url` is where it came from and
 * `opts.feedContentHtml` the feed's content for the same article, if any. Returns the title
 * (never repeated in `text`), the main text with paragraphs separated by one blank line, and the
 * page's metadata (null where the page does not say). Never throws on malformed HTML. Pure.
 */
export function extractArticle(html: string, opts: ExtractOptions = {}): ExtractedArticle {
  const url = opts.url ?? null;
  // Metadata is read before the body's pruning mutates the tree, so one parse serves both.
  const root = parseHtml(html);
  const metadata = readMetadata(root, url);
  let paragraphs = extractBody(root, { pruneByClass: true, lenient: false });
  for (const retry of RETRIES) {
    if (wordCount(paragraphs) >= RETRY_BELOW_WORDS) break;
    const again = extractBody(parseHtml(html), retry);
    if (wordCount(again) > wordCount(paragraphs)) paragraphs = again;
  }
  let method: ExtractMethod = 'dom';
  const jsonLd = metadata.articles
    .map((article) => (article.articleBody === null ? [] : jsonLdParagraphs(article.articleBody)))
    .find((body) => body.length > 0);
  if (jsonLd !== undefined && wordCount(jsonLd) >= wordCount(paragraphs)) {
    paragraphs = jsonLd;
    method = 'jsonld';
  }
  const feed = opts.feedContentHtml ? htmlParagraphs(opts.feedContentHtml) : [];
  if (wordCount(feed) > wordCount(paragraphs)) {
    paragraphs = feed;
    method = 'feed';
  }
  const body = withoutTitle(paragraphs, metadata.title);
  return {
    title: metadata.title,
    text: stripControlChars(body.join('\n\n')),
    url,
    canonical: metadata.canonical,
    siteName: metadata.siteName,
    publishedAt: metadata.publishedAt ?? undeclaredDate(body, metadata.canonical ?? url),
    author: metadata.author,
    lang: metadata.lang,
    method,
  };
}

/** htmlparser2 rather than parse5: six times faster here, and as tolerant of tag soup. */
function parseHtml(html: string): ParentNode {
  return load(html).root()[0] as ParentNode;
}

function htmlParagraphs(html: string): string[] {
  return blockTexts(parseHtml(html), (element) => element.name !== 'script');
}

/** `articleBody` is plain text by the schema, yet some publishers put HTML or entities in it. */
function jsonLdParagraphs(body: string): string[] {
  if (/<(?:p|br|div|h[2-6]|li)\b[^>]*>/i.test(body)) return htmlParagraphs(body);
  return decodeHtmlEntities(body)
    .split(/\n/)
    .map((line) => line.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter((line) => line !== '');
}

function wordCount(paragraphs: string[]): number {
  let count = 0;
  for (const paragraph of paragraphs) count += paragraph.split(' ').length;
  return count;
}

/**
 * When the page declares and shows no date around its headline: the dateline opening the text
 * ("Feb. 23, 2015 -- …"), else the day its URL gives (`/2015/03/18/`), else null.
 */
function undeclaredDate(paragraphs: string[], url: string | null): string | null {
  return openingDateline(paragraphs[0] ?? '') ?? urlDay(url);
}

/** Teasers and JSON-LD bodies sometimes open with the headline; the title is reported apart. */
function withoutTitle(paragraphs: string[], title: string | null): string[] {
  if (title === null || paragraphs[0] !== title) return paragraphs;
  return paragraphs.slice(1);
}
