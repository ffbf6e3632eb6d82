/** `vigie extract [FILE|URL|-] [--url U]`: what Vigie reads of one article page. */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { Command } from 'commander';
import type { ExtractedArticle } from '../ingest/types.ts';
import { CliError, printJson, printText, readStdin } from './io.ts';
import { globalOptions } from './options.ts';

export function register(program: Command): void {
  program
    .command('extract')
    .description('extract the title, main text and metadata of one article page')
    .argument('[source]', 'HTML file (.html.gz read as gzip), http(s) URL, or - for stdin', '-')
    .option('--url <url>', 'the page URL (resolves relative links; default: the fetched URL)')
    .action(async (source: string, options: { url?: string }, command: Command) => {
      const { json } = globalOptions(command);
      const page = await readPage(source);
      const { decodeDocument } = await import('../ingest/decode.ts');
      const { extractArticle } = await import('../ingest/extract.ts');
      const html = decodeDocument(page.bytes, page.contentType, 'html').text;
      const article = extractArticle(html, { url: options.url ?? page.url });
      if (json) printJson(article);
      else printText(formatArticle(article));
    });
}

interface Page {
  bytes: Buffer;
  contentType: string | null;
  url: string | null;
}

/**
 * The page's bytes, its Content-Type when fetched and the URL it came from. Throws `CliError`
 * when the file cannot be read or the fetch fails (the fetcher's code and URL in the message).
 */
async function readPage(source: string): Promise<Page> {
  if (/^https?:\/\//i.test(source)) return fetchPage(source);
  const raw = source === '-' ? await readStdin() : await readFileOrFail(source);
  const gzipped = raw[0] === 0x1f && raw[1] === 0x8b;
  return { bytes: gzipped ? gunzipOrFail(raw, source) : raw, contentType: null, url: null };
}

async function fetchPage(url: string): Promise<Page> {
  const { createFetcher } = await import('../ingest/fetch.ts');
  const fetcher = createFetcher();
  try {
    const outcome = await fetcher.fetch(url, { accept: 'text/html, application/xhtml+xml;q=0.9' });
    if (!outcome.ok) {
      throw new CliError(`${outcome.error.code}: ${url}: ${outcome.error.message}`, 1, {
        cause: outcome.error,
      });
    }
    return { bytes: outcome.body, contentType: outcome.contentType, url: outcome.url };
  } finally {
    await fetcher.close();
  }
}

async function readFileOrFail(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, 2, { cause: error });
  }
}

function gunzipOrFail(bytes: Buffer, source: string): Buffer {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new CliError(`${source}: not valid gzip: ${(error as Error).message}`, 2, {
      cause: error,
    });
  }
}

function formatArticle(article: ExtractedArticle): string {
  const facts = [
    ['site', article.siteName],
    ['published', article.publishedAt],
    ['author', article.author],
    ['lang', article.lang],
    ['canonical', article.canonical],
    ['method', article.method],
  ]
    .filter(([, value]) => value !== null)
    .map(([key, value]) => `${key}: ${value}`);
  return [article.title ?? '(no title)', facts.join('\n'), '', article.text].join('\n');
}
