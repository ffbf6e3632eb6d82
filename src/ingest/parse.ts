/**
 * Feed text → one {@link ParsedFeed} shape for RSS 2.0, RSS 1.0 (RDF), RSS 0.90–0.92 and Atom
 * (1.0 and 0.3), with rss-parser (xml2js/sax) doing the XML.
 *
 * Before parsing, the text is repaired where real feeds break strict XML and rss-parser would
 * reject the whole feed for one character:
 * - control characters and character references XML forbids (`&#x1F;` in a real Next INpact
 *   feed) are dropped;
 * - HTML named entities outside CDATA (`&eacute;`, `&rsquo;`) become character references, so
 *   they mean what the publisher meant; unknown names and stray `&` become literal text.
 * Entities declared in a DTD are never expanded (billion laughs stays inert): sax does not read
 * DTDs, and an unknown `&name;` is kept as text.
 *
 * After parsing, strings are cleaned as the manifest of real feeds expects: HTML entities
 * decoded once more (CDATA titles hold `C&rsquo;est`), whitespace trimmed, NFC.
 */

import { decodeHTMLStrict } from 'entities';
import Parser from 'rss-parser';
import { clampToFetchedAt, parseFeedDate } from './dates.ts';
import { cleanLine, cleanTitle, htmlToText } from './text.ts';
import type { FeedFormat, FeedItem, ParsedFeed } from './types.ts';

/** Why a feed could not be read. `url` is the feed's address when the caller gave it. */
export class FeedParseError extends Error {
  readonly code = 'FEED_PARSE';
  readonly url: string | null;

  constructor(message: string, url: string | null, options: { cause?: unknown } = {}) {
    super(url ? `${message} (${url})` : message, { cause: options.cause });
    this.name = 'FeedParseError';
    this.url = url;
  }
}

/** Narrows an unknown error to a {@link FeedParseError}. Pure. */
export function isFeedParseError(error: unknown): error is FeedParseError {
  return error instanceof FeedParseError;
}

export interface ParseOptions {
  /** When the feed was fetched (ISO 8601): later publication dates are clamped to it. */
  fetchedAt: string;
  /** The feed's own URL, against which relative links resolve when the feed has no site link. */
  baseUrl?: string | null;
}

/**
 * Parses a decoded feed. Resolves to the feed's format, title, site link and every entry
 * (empty ones included) mapped to {@link FeedItem}: absolute http(s) URLs or null, cleaned
 * titles, plain-text summaries, content HTML or null, ISO UTC dates or null (never after
 * `fetchedAt`). Rejects with a {@link FeedParseError} (`FEED_PARSE`, cause attached) when the
 * text is not XML or not a feed. Pure: no I/O, no clock.
 */
export async function parseFeed(xml: string, opts: ParseOptions): Promise<ParsedFeed> {
  const baseUrl = opts.baseUrl ?? null;
  const repaired = repairXml(xml);
  const format = detectFormat(repaired);
  if (!format) throw new FeedParseError('not an RSS or Atom feed', baseUrl);
  let raw: RawFeed;
  try {
    raw = (await createParser().parseString(repaired)) as unknown as RawFeed;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new FeedParseError(`feed is not well-formed XML: ${reason}`, baseUrl, { cause: error });
  }
  const link = absoluteUrl(textOf(raw.link), baseUrl);
  const itemBase = link ?? baseUrl;
  const title = cleanTitle(textOf(raw.title));
  return {
    format,
    title: title || null,
    link,
    items: (raw.items ?? []).map((item) =>
      toFeedItem(item, format === 'atom', itemBase, opts.fetchedAt),
    ),
  };
}

/**
 * The article text the feed itself carries for an entry: its content HTML as plain text, else
 * its summary (some feeds put the whole article in the description). Polling compares its
 * length with `fullTextMinChars` to decide whether the page must be fetched. Pure.
 */
export function itemText(item: FeedItem): string {
  return item.contentHtml ? htmlToText(item.contentHtml) : item.summary;
}

// ---------------------------------------------------------------------------------------------
// Repair

// What needs repair, and only that (a callback per `&lt;` would cost more than the parse):
// CDATA sections and comments, to skip them whole; numeric references that may be illegal
// (below U+0020, surrogates, U+FFFE/U+FFFF, beyond U+10FFFF: the callback checks);
// named references other than XML's five; an `&` that starts no reference at all; control
// characters (outside CDATA: inside, they are text, and text cleanup drops them).
const XML_SPECIAL = new RegExp(
  [
    '<!\\[CDATA\\[[\\s\\S]*?\\]\\]>',
    '<!--[\\s\\S]*?-->',
    '&#0*([0-9]|[12][0-9]|3[01]|5[5-7][0-9]{3}|6553[45]|[0-9]{7,});',
    '&#[xX]0*([0-9a-fA-F]|1[0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2}|[fF]{3}[eEfF]|[0-9a-fA-F]{6,});',
    '&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z][A-Za-z0-9]*);',
    '&(?![A-Za-z][A-Za-z0-9]*;|#[0-9]+;|#[xX][0-9a-fA-F]+;)',
    '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]+',
  ].join('|'),
  'g',
);

