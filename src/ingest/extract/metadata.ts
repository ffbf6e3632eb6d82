/**
 * Page metadata as publishers declare it: Open Graph and article meta tags, `<link rel=canonical>`,
 * schema.org JSON-LD (also inside `@graph`), microdata and `<time datetime>`. One walk over the
 * tree; pure. When sources disagree the most deliberate one wins: JSON-LD and Open Graph are
 * written for machines, `<title>` is written for browser tabs and carries the site's name.
 */
import type { AnyNode, Element } from 'domhandler';
import { isTag } from 'domhandler';
import { attr, collapseSpaces, rawText } from './dom.ts';

/** A schema.org object as found in JSON-LD: only the fields the extractor reads. */
export interface JsonLdArticle {
  type: string;
  headline: string | null;
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

/** Tags whose text never holds metadata; skipping them keeps the walk cheap. */
const OPAQUE = new Set(['style', 'svg', 'noscript', 'template', 'iframe']);

/** schema.org types whose `articleBody` is the page's article. */
const ARTICLE_TYPE = /(?:Article|BlogPosting|NewsArticle|Report|Posting)$/;

interface Collected {
  meta: Map<string, string>;
  canonical: string | null;
  title: string | null;
  h1: string[];
  lang: string | null;
  times: string[];
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
    itemprops: new Map(),
    jsonLd: [],
  };
  collect(root, found);
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
    title: pickTitle(found, ld, meta('og:title', 'twitter:title'), siteName),
    canonical:
      absoluteUrl(found.canonical, pageUrl) ??
      absoluteUrl(meta('og:url'), pageUrl) ??
      absoluteUrl(ld?.url ?? null, pageUrl),
    siteName,
    publishedAt: isoInstant(
      meta(
        'article:published_time',
        'og:article:published_time',
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
      ) ??
        ld?.datePublished ??
        found.itemprops.get('datepublished') ??
        found.times[0] ??
        null,
    ),
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

function collect(node: AnyNode, found: Collected): void {
  if (!isTag(node)) {
    if (node.type === 'root') for (const child of node.children) collect(child, found);
    return;
  }
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
      found.h1.push(collapseSpaces(rawText(node)));
      break;
    case 'time': {
      const datetime = attr(node, 'datetime').trim();
      if (datetime) found.times.push(datetime);
      break;
    }
    case 'script':
      if (/ld\+json/i.test(attr(node, 'type'))) found.jsonLd.push(parseJsonLd(rawText(node)));
      return;
    default:
      if (OPAQUE.has(node.name)) return;
  }
  const itemprop = attr(node, 'itemprop').toLowerCase();
  if (itemprop === 'datepublished' || itemprop === 'author') {
    const value = attr(node, 'content') || attr(node, 'datetime') || collapseSpaces(rawText(node));
    if (value && !found.itemprops.has(itemprop)) found.itemprops.set(itemprop, value);
  }
  for (const child of node.children) collect(child, found);
}

function readMeta(node: Element, found: Collected): void {
  const key = (attr(node, 'property') || attr(node, 'name') || attr(node, 'itemprop'))
    .trim()
    .toLowerCase();
  const content = collapseSpaces(attr(node, 'content'));
  if (key && content && !found.meta.has(key)) found.meta.set(key, content);
}

/** JSON-LD as written, or null: publishers ship invalid JSON often enough not to fail the page. */
function parseJsonLd(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\s*<!--|-->\s*$/g, ''));
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
    headline: stringOf(object.headline) ?? stringOf(object.name),
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
 * The headline a reader sees: the page's `<h1>` when it agrees with what the page declares
 * (Open Graph, JSON-LD, `<title>`), since declared titles are often rewritten for search engines
 * and carry the site's name; otherwise the declared title without the site's name.
 */
function pickTitle(
  found: Collected,
  ld: JsonLdArticle | undefined,
  openGraph: string | null,
  siteName: string | null,
): string | null {
  const declared = [openGraph, ld?.headline ?? null, found.title]
    .map((candidate) => (candidate === null ? '' : collapseSpaces(candidate)))
    .find((candidate) => candidate !== '');
  const headings = found.h1.filter((h) => h !== '');
  if (declared === undefined || headings.length === 1) return headings[0] ?? declared ?? null;
  const agreeing = headings.find((h) => agrees(h, declared));
  return agreeing ?? stripSiteName(declared, siteName);
}

/** Most words of the shorter title are in the longer one. */
function agrees(a: string, b: string): boolean {
  const words = (s: string) => new Set(s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  const [x, y] = [words(a), words(b)];
  const [small, large] = x.size <= y.size ? [x, y] : [y, x];
  if (small.size === 0) return false;
  let shared = 0;
  for (const word of small) if (large.has(word)) shared++;
  return shared / small.size >= 0.6;
}

/** "Headline | Site", "Site - Headline": keep the headline part when the rest names the site. */
function stripSiteName(title: string, siteName: string | null): string {
  const parts = title.split(/\s+[|–—·»:-]{1,2}\s+|\s*[_｜]\s*/);
  if (parts.length < 2) return title;
  const site = siteName?.toLowerCase() ?? null;
  const last = parts.at(-1)?.toLowerCase() ?? '';
  const first = parts[0]?.toLowerCase() ?? '';
  if (site !== null && (last.includes(site) || site.includes(last))) {
    return title.slice(0, title.toLowerCase().lastIndexOf(last)).replace(/[\s|–—·»:_｜-]+$/, '');
  }
  if (site !== null && (first.includes(site) || site.includes(first))) {
    return title.slice(first.length).replace(/^[\s|–—·»:_｜-]+/, '');
  }
  // Without a site name to go by, only the " | " separator is reliably a site suffix.
  const pipe = title.lastIndexOf(' | ');
  return pipe > 0 ? title.slice(0, pipe) : title;
}

function absoluteUrl(href: string | null, base: string | null): string | null {
  if (href === null || href.trim() === '') return null;
  if (!URL.canParse(href.trim(), base ?? undefined)) return null;
  const url = new URL(href.trim(), base ?? undefined);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

/**
 * An ISO 8601 UTC instant for a date as pages write it, or null. Date-only values are kept as
 * midnight UTC; unparseable strings give null rather than a guess.
 */
export function isoInstant(value: string | null): string | null {
  if (value === null) return null;
  const text = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}|^\d{4}\d{2}\d{2}T|^[A-Z][a-z]{2},? /.test(text)) return null;
  const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?(.*)$/.exec(text);
  const normalized = compact
    ? `${compact[1]}-${compact[2]}-${compact[3]}T${compact[4]}:${compact[5]}:${compact[6] ?? '00'}${compact[7]}`
    : text.replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, '$1T$2');
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function localeToLang(locale: string | null): string | null {
  return locale === null ? null : locale.replace('_', '-');
}
