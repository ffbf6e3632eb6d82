/**
 * The 26 real feeds of ../shared/fixtures/feeds, each served from the loopback feed server with
 * its MANIFEST content_type exactly as written, fetched, decoded and parsed as polling does.
 * The manifest gives format, item count and first title; for every other title we check what a
 * reader would see as wrong: mojibake, U+FFFD, an undecoded entity, edge whitespace.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDocument } from '../../src/ingest/decode.ts';
import { createFetcher } from '../../src/ingest/fetch.ts';
import { parseFeed } from '../../src/ingest/parse.ts';
import { type FeedServer, startFeedServer } from '../support/feed-server.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const feedsDir = path.resolve(repoRoot, '../shared/fixtures/feeds');
const manifestPath = path.join(feedsDir, 'MANIFEST.tsv');
const present = existsSync(manifestPath);

interface ManifestRow {
  file: string;
  format: string;
  contentType: string;
  items: number;
  firstTitle: string;
}

function manifestRows(): ManifestRow[] {
  if (!present) return [];
  const [header, ...lines] = readFileSync(manifestPath, 'utf8').trimEnd().split('\n');
  const columns = (header ?? '').split('\t');
  const at = (cells: string[], name: string) => cells[columns.indexOf(name)] ?? '';
  return lines.map((line) => {
    const cells = line.split('\t');
    return {
      file: at(cells, 'file'),
      format: at(cells, 'format'),
      contentType: at(cells, 'content_type'),
      items: Number(at(cells, 'items')),
      firstTitle: at(cells, 'first_title'),
    };
  });
}

// What a wrong title looks like: UTF-8 read as windows-1252 (Ã©, â€™, Â), U+FFFD, an entity
// left encoded, a C1 control (0x92 read as Latin-1), or whitespace at either end.
function titleFaults(title: string): string[] {
  const faults: string[] = [];
  if (/Ã[\u0080-\u00ff]|â€|Â[\u00a0-\u00bf]/.test(title)) faults.push('mojibake');
  if (title.includes('\uFFFD')) faults.push('U+FFFD');
  if (/&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);/.test(title)) faults.push('entity');
  if (/[\u0080-\u009f]/.test(title)) faults.push('C1 control');
  if (title !== title.trim()) faults.push('edge whitespace');
  if (title !== title.normalize('NFC')) faults.push('not NFC');
  return faults;
}

const suiteName = present
  ? 'the 26 real feeds of ../shared/fixtures/feeds'
  : `the real feeds: skipped, ${manifestPath} not found (third-party data lives outside the repo)`;

describe.skipIf(!present)(suiteName, () => {
  const rows = manifestRows();
  let server: FeedServer;
  const fetcher = createFetcher();

  beforeAll(async () => {
    server = await startFeedServer();
    for (const row of rows) {
      server.set(`/${row.file}`, {
        body: readFileSync(path.join(feedsDir, row.file)),
        // An empty column means no Content-Type header at all.
        ...(row.contentType ? { contentType: row.contentType } : {}),
      });
    }
  });

  afterAll(async () => {
    await fetcher.close();
    await server.close();
  });

  it('lists 26 feeds', () => {
    expect(rows).toHaveLength(26);
  });

  it.each(rows.map((row) => [row.file, row] as const))(
    '%s: format, item count, first title and every title right',
    async (_file, row) => {
      const outcome = await fetcher.fetch(server.url(`/${row.file}`));
      if (!outcome.ok) throw outcome.error;
      expect(outcome.contentType).toBe(row.contentType || null);
      const { text } = decodeDocument(outcome.body, outcome.contentType, 'xml');
      const feed = await parseFeed(text, {
        fetchedAt: '2026-03-02T07:00:00.000Z',
        baseUrl: outcome.url,
      });
      expect(feed.format).toBe(row.format);
      expect(feed.items).toHaveLength(row.items);
      expect(feed.items[0]?.title).toBe(row.firstTitle);
      const wrong = feed.items
        .map((item) => ({ title: item.title, faults: titleFaults(item.title) }))
        .filter((entry) => entry.faults.length > 0);
      expect(wrong).toEqual([]);
    },
  );
});
