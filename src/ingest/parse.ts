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
import { cleanLine, cleanTitle, htmlToText, stripControlChars } from './text.ts';
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

const XML_SPECIAL =
  /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|&(?:#([0-9]+)|#[xX]([0-9a-fA-F]+)|([A-Za-z][A-Za-z0-9]*));|&/g;
const XML_PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/**
 * The feed text with what strict XML parsers reject and publishers get wrong fixed (see the
 * module comment); CDATA sections and comments are left as they are. Pure.
 */
export function repairXml(xml: string): string {
  return stripControlChars(xml).replace(XML_SPECIAL, repairReference);
}

function repairReference(
  match: string,
  decimal: string | undefined,
  hex: string | undefined,
  name: string | undefined,
): string {
  if (match.charCodeAt(0) === 0x3c) return match;
  if (decimal !== undefined || hex !== undefined) {
    const codePoint = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? '', 16);
    return isXmlChar(codePoint) ? `&#${codePoint};` : '';
  }
  if (name === undefined) return '&amp;';
  if (XML_PREDEFINED.has(name)) return match;
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

// Elements that may carry an entry's date, in order of preference, whatever their namespace
// prefix (dc:date, a10:updated from .NET, dcterms:created, Atom 0.3 issued/modified).
const DATE_ELEMENTS = ['published', 'issued', 'created', 'date', 'updated', 'modified'];

function rawDates(element: RawItem): Node[] {
  const dates: Node[] = [];
  for (const name of DATE_ELEMENTS) {
    for (const key of Object.keys(element)) {
      if (key === name || key.endsWith(`:${name}`)) dates.push(first(element[key]));
    }
  }
  return dates;
}

type AtomEntryParser = (this: Parser, entry: RawItem) => RawItem;
type RssItemParser = (this: Parser, item: RawItem, fields: unknown) => RawItem;
const base = Parser.prototype as unknown as {
  parseItemAtom: AtomEntryParser;
  parseItemRss: RssItemParser;
};

class TolerantParser extends Parser {
  /**
   * rss-parser 3.13 runs `new Date(published).toISOString()` on every Atom entry, so one
   * unreadable date throws the whole feed, and reads `link.$.rel` on each link, so one
   * `<link>` without attributes does too. We hand it the entry without its dates and keep
   * them raw for {@link parseFeedDate}; text links are read by us.
   */
  parseItemAtom(entry: RawItem): RawItem {
    const { published: _published, updated: _updated, ...rest } = entry;
    const links = Array.isArray(entry.link) ? entry.link : [];
    rest.link = links.filter((link) => isObject(link) && isObject(link.$));
    const item = base.parseItemAtom.call(this, rest);
    item.rawDates = rawDates(entry);
    item.contentType = attribute(first(entry.content), 'type');
    item.atomTitleType = attribute(first(entry.title), 'type');
    if (item.link === undefined) item.link = links.find((link) => typeof link === 'string');
    return item;
  }

  /** rss-parser reads pubDate and dc:date only; PC INpact's items date by `a10:updated`. */
  parseItemRss(xmlItem: RawItem, fields: unknown): RawItem {
    const item = base.parseItemRss.call(this, xmlItem, fields);
    item.rawDates = [item.pubDate, ...rawDates(xmlItem)];
    return item;
  }
}

function createParser(): Parser {
  // One parser per feed: xml2js keeps state between calls, and a failed parse may leave it dirty.
  return new TolerantParser({
    defaultRSS: 2,
    customFields: {
      item: [
        ['category', 'categoryNodes', { keepArray: true }],
        ['dc:subject', 'subjects', { keepArray: true }],
      ],
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Mapping

function toFeedItem(
  item: RawItem,
  atom: boolean,
  base: string | null,
  fetchedAt: string,
): FeedItem {
  const guid = cleanLine(textOf(item.guid) || textOf(item.id) || textOf(item['rdf:about']));
  const link = absoluteUrl(textOf(item.link), base);
  const guidUrl = /^https?:\/\//i.test(guid) ? absoluteUrl(guid, null) : null;
  const rawTitle = textOf(item.title);
  const titleIsHtml = item.atomTitleType === 'html' || item.atomTitleType === 'xhtml';
  const author = cleanTitle(textOf(item.creator) || textOf(item.author));
  return {
    guid: guid || null,
    url: link ?? guidUrl,
    title: titleIsHtml ? cleanLine(htmlToText(rawTitle)) : cleanTitle(rawTitle),
    // rss-parser puts an RSS <description> in `content`, an Atom <content> too.
    summary: htmlToText(textOf(atom ? item.summary : item.content)),
    contentHtml: atom ? atomContentHtml(item) : nonEmpty(textOf(item['content:encoded'])),
    author: author || null,
    publishedAt: clampToFetchedAt(publishedAt(item), fetchedAt),
    categories: categories(item),
  };
}

function atomContentHtml(item: RawItem): string | null {
  const content = nonEmpty(textOf(item.content));
  if (content === null) return null;
  // Atom text content is plain text: escape it so the HTML reads the same.
  return item.contentType === 'text' ? escapeHtml(content) : content;
}

function publishedAt(item: RawItem): string | null {
  for (const value of asArray(item.rawDates)) {
    const date = parseFeedDate(textOf(value));
    if (date) return date;
  }
  return null;
}

function categories(item: RawItem): string[] {
  const nodes = [...asArray(item.categoryNodes), ...asArray(item.subjects)];
  const names = new Set<string>();
  for (const node of nodes) {
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
  if (!URL.canParse(trimmed, base ?? undefined)) return null;
  const url = new URL(trimmed, base ?? undefined);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

// xml2js turns an element into a string, `{ _: text, $: attributes }`, or an object of child
// arrays (mixed content such as Atom xhtml); this reads the text of any of them.
function textOf(node: Node): string {
  if (typeof node === 'string') return node;
  if (node === null || node === undefined) return '';
  if (Array.isArray(node)) return node.map(textOf).join(' ');
  if (isObject(node)) {
    if (typeof node._ === 'string') return node._;
    let text = '';
    for (const [key, value] of Object.entries(node)) {
      if (key !== '$') text = text ? `${text} ${textOf(value)}` : textOf(value);
    }
    return text;
  }
  return String(node);
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
