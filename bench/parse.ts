/**
 * Case `parse`: decode + parse + normalize a 5,000-item RSS file and a 5,000-entry Atom file
 * (`decodeDocument` then `parseFeed`), against raw `rss-parser.parseString` on the same text.
 * Target: ≥ 0.8 × raw items/s.
 */
import Parser from 'rss-parser';
import { decodeDocument } from '../src/ingest/decode.ts';
import { parseFeed } from '../src/ingest/parse.ts';
import { atomFeed, rssFeed } from '../tests/support/feed-builder.ts';
import { benchItems } from './feeds.ts';
import { type BenchOptions, type CaseResult, median, rateRow, timeRuns } from './harness.ts';

const ITEMS = 5_000;
const ORIGIN = 'http://127.0.0.1';

/** Runs the parse case on both formats; returns one row per format. */
export async function benchParse(options: BenchOptions): Promise<CaseResult[]> {
  const items = options.quick ? 1_000 : ITEMS;
  const runs = options.quick ? 2 : 5;
  const built = {
    title: 'Média de référence',
    link: `${ORIGIN}/`,
    items: benchItems(0, items, ORIGIN),
  };
  const documents = [
    {
      name: 'parse-rss',
      bytes: Buffer.from(rssFeed(built)),
      type: 'application/rss+xml; charset=utf-8',
    },
    { name: 'parse-atom', bytes: Buffer.from(atomFeed(built)), type: 'application/atom+xml' },
  ];
  const raw = new Parser();
  const rows: CaseResult[] = [];
  for (const document of documents) {
    const vigieOnce = async () => {
      const { text } = decodeDocument(document.bytes, document.type, 'xml');
      const parsed = await parseFeed(text, { fetchedAt: '2026-03-02T08:00:00Z', baseUrl: ORIGIN });
      if (parsed.items.length !== items)
        throw new Error(`${document.name}: ${parsed.items.length} items`);
    };
    // The raw anchor gets the text already decoded: rss-parser does no charset work at all.
    const text = document.bytes.toString('utf8');
    const rawOnce = async () => {
      const parsed = await raw.parseString(text);
      if (parsed.items.length !== items)
        throw new Error(`${document.name}: raw ${parsed.items.length}`);
    };
    await vigieOnce();
    await rawOnce();
    const vigieTimes: number[] = [];
    const rawTimes: number[] = [];
    // Interleaved, so a burst of load from elsewhere hits both sides alike.
    for (let i = 0; i < runs; i += 1) {
      vigieTimes.push(...(await timeRuns(1, vigieOnce)));
      rawTimes.push(...(await timeRuns(1, rawOnce)));
    }
    const row = rateRow(
      document.name,
      items / (median(vigieTimes) / 1000),
      items / (median(rawTimes) / 1000),
      'items/s',
      0.8,
      'raw rss-parser.parseString',
    );
    row.note = `${items} items, ${(document.bytes.length / 1e6).toFixed(1)} MB, median of ${runs}`;
    rows.push(row);
  }
  return rows;
}
