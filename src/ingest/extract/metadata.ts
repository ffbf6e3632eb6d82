/**
 * Page metadata as publishers declare it: Open Graph and article meta tags, `<link rel=canonical>`,
 * schema.org JSON-LD (also inside `@graph`), microdata and `<time datetime>`. One walk over the
 * tree; pure. When sources disagree the most deliberate one wins: JSON-LD and Open Graph are
 * written for machines, `<title>` is written for browser tabs and carries the site's name.
 */
import type { AnyNode, Element } from 'domhandler';
import { isTag, isText } from 'domhandler';
import { parseFeedDate } from '../dates.ts';
import { attr, blockTexts, collapseSpaces, rawText, shortText } from './dom.ts';

/** A schema.org object as found in JSON-LD: only the fields the extractor reads. */
export interface JsonLdArticle {
  type: string;
  headline: string | null;
  /** schema.org `name`: the title too, on most pages; on some, the site's name or a label. */
  name: string | null;
  articleBody: string | null;
  datePublished: string | null;
  author: string | null;
  publisher: string | null;
  url: string | null;
}

/** Everything the page says about itself, before choosing. */
export interface PageMetadata {
  title: string | null;
  canonical: string | null;
  siteName: string | null;
  publishedAt: string | null;
  author: string | null;
  lang: string | null;
  /** Article-like JSON-LD objects, in document order. */
  articles: JsonLdArticle[];
}

/** Meta names of the publication time, most deliberate first (`article:published`: NYT). */
const PUBLISHED_META = [
  'article:published_time',
  'og:article:published_time',
  'article:published',
  'datepublished',
  'publishdate',
  'publish-date',
  'pubdate',
  'date',
  'dc.date.issued',
  'dc.date',
  'dcterms.date',
  'sailthru.date',
  'parsely-pub-date',
];

/** Class/id words of the block that shows an article's date or byline. */
const DATE_BLOCK = /date|time|publish|posted|byline|meta/i;

/** Tags whose text never holds metadata; skipping them keeps the walk cheap. */
const OPAQUE = new Set(['style', 'svg', 'noscript', 'template', 'iframe']);

/** schema.org types whose `articleBody` is the page's article. */
const ARTICLE_TYPE = /(?:Article|BlogPosting|NewsArticle|Report|Posting)$/;

/** A page's `<h1>`, and whether it sits in the site's masthead (a logo, the site's name). */
interface Heading {
  text: string;
  masthead: boolean;
  /** The heading's own text (its child elements left out), then each child element's text. */
  parts: string[];
}

/** Where in the page a node sits, as far as headlines are concerned. */
type Region = 'page' | 'masthead' | 'article';

/** Class/id words of a site's logo or name block. */
const MASTHEAD = /logo|brand|site-?(?:title|name)/i;

interface Collected {
  meta: Map<string, string>;
  canonical: string | null;
  title: string | null;
  h1: Heading[];
  lang: string | null;
  times: string[];
  /** Blocks named as dates or bylines, read only when the page declares no date. */
  dateBlocks: Element[];
  /**
   * The short texts that follow the first headline outside the masthead, up to the first run of
   * prose, where a byline shows the date ("by Ann Lee, Dec 17, 2025"); null until that headline
   * ends. Bounded by `AFTER_HEADLINE`.
   */
  afterHeadline: string | null;
  itemprops: Map<string, string>;
  jsonLd: unknown[];
}

/**
 * Reads the metadata of a parsed page. `pageUrl` (where the page was fetched, if known) resolves
 * relative canonical links. Pure; malformed JSON-LD blocks are ignored, never thrown.
 */
