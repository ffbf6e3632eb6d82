/** Shapes shared by the ingest stages (fetch → decode → parse → extract). Plain data only. */

/** Where the character encoding of a document was taken from, in order of precedence. */
export type EncodingSource = 'bom' | 'header' | 'prolog' | 'meta' | 'default' | 'fallback';

export interface DecodedText {
  /** The document as a JavaScript string, BOM removed. */
  text: string;
  encoding: { name: string; source: EncodingSource };
}

export type FeedFormat = 'rss2' | 'rss1' | 'rss09' | 'atom';

/** One feed entry, whatever the feed's format. Strings are decoded, trimmed, entity-free. */
export interface FeedItem {
  /** The feed's own id for the entry (guid/id), or null when it has none. */
  guid: string | null;
  /** Absolute URL of the article, or null. */
  url: string | null;
  title: string;
  /** Plain-text summary (HTML stripped), possibly empty. */
  summary: string;
  /** Full HTML content when the feed carries it (content:encoded, atom content), else null. */
  contentHtml: string | null;
  author: string | null;
  /** ISO 8601 UTC instant, or null when the feed's date could not be read. */
  publishedAt: string | null;
  categories: string[];
}

export interface ParsedFeed {
  format: FeedFormat;
  title: string | null;
  /** The site's home page as the feed gives it. */
  link: string | null;
  items: FeedItem[];
}

/** Where an article's text came from. */
export type ExtractMethod = 'jsonld' | 'dom' | 'feed';

export interface ExtractedArticle {
  title: string | null;
  /** Main text, paragraphs separated by a blank line. */
  text: string;
  url: string | null;
  canonical: string | null;
  siteName: string | null;
  publishedAt: string | null;
  author: string | null;
  lang: string | null;
  method: ExtractMethod;
}