/**
 * The feed text with what strict XML parsers reject and publishers get wrong fixed (see the
 * module comment); CDATA sections and comments are left as they are. Pure.
 */
export function repairXml(xml: string): string {
  // Most matches are CDATA sections and comments, kept as they are: the text is rebuilt only
  // around what changes, and not at all when nothing does (no match is empty).
  let repaired = '';
  let copied = 0;
  XML_SPECIAL.lastIndex = 0;
  for (let match = XML_SPECIAL.exec(xml); match; match = XML_SPECIAL.exec(xml)) {
    const replacement = repairReference(match[0], match[1], match[2], match[3]);
    if (replacement === match[0]) continue;
    repaired += xml.slice(copied, match.index) + replacement;
    copied = match.index + match[0].length;
  }
  return copied === 0 ? xml : repaired + xml.slice(copied);
}

function repairReference(
  match: string,
  decimal: string | undefined,
  hex: string | undefined,
  name: string | undefined,
): string {
  const head = match.charCodeAt(0);
  if (head === 0x3c) return match;
  if (head !== 0x26) return ''; // control characters
  if (decimal !== undefined || hex !== undefined) {
    const codePoint = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? '', 16);
    return isXmlChar(codePoint) ? `&#${codePoint};` : '';
  }
  if (name === undefined) return '&amp;';
  const decoded = decodeHTMLStrict(match);
  if (decoded === match) return `&amp;${name};`;
  let refs = '';
  for (const char of decoded) refs += `&#${char.codePointAt(0)};`;
  return refs;
}

// XML 1.0 `Char` production.
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

// ---------------------------------------------------------------------------------------------
// Format

const ROOT = /<([A-Za-z_][\w:.-]*)((?:\s[^>]*)?)\/?>/g;

/**
 * The feed format from the root element: `rss` by its version (2.x → rss2, 0.9x → rss09,
 * missing → rss2), `rdf:RDF` by its namespace (Netscape's RSS 0.90 → rss09, else rss1), `feed`
 * → atom (1.0 and 0.3). Null for anything else (an HTML page, an OPML file). Pure.
 */
export function detectFormat(xml: string): FeedFormat | null {
  const head = xml.slice(0, 8192).replace(/<!--[\s\S]*?-->/g, '');
  ROOT.lastIndex = 0;
  const root = ROOT.exec(head);
  if (!root) return null;
  const name = root[1] ?? '';
  const attributes = root[2] ?? '';
  const localName = name.slice(name.indexOf(':') + 1);
  if (localName === 'rss') {
    const version = /\bversion\s*=\s*["']\s*([^"']*)["']/.exec(attributes)?.[1] ?? '';
    return /^0\.9/.test(version) ? 'rss09' : 'rss2';
  }
  if (name === 'rdf:RDF') {
    return attributes.includes('my.netscape.com/rdf/simple/0.9') ? 'rss09' : 'rss1';
  }
  if (localName === 'feed') return 'atom';
  return null;
}

// ---------------------------------------------------------------------------------------------
// rss-parser

type Node = unknown;
type RawItem = Record<string, Node>;
interface RawFeed {
  title?: Node;
  link?: Node;
  items?: RawItem[];
}

/**
 * rss-parser reads the XML (xml2js) and finds the channel and its entries; we map each entry
 * from its raw xml2js element ourselves. Its own item mapping throws the whole feed on one bad
 * Atom date (`new Date(x).toISOString()`) or one `<link>` without attributes, drops the
 * attributes we need (Atom text types, category terms), reads dates only from pubDate and
 * dc:date, and computes snippets we never use (half a parse's time on a full-text feed).
 */
class RawEntryParser extends Parser {
  parseItemRss(item: RawItem): RawItem {
    return item;
  }

  parseItemAtom(entry: RawItem): RawItem {
    return entry;
  }
}

function createParser(): Parser {
  // One parser per feed: xml2js keeps state between calls, and a failed parse may leave it dirty.
  return new RawEntryParser({ defaultRSS: 2 });
}

// ---------------------------------------------------------------------------------------------
// Mapping

// Elements that may carry an entry's date, in order of preference, whatever their namespace
// prefix (dc:date, a10:updated from .NET, dcterms:created, Atom 0.3 issued/modified).
const DATE_ELEMENTS = ['pubDate', 'published', 'issued', 'created', 'date', 'updated', 'modified'];