export function readMetadata(root: AnyNode, pageUrl: string | null): PageMetadata {
  const found: Collected = {
    meta: new Map(),
    canonical: null,
    title: null,
    h1: [],
    lang: null,
    times: [],
    dateBlocks: [],
    afterHeadline: null,
    itemprops: new Map(),
    jsonLd: [],
  };
  collect(root, found, 'page');
  const articles = found.jsonLd.flatMap(flattenJsonLd).filter(isArticleLike).map(toArticle);
  const ld = articles[0];
  const meta = (...keys: string[]): string | null => {
    for (const key of keys) {
      const value = found.meta.get(key);
      if (value) return value;
    }
    return null;
  };
  const base = absoluteUrl(found.canonical, pageUrl) ?? pageUrl;
  const siteName = meta('og:site_name', 'application-name') ?? ld?.publisher ?? null;
  return {
    title: pickTitle(found, ld, meta('og:title', 'twitter:title'), siteName, base),
    canonical:
      absoluteUrl(found.canonical, pageUrl) ??
      absoluteUrl(meta('og:url'), pageUrl) ??
      absoluteUrl(ld?.url ?? null, pageUrl),
    siteName,
    publishedAt:
      firstInstant([
        ...PUBLISHED_META.map((key) => found.meta.get(key) ?? null),
        ...articles.map((article) => article.datePublished),
        ...found.jsonLd.flatMap(flattenJsonLd).map((object) => stringOf(object.datePublished)),
        found.itemprops.get('datepublished') ?? null,
        ...found.times,
      ]) ??
      firstInstant([firstShownDate(found.afterHeadline ?? '')]) ??
      firstInstant(found.dateBlocks.map(shownDate)),
    author: personName(
      meta('author', 'article:author', 'dc.creator', 'parsely-author') ??
        ld?.author ??
        found.itemprops.get('author') ??
        null,
      base,
    ),
    lang: found.lang ?? localeToLang(meta('og:locale')),
    articles,
  };
}

function collect(node: AnyNode, found: Collected, region: Region): void {
  if (!isTag(node)) {
    if (node.type === 'root') for (const child of node.children) collect(child, found, region);
    else if (isText(node)) noteAfterHeadline(node.data, found);
    return;
  }
  const inner = regionOf(node, region);
  switch (node.name) {
    case 'html':
      found.lang ??= attr(node, 'lang').trim() || attr(node, 'xml:lang').trim() || null;
      break;
    case 'meta':
      readMeta(node, found);
      return;
    case 'link':
      if (/(?:^|\s)canonical(?:\s|$)/i.test(attr(node, 'rel')) && attr(node, 'href')) {
        found.canonical ??= attr(node, 'href').trim();
      }
      return;
    case 'title':
      if (found.title === null) found.title = collapseSpaces(rawText(node)) || null;
      return;
    case 'h1':
      found.h1.push({
        // Laid out, not raw: "Top 10<br>Our picks" is two words apart, not "10Our".
        text: collapseSpaces(blockTexts(node, () => true).join(' ')),
        masthead:
          inner === 'masthead' ||
          MASTHEAD.test(`${attr(node, 'class')} ${attr(node, 'id')}`) ||
          linksHome(node),
        parts: headingParts(node),
      });
      break;
    case 'time': {
      const datetime = attr(node, 'datetime').trim();
      if (datetime) found.times.push(datetime);
      else noteDateBlock(node, found);
      break;
    }
    case 'script':
      if (/ld\+json/i.test(attr(node, 'type'))) found.jsonLd.push(parseJsonLd(rawText(node)));
      return;
    default:
      if (OPAQUE.has(node.name)) return;
      if (DATE_BLOCK.test(`${attr(node, 'class')} ${attr(node, 'id')}`)) noteDateBlock(node, found);
  }
  const itemprop = attr(node, 'itemprop').toLowerCase();
  if (itemprop === 'datepublished' || itemprop === 'author') {
    const value = attr(node, 'content') || attr(node, 'datetime') || collapseSpaces(rawText(node));
    if (value && !found.itemprops.has(itemprop)) found.itemprops.set(itemprop, value);
  }
  for (const child of node.children) collect(child, found, inner);
  if (node.name === 'h1' && found.afterHeadline === null && !found.h1.at(-1)?.masthead) {
    found.afterHeadline = '';
  }
}

/** How much text after the headline may hold its byline and date. */
const AFTER_HEADLINE = 300;

/** A longer run of text is prose: the article has begun, and its dates are events'. */
const BYLINE_TEXT = 120;

function noteAfterHeadline(text: string, found: Collected): void {
  if (found.afterHeadline === null || found.afterHeadline.length >= AFTER_HEADLINE) return;
  const shown = collapseSpaces(text);
  if (shown.length > BYLINE_TEXT) found.afterHeadline = found.afterHeadline.padEnd(AFTER_HEADLINE);
  else if (shown !== '') found.afterHeadline += ` ${shown}`;
}

/**
 * A block named as the site's logo or name outside any `<article>`/`<main>` is the masthead.
 * (A `<header>` is not enough: many pages put the article's headline in one.)
 */
function regionOf(element: Element, outer: Region): Region {
  const name = element.name;
  if (name === 'article' || name === 'main' || attr(element, 'role') === 'main') return 'article';
  // `<body>` classes describe the whole page (WordPress adds "wp-custom-logo" there).
  if (outer !== 'page' || name === 'body' || name === 'html') return outer;
  return MASTHEAD.test(`${attr(element, 'class')} ${attr(element, 'id')}`) ? 'masthead' : outer;
}

