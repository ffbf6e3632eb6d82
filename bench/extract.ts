/**
 * Case `extract`: `extractArticle` on the 181 ScrapingHub article pages of
 * ../shared/fixtures/articles/scrapinghub-aeb (read in place, never copied), against raw
 * `cheerio.load` of the same strings. One core, pages/s. Target: ≥ 0.5 × raw.
 *
 * The anchor is `load` from `cheerio/slim` (htmlparser2), the parser Vigie's extractor uses: the
 * default `cheerio` entry parses with parse5, about three times slower on these pages, and would
 * flatter Vigie.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { load } from 'cheerio/slim';
import { extractArticle } from '../src/ingest/extract.ts';
import {
  type BenchOptions,
  type CaseResult,
  median,
  rateRow,
  sharedDir,
  sharedExists,
  timeRuns,
} from './harness.ts';

const SET = 'fixtures/articles/scrapinghub-aeb';

/** Runs the extract case, or returns an informative row saying why it was skipped. */
export async function benchExtract(options: BenchOptions): Promise<CaseResult[]> {
  if (!sharedExists(SET))
    return [
      {
        name: 'extract',
        value: 0,
        unit: 'pages/s',
        target: '≥ 0.5 × raw cheerio/slim load',
        ratio: null,
        pass: null,
        note: `skipped: ${path.join(sharedDir, SET)} is absent (third-party pages are not shipped)`,
      },
    ];
  const dir = path.join(sharedDir, SET);
  const pages = readdirSync(dir)
    .filter((file) => file.endsWith('.html.gz'))
    .sort()
    .map((file) => zlib.gunzipSync(readFileSync(path.join(dir, file))).toString('utf8'));
  const runs = options.quick ? 1 : 3;
  const vigieAll = () => {
    for (const html of pages) extractArticle(html, { url: 'https://www.example.org/article' });
  };
  const rawAll = () => {
    for (const html of pages) load(html);
  };
  vigieAll();
  rawAll();
  const vigieTimes: number[] = [];
  const rawTimes: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    vigieTimes.push(...(await timeRuns(1, vigieAll)));
    rawTimes.push(...(await timeRuns(1, rawAll)));
  }
  const megabytes = pages.reduce((sum, html) => sum + Buffer.byteLength(html), 0) / 1e6;
  const row = rateRow(
    'extract',
    pages.length / (median(vigieTimes) / 1000),
    pages.length / (median(rawTimes) / 1000),
    'pages/s',
    0.5,
    'raw cheerio/slim load',
  );
  row.note = `${pages.length} pages, ${megabytes.toFixed(1)} MB, one core, median of ${runs}`;
  return [row];
}