function toFeedItem(
  element: RawItem,
  atom: boolean,
  base: string | null,
  fetchedAt: string,
): FeedItem {
  const guid = cleanLine(
    textOf(first(atom ? element.id : element.guid)) || (attribute(element, 'rdf:about') ?? ''),
  );
  const link = absoluteUrl(atom ? atomLink(element.link) : textOf(first(element.link)), base);
  const guidUrl = /^https?:\/\//i.test(guid) ? absoluteUrl(guid, null) : null;
  const author = cleanTitle(
    atom
      ? textOf(first(element.author))
      : textOf(first(element['dc:creator'])) || textOf(first(element.author)),
  );
  return {
    guid: guid || null,
    url: link ?? guidUrl,
    title: entryTitle(first(element.title) ?? first(element['dc:title'])),
    summary: htmlToText(textOf(first(atom ? element.summary : element.description))),
    contentHtml: atom
      ? atomContentHtml(first(element.content))
      : nonEmpty(textOf(first(element['content:encoded']))),
    author: author || null,
    publishedAt: clampToFetchedAt(publishedAt(element), fetchedAt),
    categories: categories(element),
  };
}

function entryTitle(node: Node): string {
  const type = attribute(node, 'type');
  // Atom says how to read a title; RSS titles are text whose entities were escaped once more.
  if (type === 'html' || type === 'xhtml' || type === 'text/html') {
    return cleanLine(htmlToText(type === 'xhtml' ? markupOf(node) : textOf(node)));
  }
  return cleanTitle(textOf(node));
}

function atomLink(links: Node): string {
  let fallback = '';
  for (const link of asArray(links)) {
    if (typeof link === 'string') fallback ||= link;
    const rel = attribute(link, 'rel');
    const href = attribute(link, 'href');
    if (href === undefined) continue;
    if (rel === undefined || rel === 'alternate') return href;
    fallback ||= href;
  }
  return fallback;
}

function atomContentHtml(content: Node): string | null {
  const type = attribute(content, 'type');
  if (type === 'xhtml' || type === 'application/xhtml+xml') return nonEmpty(markupOf(content));
  const text = nonEmpty(textOf(content));
  if (text === null) return null;
  // Atom text content is plain text: escape it so the HTML reads the same.
  return type === undefined || type === 'text' ? escapeHtml(text) : text;
}

function publishedAt(element: RawItem): string | null {
  const keys = Object.keys(element);
  for (const name of DATE_ELEMENTS) {
    for (const key of keys) {
      if (key !== name && !key.endsWith(`:${name}`)) continue;
      const date = parseFeedDate(textOf(first(element[key])));
      if (date) return date;
    }
  }
  return null;
}

function categories(element: RawItem): string[] {
  const names = new Set<string>();
  for (const node of [...asArray(element.category), ...asArray(element['dc:subject'])]) {
    // Atom: <category term="cloud" label="Cloud"/>; RSS: <category>Cloud</category>.
    const name = cleanTitle(attribute(node, 'label') ?? attribute(node, 'term') ?? textOf(node));
    if (name) names.add(name);
  }
  return [...names];
}

/**
 * The absolute http(s) URL a feed link points to, resolved against `base`; null when empty,
 * unparsable or another scheme (`javascript:`, `mailto:`). Pure.
 */
export function absoluteUrl(raw: string, base: string | null): string | null {
  const trimmed = raw.trim();
  if (!trimmed) return null;
  let url: URL;
  try {
    url = new URL(trimmed, base ?? undefined);
  } catch (error) {
    // The WHATWG URL parser reports an unusable link with a TypeError: no link, not a failure.
    if (error instanceof TypeError) return null;
    throw error;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

// xml2js turns an element into a string, `{ _: text, $: attributes }`, or an object of child
// arrays (mixed content such as Atom xhtml); this reads the text of any of them.
function textOf(node: Node): string {
  if (typeof node === 'string') return node;
  if (node === null || node === undefined) return '';
  if (Array.isArray(node)) return node.map(textOf).join(' ');
  if (isObject(node)) {
    let text = '';
    for (const [key, value] of Object.entries(node)) {
      if (key === '$') continue;
      const part = textOf(value);
      text = text && part ? `${text} ${part}` : text || part;
    }
    return text;
  }
  return String(node);
}

// The inner markup of an xml2js element (Atom xhtml). xml2js groups children by name, so
// sibling order across names is lost; text of this kind is short and rare.
function markupOf(node: Node): string {
  if (typeof node === 'string') return escapeHtml(node);
  if (!isObject(node)) return '';
  let html = typeof node._ === 'string' ? escapeHtml(node._) : '';
  for (const [name, children] of Object.entries(node)) {
    if (name === '$' || name === '_') continue;
    for (const child of asArray(children)) {
      const tag = name.slice(name.indexOf(':') + 1);
      html += `<${tag}>${markupOf(child)}</${tag}>`;
    }
  }
  return html;
}

function attribute(node: Node, name: string): string | undefined {
  if (!isObject(node) || !isObject(node.$)) return undefined;
  const value = node.$[name];
  return typeof value === 'string' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function first(value: Node): Node {
  return Array.isArray(value) ? value[0] : value;
}

function asArray(value: Node): Node[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function nonEmpty(text: string): string | null {
  return text.trim() ? text : null;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