/**
 * A heading's text in parts: for it and each element inside it, what the element says itself,
 * outside its child elements, and all it says ("Headline" and "Posted on July 1, 2024" of
 * `<h1>Headline <span class="date">Posted on July 1, 2024</span></h1>`). Bounded.
 */
function headingParts(heading: Element): string[] {
  const parts: string[] = [];
  const visit = (element: Element): void => {
    const own = element.children.map((child) => (isText(child) ? child.data : ' ')).join('');
    parts.push(collapseSpaces(own));
    if (element !== heading) parts.push(collapseSpaces(rawText(element)));
    for (const child of element.children) {
      if (isTag(child) && parts.length < 32) visit(child);
    }
  };
  visit(heading);
  return parts.filter((part) => part !== '');
}

/** The heading is (or holds) a link to the site's home page: a logo. */
function linksHome(element: Element): boolean {
  for (const child of element.children) {
    if (!isTag(child)) continue;
    if (
      child.name === 'a' &&
      /^(?:\/|\.\/?|https?:\/\/[^/]+\/?)$/.test(attr(child, 'href').trim())
    ) {
      return true;
    }
    if (linksHome(child)) return true;
  }
  return false;
}

function readMeta(node: Element, found: Collected): void {
  const content = collapseSpaces(attr(node, 'content'));
  if (!content) return;
  // `itemprop` may list several properties ("datePublished dateCreated").
  const keys = [attr(node, 'property'), attr(node, 'name'), ...attr(node, 'itemprop').split(/\s+/)];
  for (const key of keys.map((k) => k.trim().toLowerCase())) {
    if (key && !found.meta.has(key)) found.meta.set(key, content);
  }
}

function noteDateBlock(node: Element, found: Collected): void {
  if (found.dateBlocks.length < 60) found.dateBlocks.push(node);
}

/**
 * The date a byline block shows ("October 13, 2025", "13 octobre 2025", "2024-11-06"), in a
 * form `parseFeedDate` reads, or null. An update date is not the publication's.
 */
function shownDate(block: Element): string | null {
  // Bounded: a block named "meta" may wrap a whole article.
  const raw = shortText(block, 2000);
  if (raw === null) return null;
  const text = collapseSpaces(raw);
  if (text.length < 8 || text.length > 120 || UPDATED.test(text)) return null;
  return firstShownDate(text);
}

const UPDATED = /updat|modifi|mis à jour|mise à jour/i;

