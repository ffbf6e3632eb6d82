/**
 * `vigie preview URL|FILE [--content-type CT] [--json]`: what Vigie sees in a feed, as a feed
 * admin wants to check before adding it. A URL goes through the same fetcher and limits as
 * polling; a FILE is read as bytes, `--content-type` standing in for the HTTP header. Then the
 * same decode → parse code as polling.
 *
 * `fullText` says whether an entry carries the whole article, by polling's own rule: the text
 * the feed gives (content HTML as text, else the summary) is at least `poll.fullTextMinChars`
 * characters (1,500 by default). Such entries are not fetched again when polling.
 */
import type { Command } from 'commander';
import type { EncodingSource, FeedFormat } from '../ingest/types.ts';
import { CliError, printJson, printText } from './io.ts';
import { globalOptions } from './options.ts';

export interface PreviewItem {
  guid: string | null;
  url: string | null;
  title: string;
  publishedAt: string | null;
  fullText: boolean;
}

export interface FeedPreview {
  encoding: { name: string; source: EncodingSource };
  format: FeedFormat;
  title: string | null;
  items: PreviewItem[];
}

export interface PreviewOptions {
  /** ISO 8601 instant of the fetch (dates after it are clamped). */
  fetchedAt: string;
  /** The feed's URL, for relative links. */
  baseUrl: string | null;
  /** Minimum feed text, in characters, for an entry to count as full text. */
  fullTextMinChars: number;
}

/**
 * Decodes and parses feed bytes as polling does and summarizes them for `preview`. Pure (no
 * I/O, no clock); rejects with a `FeedParseError` (`FEED_PARSE`) when the bytes are not a feed.
 */
export async function previewFeed(
  bytes: Uint8Array,
  contentType: string | null,
  options: PreviewOptions,
): Promise<FeedPreview> {
  const { decodeDocument } = await import('../ingest/decode.ts');
  const { itemText, parseFeed } = await import('../ingest/parse.ts');
  const decoded = decodeDocument(bytes, contentType, 'xml');
  const feed = await parseFeed(decoded.text, {
    fetchedAt: options.fetchedAt,
    baseUrl: options.baseUrl,
  });
  return {
    encoding: decoded.encoding,
    format: feed.format,
    title: feed.title,
    items: feed.items.map((item) => ({
      guid: item.guid,
      url: item.url,
      title: item.title,
      publishedAt: item.publishedAt,
      fullText: itemText(item).length >= options.fullTextMinChars,
    })),
  };
}

const TITLE_WIDTH = 72;

/**
 * The preview as a readable table: a header (encoding and why, format, feed title, item
 * count), then one row per entry (publication time UTC, full text or not, title) with its URL
 * underneath. Pure.
 */
export function formatPreview(preview: FeedPreview): string {
  const full = preview.items.filter((item) => item.fullText).length;
  const header = [
    `Feed:      ${preview.title ?? '(untitled)'}`,
    `Format:    ${preview.format}`,
    `Encoding:  ${preview.encoding.name} (${preview.encoding.source})`,
    `Items:     ${preview.items.length} (${full} with full text)`,
  ];
  if (preview.items.length === 0) return header.join('\n');
  const number = String(preview.items.length).length;
  const indent = ' '.repeat(number + 2 + 16 + 2 + 4 + 2);
  const rows = preview.items.map((item, index) => {
    const cells = [
      String(index + 1).padStart(number),
      (item.publishedAt?.slice(0, 16).replace('T', ' ') ?? '-').padEnd(16),
      (item.fullText ? 'yes' : 'no').padEnd(4),
      truncate(item.title || '(no title)', TITLE_WIDTH),
    ];
    return `${cells.join('  ')}\n${indent}${item.url ?? '(no link)'}`;
  });
  const titles = ['#'.padStart(number), 'Published (UTC)'.padEnd(16), 'Full', 'Title'];
  return [...header, '', titles.join('  '), ...rows].join('\n');
}

function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

export function register(program: Command): void {
  program
    .command('preview')
    .description('show what Vigie sees in a feed: encoding, format, items (URL or file)')
    .argument('<source>', 'feed URL (http/https) or file path')
    .option('--content-type <type>', 'Content-Type header to assume for a file')
    .action(async (source: string, options: { contentType?: string }, command: Command) => {
      const { json } = globalOptions(command);
      const { loadConfig } = await import('../config/load.ts');
      const { settings } = loadConfig();
      const { poll } = settings;
      const fetchedAt = new Date().toISOString();
      const input = /^https?:\/\//i.test(source)
        ? await fetchFeed(source, settings)
        : await readFeedFile(source, options.contentType ?? null);
      const { isFeedParseError } = await import('../ingest/parse.ts');
      const preview = await previewFeed(input.bytes, input.contentType, {
        fetchedAt,
        baseUrl: input.url,
        fullTextMinChars: poll.fullTextMinChars,
      }).catch((error: unknown) => {
        if (isFeedParseError(error))
          throw new CliError(`${source}: ${error.message}`, 1, { cause: error });
        throw error;
      });
      if (json) printJson(preview);
      else printText(formatPreview(preview));
    });
}

interface FeedInput {
  bytes: Uint8Array;
  contentType: string | null;
  url: string | null;
}

async function fetchFeed(
  url: string,
  settings: import('../config/schema.ts').Settings,
): Promise<FeedInput> {
  const { createFetcher } = await import('../ingest/fetch.ts');
  const { fetcherOptions } = await import('../app.ts');
  const fetcher = createFetcher(fetcherOptions(settings));
  try {
    const outcome = await fetcher.fetch(url);
    if (!outcome.ok) {
      throw new CliError(`${outcome.error.message} [${outcome.error.code}]`, 1, {
        cause: outcome.error,
      });
    }
    return { bytes: outcome.body, contentType: outcome.contentType, url: outcome.url };
  } finally {
    await fetcher.close();
  }
}

async function readFeedFile(file: string, contentType: string | null): Promise<FeedInput> {
  const { readFile } = await import('node:fs/promises');
  try {
    return { bytes: await readFile(file), contentType, url: null };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: cannot read (${code ?? 'error'})`, 2, { cause: error });
  }
}