/** Ways pages write a day: ISO, "13 octobre 2025", "Oct. 13th, 2025", "2/26/2015". */
const SHOWN_DATES: ReadonlyArray<{ pattern: RegExp; read: (m: RegExpExecArray) => string | null }> =
  [
    { pattern: /\b(\d{4}-\d{2}-\d{2})\b/, read: (m) => m[1] ?? null },
    {
      pattern: /\b(\d{1,2})(?:er)?\s+(\p{L}{3,9})\.?,?\s+(\d{4})\b/u,
      read: (m) => `${m[1]} ${m[2]} ${m[3]}`,
    },
    {
      pattern: /\b(\p{L}{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b/u,
      read: (m) => `${m[2]} ${m[1]} ${m[3]}`,
    },
    { pattern: /\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b/, read: numericDay },
  ];

/**
 * The first date a text shows, in a form `parseFeedDate` reads, or null when there is none or an
 * update word comes before it ("Updated Dec 3, 2025").
 */
function firstShownDate(text: string): string | null {
  let first: { at: number; value: string } | null = null;
  for (const { pattern, read } of SHOWN_DATES) {
    const match = pattern.exec(text);
    const value = match === null ? null : read(match);
    if (match === null || value === null || parseFeedDate(value) === null) continue;
    if (first === null || match.index < first.at) first = { at: match.index, value };
  }
  if (first === null || UPDATED.test(text.slice(0, first.at))) return null;
  return first.value;
}

/**
 * The date of a wire-style dateline opening an article's first paragraph ("Feb. 23, 2015 --
 * Text", "PARIS, 12 mars 2026 — Texte"), as an ISO instant, or null. Pure.
 */
export function openingDateline(paragraph: string): string | null {
  const head = /^(.{6,40}?)\s+(?:--|—|–)\s/u.exec(paragraph);
  const shown = head === null ? null : firstShownDate(head[1] ?? '');
  return shown === null ? null : parseFeedDate(shown);
}

/**
 * "26/02/2015" or "2/26/2015": read only when one number cannot be a month, since the order is
 * the writer's custom (day first in France, month first in the United States).
 */
function numericDay(m: RegExpExecArray): string | null {
  const [a, b, year] = [Number(m[1]), Number(m[2]), m[3]];
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (a > 12 && b <= 12) return `${year}-${pad(b)}-${pad(a)}`;
  if (b > 12 && a <= 12) return `${year}-${pad(a)}-${pad(b)}`;
  return null;
}

/**
 * The day a news URL's path gives (`/2015/03/18/`, `/2025-12-17-`), as an ISO instant, or null:
 * a last resort, since many publishers date their paths, and a page that shows no year ("March
 * 18 at 3:57 PM") still sits at one. Pure.
 */
export function urlDay(url: string | null): string | null {
  if (url === null || !URL.canParse(url)) return null;
  const path = new URL(url).pathname;
  const day = /\/((?:19|20)\d\d)[/-](\d\d)[/-](\d\d)(?:[/-]|\.html?|$)/.exec(path);
  return day === null ? null : parseFeedDate(`${day[1]}-${day[2]}-${day[3]}`);
}

/** JSON-LD as written, or null: publishers ship invalid JSON often enough not to fail the page. */
function parseJsonLd(text: string): unknown {
  try {
    // Some CMSs wrap the JSON in an HTML comment or an XHTML CDATA section (`//<![CDATA[`).
    return JSON.parse(
      text.replace(/^\s*(?:<!--|(?:\/\/\s*)?<!\[CDATA\[)|(?:-->|(?:\/\/\s*)?\]\]>)\s*$/g, ''),
    );
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

function flattenJsonLd(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(flattenJsonLd);
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  const graph = object['@graph'];
  return graph === undefined ? [object] : [object, ...flattenJsonLd(graph)];
}

function typesOf(object: Record<string, unknown>): string[] {
  const type = object['@type'];
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : [];
}

function isArticleLike(object: Record<string, unknown>): boolean {
  return typesOf(object).some((type) => ARTICLE_TYPE.test(type));
}

function toArticle(object: Record<string, unknown>): JsonLdArticle {
  const main = object.mainEntityOfPage;
  return {
    type: typesOf(object).find((type) => ARTICLE_TYPE.test(type)) ?? 'Article',
    headline: stringOf(object.headline),
    name: stringOf(object.name),
    articleBody: stringOf(object.articleBody),
    datePublished: stringOf(object.datePublished) ?? stringOf(object.dateCreated),
    author: nameOf(object.author),
    publisher: nameOf(object.publisher),
    url:
      stringOf(object.url) ??
      (typeof main === 'string' ? main : nameOrId(main as Record<string, unknown> | null)),
  };
}

function stringOf(value: unknown): string | null {
  if (typeof value === 'string') return collapseSpaces(value) === '' ? null : value.trim();
  if (Array.isArray(value)) return stringOf(value[0]);
  return null;
}

function nameOrId(object: Record<string, unknown> | null): string | null {
  if (object === null || typeof object !== 'object') return null;
  return stringOf(object['@id']) ?? stringOf(object.url);
}

function nameOf(value: unknown): string | null {
  if (typeof value === 'string') return stringOf(value);
  if (Array.isArray(value)) {
    const names = value.map(nameOf).filter((name): name is string => name !== null);
    return names.length > 0 ? names.join(', ') : null;
  }
  if (value !== null && typeof value === 'object') {
    return stringOf((value as Record<string, unknown>).name);
  }
  return null;
}

/** A person's name, not a profile URL (`article:author` is often one). */
function personName(value: string | null, base: string | null): string | null {
  if (value === null) return null;
  const text = collapseSpaces(value);
  if (text === '' || /^https?:\/\//i.test(text) || (base !== null && text.startsWith('/'))) {
    return null;
  }
  return text.length > 200 ? null : text;
}

/**
 * The article's title. Declared titles (Open Graph, JSON-LD, `<title>`) are written for machines
 * and often carry the site's name; the page's `<h1>` is what a reader sees, but on many sites the
 * only `<h1>` is the logo or a section name, and some put a date or a comment count inside it. So
 * an `<h1>` wins when it agrees with the declared title, or when it is the one headline outside
 * the site's masthead; otherwise the declared title wins, without the site's name.
 */
function pickTitle(
  found: Collected,
  ld: JsonLdArticle | undefined,
  openGraph: string | null,
  siteName: string | null,
  pageUrl: string | null,
): string | null {
  const declared = [openGraph, jsonLdTitle(ld, found.title), found.title]
    .map((candidate) => (candidate === null ? '' : collapseSpaces(candidate)))
    .filter((candidate) => candidate !== '');
  const headings = found.h1.filter((h) => h.text !== '');
  const first = declared[0];
  if (first === undefined) return headings[0]?.text ?? null;
  const sites = siteNames(siteName, pageUrl);
  const stripped = withoutHostName(stripSiteName(first, sites), pageUrl);
  // A heading that only names the site agrees with any title that carries the site's name.
  const shown = headings.filter((h) => !sites.includes(squash(h.text)));
  const heading = shown.find((h) => agrees(h.text, stripped));
  if (heading !== undefined) return agreeingTitle(heading, first, stripped);
  // A lone headline outside the masthead is the article's, even when its SEO title says otherwise.
  const lone = shown.filter((h) => !h.masthead);
  const only = lone.length === 1 ? lone[0] : undefined;
  if (only !== undefined && isHeadlineLength(only.text)) return only.text;
  return stripped;
}

/**
 * The title a JSON-LD article gives: its `headline`, or its `name` when that is the one the page's
 * `<title>` agrees with (Wikipedia's headline is a short description, "name" the title).
 */
function jsonLdTitle(ld: JsonLdArticle | undefined, pageTitle: string | null): string | null {
  if (ld === undefined) return null;
  const { headline, name } = ld;
  if (headline === null || name === null) return headline ?? name;
  const matches = (text: string): boolean => pageTitle !== null && agrees(text, pageTitle);
  return !matches(headline) && matches(name) ? name : headline;
}

/**
 * Of a heading and a declared title that agree: the heading, as a reader sees it, unless the
 * declared title is only a part of it laid out apart (its own text beside a `<time>`, a byline or
 * a comment count in child elements), or the heading is the declared title less separated
 * segments ("Headline" of "Section : Headline - Tagline"). A heading that is the whole declared
 * title, site's name and all, gives way to the declared title without it.
 */
function agreeingTitle(heading: Heading, declared: string, stripped: string): string {
  // A heading that repeats the whole declared title, site's name included, is cut the same way.
  if (sameWords(heading.text, declared)) return stripped;
  if (isSegmentRun(heading.text, declared)) return heading.text;
  const written = titleWords(stripped).join(' ');
  const part = heading.parts.find((text) => titleWords(text).join(' ') === written);
  return part ?? heading.text;
}

/** Same words in the same order, case and punctuation aside. */
function sameWords(a: string, b: string): boolean {
  return titleWords(a).join(' ') === titleWords(b).join(' ');
}

/**
 * Long enough to be a headline rather than a section's or the site's name ("Webcams", "Our
 * Blog"), short enough not to be a standfirst or a description set in an `<h1>`.
 */
function isHeadlineLength(text: string): boolean {
  const words = titleWords(text).length;
  return words >= 4 && words <= MAX_HEADLINE_WORDS;
}

/** Headlines run to about twenty words at most; a longer "heading" is a paragraph. */
const MAX_HEADLINE_WORDS = 30;

/**
 * `part` says, word for word, what `title` says once some of its separated segments are cut from
 * either end ("Headline" in "Section : Headline | Site"), or all of it.
 */
function isSegmentRun(part: string, title: string): boolean {
  const wanted = titleWords(part).join(' ');
  if (wanted === '') return false;
  const segments = title.split(SEPARATOR).map((segment) => titleWords(segment).join(' '));
  for (let from = 0; from < segments.length; from++) {
    for (let to = from + 1; to <= segments.length; to++) {
      const run = segments.slice(from, to).filter((words) => words !== '');
      if (run.join(' ') === wanted) return true;
    }
  }
  return false;
}

function titleWords(text: string): string[] {
  return (
    text
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** Most words of the shorter title are in the longer one, and it is not a mere word of it. */
function agrees(a: string, b: string): boolean {
  const [x, y] = [new Set(titleWords(a)), new Set(titleWords(b))];
  const [small, large] = x.size <= y.size ? [x, y] : [y, x];
  // "Discord" is in "How we pwned X, Vercel, Cursor, Discord, and hundreds of companies…".
  if (small.size === 0 || small.size * 4 < large.size) return false;
  let shared = 0;
  for (const word of small) if (large.has(word)) shared++;
  return shared / small.size >= 0.6;
}

/** Ways a page names its site: `og:site_name` and the domain ("lemonde" for www.lemonde.fr). */
function siteNames(siteName: string | null, pageUrl: string | null): string[] {
  const names: string[] = [];
  if (siteName !== null) names.push(squash(siteName));
  if (pageUrl !== null && URL.canParse(pageUrl)) {
    const host = new URL(pageUrl).hostname.replace(/^www\d?\./, '');
    names.push(squash(host), squash(host.split('.')[0] ?? ''));
  }
  return names.filter((name) => name.length >= 2);
}

/** Letters and digits only, lower-cased: "Le Monde.fr" and "lemonde.fr" compare equal. */
function squash(text: string): string {
  return titleWords(text).join('');
}

/** Title separators between a headline and a site name: " | ", " - ", " — ", " :: ", "_"… */
const SEPARATOR = /\s+[|–—·•»:~-]{1,2}\s+|\s*[_｜]\s*|\s+\[(?=[^\]]+\]$)/;

/**
 * "Headline | Site", "Site - Headline", "Headline [Site]": the headline part, when the other part
 * names the site (its `og:site_name` or domain). Without such a match only a trailing " | …" is
 * taken as a site name, the one separator headlines themselves rarely use.
 */
function stripSiteName(title: string, sites: string[]): string {
  const parts = title.split(SEPARATOR);
  if (parts.length < 2) return title;
  const names = (part: string): boolean => {
    const squashed = squash(part);
    return (
      squashed !== '' &&
      sites.some((site) => squashed === site || squashed.includes(site) || site.includes(squashed))
    );
  };
  const last = parts.at(-1) ?? '';
  const firstPart = parts[0] ?? '';
  if (names(last)) return trimSeparators(title.slice(0, title.lastIndexOf(last)));
  if (names(firstPart)) return trimSeparators(title.slice(firstPart.length));
  const pipe = title.lastIndexOf(' | ');
  return pipe > 0 ? title.slice(0, pipe) : title;
}

/**
 * "example.com Headline", "Headline example.com": the page's own host name, written out at either
 * end of a title without a separator, is the site's name. Never the whole title.
 */
function withoutHostName(title: string, pageUrl: string | null): string {
  if (pageUrl === null || !URL.canParse(pageUrl)) return title;
  const host = new URL(pageUrl).hostname.replace(/^www\d?\./, '');
  const lower = title.toLowerCase();
  if (lower.startsWith(`${host} `)) return title.slice(host.length).trim();
  if (lower.endsWith(` ${host}`)) return title.slice(0, -host.length).trim();
  return title;
}

function trimSeparators(text: string): string {
  return text.replace(/^[\s|–—·•»:~_｜[-]+|[\s|–—·•»:~_｜[-]+$/g, '');
}

function absoluteUrl(href: string | null, base: string | null): string | null {
  if (href === null || href.trim() === '') return null;
  if (!URL.canParse(href.trim(), base ?? undefined)) return null;
  const url = new URL(href.trim(), base ?? undefined);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

/**
 * The first of `values` that reads as a plausible publication instant: pages put placeholders
 * (an empty string, the Unix epoch, "0001-01-01T00:00:00Z", which `parseFeedDate` rejects) where
 * the CMS had no date, and the next source usually has the real one.
 */
function firstInstant(values: Array<string | null>): string | null {
  for (const value of values) {
    if (value === null) continue;
    const instant = isoInstant(value);
    if (instant !== null && instant >= '1900' && !instant.startsWith('1970-01-01T00:00:00')) {
      return instant;
    }
  }
  return null;
}

/**
 * An ISO 8601 UTC instant for a date as pages write it, or null. Feed formats (ISO 8601, RFC 822
 * in English or French) are read by `parseFeedDate`; pages add compact ISO (`20191119T1100Z`) and
 * JavaScript's own `Date` strings ("Wed Nov 20 2019 08:00:58 GMT+0000"). Unreadable: null.
 */
function isoInstant(value: string): string | null {
  const text = value.trim();
  const feed = parseFeedDate(text);
  if (feed !== null) return feed;
  const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?(.*)$/.exec(text);
  if (compact) {
    return parseFeedDate(
      `${compact[1]}-${compact[2]}-${compact[3]}T${compact[4]}:${compact[5]}:${compact[6] ?? '00'}${compact[7]}`,
    );
  }
  if (!/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4}/.test(text))
    return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function localeToLang(locale: string | null): string | null {
  return locale === null ? null : locale.replace('_', '-');
}
