/**
 * `vigie eval extract`: runs the extractor over `../shared/fixtures/articles` (third-party pages,
 * read in place, never copied) and scores it exactly as that folder's `score.py` does, so the
 * figures can be checked with `python3 score.py DIR` and `--metric aeb` on the `--out` files.
 * Reads files, writes `--out` files and reads the clock (for pages/s): not part of the pure core.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { load } from 'cheerio/slim';
import type { AnyNode } from 'domhandler';
import { decodeDocument } from '../ingest/decode.ts';
import { blockTexts } from '../ingest/extract/dom.ts';
import { extractArticle } from '../ingest/extract.ts';
import { decodeHtmlEntities } from '../ingest/text.ts';
import type { ExtractedArticle } from '../ingest/types.ts';

/** Where `runExtractEval` looks for the fixtures unless told otherwise. */
export const DEFAULT_ARTICLES_DIR = path.resolve(
  fileURLToPath(new URL('../..', import.meta.url)),
  '../shared/fixtures/articles',
);

const SNIPPET_SET = 'trafilatura-eval-fr';

/** Mean precision, recall and F1 over a group of pages. */
export interface Prf {
  precision: number;
  recall: number;
  f1: number;
}

/** Scores of one set (or of the French pages) under both full-text rules. */
export interface SetScores {
  name: string;
  pages: number;
  /** Word-bag overlap, mean over pages (score.py's default). */
  word: Prf;
  /** ScrapingHub's 4-token shingle rule (score.py `--metric aeb`). */
  shingle: Prf;
}

/** trafilatura's snippet rule, counts summed over the pages. */
export interface SnippetScores extends Prf {
  pages: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  accuracy: number;
}

/**
 * How often a metadata field matches the fixture's own value, on pages that give one, and on
 * those of them that carry the value (see `carriesTitle`, `carriesDay`): a page cannot be asked
 * for a title or a date it does not state anywhere.
 */
export interface MetadataCheck {
  checked: number;
  right: number;
  /** Ids of the pages where it did not match, for inspection. */
  wrong: string[];
  /** The same counts on the pages that carry the expected value. */
  carried: { checked: number; right: number };
  /** Ids of the pages that do not carry it (not counted in `carried`). */
  notCarried: string[];
}

/** Everything `vigie eval extract` prints. */
export interface ExtractEvalReport {
  dir: string;
  sets: SetScores[];
  /** All `lang=fr` pages of the scored sets, or null when none was scored. */
  french: SetScores | null;
  snippets: SnippetScores | null;
  metadata: {
    /** Same title as the fixture's, or the same once a separated segment (site, tagline) is cut. */
    title: MetadataCheck;
    /** Same title as the fixture's, word for word. */
    titleExact: MetadataCheck;

    canonical: MetadataCheck;
    /** Pages whose URL carries a date (/2024/05/12/): our publishedAt on that day (±1, zones). */
    publishedUrl: MetadataCheck;
    /** Pages whose expected text has a dateline (see `datelineOf`): our publishedAt that day (±1). */
    publishedText: MetadataCheck;
    /** Pages with either: checked against the dateline when there is one, else the URL date. */
    published: MetadataCheck;
  };
  methods: Record<string, number>;
  /** Extraction alone (no file reading, gunzip or decoding), all scored pages. */
  pagesPerSecond: number;
}

interface IndexEntry {
  id: string;
  source_set: string;
  lang: string | null;
  html_file: string;
  expected_file: string;
  title: string | null;
  url: string | null;
}

interface SnippetEntry {
  id: string;
  html_file: string;
  url: string | null;
  with: string[];
  without: string[];
}

/** A page's text: its charset sniffed as polling does (BOM, meta, UTF-8, windows-1252). */
const decode = (bytes: Buffer): string => decodeDocument(bytes, null, 'html').text;

/**
 * Extracts every page of the fixture index (or of one set with `set`), writes `out/<id>.txt`
 * when `out` is given, and returns the scores. Throws `ExtractEvalError` (code
 * `EVAL_FIXTURES_MISSING`) when `dir` (default `../shared/fixtures/articles`) has no INDEX.jsonl.
 * `json` is accepted for the CLI's sake and changes nothing here.
 */
export async function runExtractEval(
  opts: { set?: string; out?: string; json?: boolean; dir?: string } = {},
): Promise<ExtractEvalReport> {
  const dir = path.resolve(opts.dir ?? DEFAULT_ARTICLES_DIR);
  const indexPath = path.join(dir, 'INDEX.jsonl');
  if (!existsSync(indexPath)) {
    throw new ExtractEvalError('EVAL_FIXTURES_MISSING', dir, `no INDEX.jsonl in ${dir}`);
  }
  if (opts.out) mkdirSync(opts.out, { recursive: true });
  const wanted = (name: string): boolean => opts.set === undefined || opts.set === name;
  const entries = readJsonl<IndexEntry>(indexPath).filter((entry) => wanted(entry.source_set));
  const snippetPath = path.join(dir, SNIPPET_SET, 'snippets.jsonl');
  const snippetEntries =
    wanted(SNIPPET_SET) && existsSync(snippetPath) ? readJsonl<SnippetEntry>(snippetPath) : [];

  let extractMs = 0;
  const methods: Record<string, number> = {};
  const extract = (file: string, url: string | null, id: string) => {
    const html = decode(gunzipSync(readFileSync(path.join(dir, file))));
    const started = performance.now();
    const article = extractArticle(html, { url });
    extractMs += performance.now() - started;
    methods[article.method] = (methods[article.method] ?? 0) + 1;
    if (opts.out) writeFileSync(path.join(opts.out, `${id}.txt`), article.text);
    return { article, html };
  };

  const rows = new Map<string, Array<{ word: Prf; shingle: Counts; fr: boolean }>>();
  const metadata = {
    title: newCheck(),
    titleExact: newCheck(),
    canonical: newCheck(),
    publishedUrl: newCheck(),
    publishedText: newCheck(),
    published: newCheck(),
  };
  for (const entry of entries) {
    const { article, html } = extract(entry.html_file, entry.url, entry.id);
    const expected = readFileSync(path.join(dir, entry.expected_file), 'utf8');
    const setRows = rows.get(entry.source_set) ?? [];
    setRows.push({
      word: wordScores(article.text, expected),
      shingle: shingleCounts(article.text, expected),
      fr: entry.lang === 'fr',
    });
    rows.set(entry.source_set, setRows);
    checkMetadata(metadata, entry, article, expected, pageEvidence(html));
  }

  const counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const entry of snippetEntries) {
    const text = normalizeSpaces(extract(entry.html_file, entry.url, entry.id).article.text);
    for (const snippet of entry.with) {
      if (text.includes(normalizeSpaces(snippet))) counts.tp++;
      else counts.fn++;
    }
    for (const snippet of entry.without) {
      if (text.includes(normalizeSpaces(snippet))) counts.fp++;
      else counts.tn++;
    }
  }

  const sets = [...rows.keys()].sort().map((name) => summarize(name, rows.get(name) ?? []));
  const frenchRows = [...rows.values()].flat().filter((row) => row.fr);
  const pages = entries.length + snippetEntries.length;
  return {
    dir,
    sets,
    french: frenchRows.length > 0 ? summarize('French (lang=fr)', frenchRows) : null,
    snippets: snippetEntries.length > 0 ? snippetScores(counts, snippetEntries.length) : null,
    metadata,
    methods,
    pagesPerSecond: extractMs > 0 ? (pages * 1000) / extractMs : 0,
  };
}

/** A failure of the evaluation run itself (not of a page), with a stable `code`. */
export class ExtractEvalError extends Error {
  constructor(
    readonly code: 'EVAL_FIXTURES_MISSING',
    readonly dir: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExtractEvalError';
  }
}

/** The report as the aligned table `vigie eval extract` prints. Pure. */
export function formatExtractReport(report: ExtractEvalReport): string {
  const f = (value: number): string => value.toFixed(4);
  const header = `${'set'.padEnd(22)} ${'pages'.padStart(5)}  ${'word P'.padStart(7)} ${'word R'.padStart(7)} ${'word F1'.padStart(7)}  ${'shingle P'.padStart(9)} ${'R'.padStart(7)} ${'F1'.padStart(7)}`;
  const line = (s: SetScores): string =>
    `${s.name.padEnd(22)} ${String(s.pages).padStart(5)}  ${f(s.word.precision).padStart(7)} ${f(s.word.recall).padStart(7)} ${f(s.word.f1).padStart(7)}  ${f(s.shingle.precision).padStart(9)} ${f(s.shingle.recall).padStart(7)} ${f(s.shingle.f1).padStart(7)}`;
  const lines = [`fixtures: ${report.dir}`, header];
  for (const set of report.sets) lines.push(line(set));
  if (report.french) lines.push(line(report.french));
  const s = report.snippets;
  if (s) {
    lines.push(
      `snippets ${SNIPPET_SET}: pages ${s.pages}, P ${f(s.precision)}, R ${f(s.recall)}, accuracy ${f(s.accuracy)}, F1 ${f(s.f1)} (TP ${s.tp}, FP ${s.fp}, FN ${s.fn}, TN ${s.tn})`,
    );
  }
  lines.push(...metadataLines(report.metadata));
  const methods = Object.entries(report.methods)
    .map(([method, n]) => `${method} ${n}`)
    .join(', ');
  lines.push(
    `methods: ${methods}; speed ${report.pagesPerSecond.toFixed(1)} pages/s (extraction only)`,
  );
  return lines.join('\n');
}

/**
 * Four lines: title, canonical and publication-date checks on every page that gives a reference,
 * then on the pages that carry it (the target applies to those).
 */
function metadataLines(m: ExtractEvalReport['metadata']): string[] {
  const share = (right: number, checked: number): string =>
    checked === 0 ? 'n/a' : `${right}/${checked} (${((100 * right) / checked).toFixed(1)} %)`;
  const all = (c: MetadataCheck): string => share(c.right, c.checked);
  const carried = (c: MetadataCheck): string => share(c.carried.right, c.carried.checked);
  const titles = (f: (c: MetadataCheck) => string): string =>
    `title ${f(m.title)} (word for word ${f(m.titleExact)}), canonical ${f(m.canonical)}`;
  const dates = (f: (c: MetadataCheck) => string): string =>
    `URL date ${f(m.publishedUrl)}, dateline of the text ${f(m.publishedText)}, either ${f(m.published)}`;
  return [
    `metadata: ${titles(all)}`,
    `metadata, pages that carry it: ${titles(carried)}`,
    `published: ${dates(all)}`,
    `published, pages that carry it: ${dates(carried)}`,
  ];
}

/** score.py's tokens: `\w+` on the NFC, lower-cased text. Pure. */
export function wordTokens(text: string): string[] {
  return (
    text
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{N}_]+/gu) ?? []
  );
}

/** Per-page word-bag precision, recall and F1, as score.py's `word_prf`. Pure. */
export function wordScores(predicted: string, expected: string): Prf {
  const pred = wordTokens(predicted);
  const truth = wordTokens(expected);
  if (pred.length === 0 && truth.length === 0) return { precision: 1, recall: 1, f1: 1 };
  if (pred.length === 0 || truth.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const bag = countOf(truth);
  let overlap = 0;
  for (const token of pred) {
    const left = bag.get(token) ?? 0;
    if (left > 0) {
      overlap++;
      bag.set(token, left - 1);
    }
  }
  const precision = overlap / pred.length;
  const recall = overlap / truth.length;
  return {
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
  };
}

/** Normalised true-positive, false-positive and false-negative shares of one page. */
export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

/** Per-page 4-shingle counts, as score.py's `aeb_counts` (case-sensitive, no NFC). Pure. */
export function shingleCounts(predicted: string, expected: string): Counts {
  const truth = shingles(expected);
  const pred = shingles(predicted);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [key, t] of truth) {
    const p = pred.get(key) ?? 0;
    tp += Math.min(t, p);
    fn += Math.max(0, t - p);
  }
  for (const [key, p] of pred) fp += Math.max(0, p - (truth.get(key) ?? 0));
  const sum = tp + fp + fn;
  return sum > 0 ? { tp: tp / sum, fp: fp / sum, fn: fn / sum } : { tp, fp, fn };
}

function shingles(text: string, n = 4): Map<string, number> {
  const tokens = text.match(/[\p{L}\p{N}_]+/gu) ?? [];
  const out = new Map<string, number>();
  const last = Math.max(1, tokens.length - n + 1);
  for (let i = 0; i < last && i < tokens.length; i++) {
    const key = tokens.slice(i, i + n).join('\u0000');
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** Mean P and R over the pages where each is defined, F1 of those means (`aeb_summary`). Pure. */
export function shingleSummary(rows: Counts[]): Prf {
  const precisions: number[] = [];
  const recalls: number[] = [];
  for (const { tp, fp, fn } of rows) {
    const perfect = fp === 0 && fn === 0;
    if (tp + fp > 0) precisions.push(perfect ? 1 : tp / (tp + fp));
    if (tp + fn > 0) recalls.push(perfect ? 1 : tp / (tp + fn));
  }
  const precision = mean(precisions);
  const recall = mean(recalls);
  return {
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
  };
}

function summarize(name: string, rows: Array<{ word: Prf; shingle: Counts }>): SetScores {
  return {
    name,
    pages: rows.length,
    word: {
      precision: mean(rows.map((row) => row.word.precision)),
      recall: mean(rows.map((row) => row.word.recall)),
      f1: mean(rows.map((row) => row.word.f1)),
    },
    shingle: shingleSummary(rows.map((row) => row.shingle)),
  };
}

function snippetScores(
  c: { tp: number; fp: number; fn: number; tn: number },
  pages: number,
): SnippetScores {
  const all = c.tp + c.fp + c.fn + c.tn;
  return {
    pages,
    ...c,
    precision: c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0,
    recall: c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0,
    accuracy: all > 0 ? (c.tp + c.tn) / all : 0,
    f1: 2 * c.tp + c.fp + c.fn > 0 ? (2 * c.tp) / (2 * c.tp + c.fp + c.fn) : 0,
  };
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function countOf(tokens: string[]): Map<string, number> {
  const bag = new Map<string, number>();
  for (const token of tokens) bag.set(token, (bag.get(token) ?? 0) + 1);
  return bag;
}

function normalizeSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function newCheck(): MetadataCheck {
  return { checked: 0, right: 0, wrong: [], carried: { checked: 0, right: 0 }, notCarried: [] };
}

/** Counts one page: `right` when our value matches, `carried` when the page states the value. */
function tally(check: MetadataCheck, id: string, right: boolean, carried: boolean): void {
  check.checked++;
  if (right) check.right++;
  else check.wrong.push(id);
  if (!carried) {
    check.notCarried.push(id);
    return;
  }
  check.carried.checked++;
  if (right) check.carried.right++;
}

/** Checks one page's title, canonical URL and publication date against what the fixture gives. */
function checkMetadata(
  checks: ExtractEvalReport['metadata'],
  entry: IndexEntry,
  article: ExtractedArticle,
  expectedText: string,
  evidence: PageEvidence,
): void {
  if (entry.title !== null) {
    const carried = carriesTitle(evidence, entry.title);
    tally(checks.title, entry.id, sameTitleBut(article.title, entry.title), carried);
    tally(checks.titleExact, entry.id, sameTitle(article.title, entry.title), carried);
  }
  // Only this set's `url` is the page's own canonical/og:url (the others give the fetch URL).
  if (entry.source_set === 'mozilla-readability' && entry.url !== null) {
    tally(
      checks.canonical,
      entry.id,
      sameUrl(article.canonical, entry.url),
      carriesUrl(evidence, entry.url),
    );
  }
  const fromUrl = entry.url === null ? null : urlDate(entry.url);
  const dateline = datelineOf(expectedText);
  const checkDay = (check: MetadataCheck, expected: Day): void =>
    tally(check, entry.id, sameDay(article.publishedAt, expected), carriesDay(evidence, expected));
  if (fromUrl !== null) checkDay(checks.publishedUrl, fromUrl);
  if (dateline !== null) checkDay(checks.publishedText, dateline);
  // What the page shows a reader comes first; a URL's date may be a section's or an update's.
  const reference = dateline ?? fromUrl;
  if (reference !== null) checkDay(checks.published, reference);
}

/** Same words in the same order, ignoring case, punctuation and spacing. */
function sameTitle(actual: string | null, expected: string): boolean {
  return actual !== null && wordTokens(actual).join(' ') === wordTokens(expected).join(' ');
}

/** Between a headline and a site name or tagline: " | ", " - ", " — ", " :: ", "_", " · ". */
const TITLE_SEPARATOR = /\s+(?:[|–—·»~-]|::)\s+|\s*[_｜]\s*/;

/**
 * The same title, or the same once one leading or trailing segment cut off by a separator is
 * removed from either ("How to Build a Terrarium | eHow" and "How to Build a Terrarium"). Fixture
 * titles are sometimes the `<title>` with the site's name, sometimes the headline alone.
 */
function sameTitleBut(actual: string | null, expected: string): boolean {
  if (actual === null) return false;
  const variants = (title: string): Set<string> => {
    const parts = title.split(TITLE_SEPARATOR);
    const out = new Set([title]);
    if (parts.length > 1) {
      out.add(parts.slice(1).join(' '));
      out.add(parts.slice(0, -1).join(' '));
    }
    return new Set([...out].map((variant) => wordTokens(variant).join(' ')));
  };
  const key = (title: string): string => wordTokens(title).join(' ');
  return variants(expected).has(key(actual)) || variants(actual).has(key(expected));
}

/**
 * What a page states about itself, as strings: its `<title>`, every `<meta content>`, every
 * `<time datetime>`, the string values of its JSON-LD and its visible text, block by block (all
 * decoded once more, for pages that encode entities twice). `words` is the same as one line of
 * lower-cased word tokens, pieces kept apart, for phrase lookups.
 */
interface PageEvidence {
  texts: string[];
  words: string;
  /** `<link rel=canonical>` targets, besides the texts (og:url is a meta value). */
  links: string[];
}

/** Elements whose text a reader never sees. */
const UNSEEN = new Set(['script', 'style', 'noscript', 'template']);

function pageEvidence(html: string): PageEvidence {
  const $ = load(html);
  const texts: string[] = [$('title').first().text()];
  $('meta[content]').each((_, element) => {
    texts.push($(element).attr('content') ?? '');
  });
  $('time[datetime]').each((_, element) => {
    texts.push($(element).attr('datetime') ?? '');
  });
  $('script[type*="ld+json"]').each((_, element) => {
    texts.push(...jsonStrings(parseJson($(element).text())));
  });
  const root = $.root()[0] as AnyNode;
  texts.push(...blockTexts(root, (element) => !UNSEEN.has(element.name)));
  const decoded = texts.map(decodeHtmlEntities).filter((text) => text.trim() !== '');
  const words = phraseLine(decoded);
  const links = $('link[rel~="canonical"][href]')
    .map((_, element) => $(element).attr('href') ?? '')
    .get();
  return { texts: decoded, words, links };
}

/** Word tokens of each text on one line, texts kept apart, for `includes` of a phrase. */
function phraseLine(texts: string[]): string {
  return ` ${texts.map((text) => wordTokens(text).join(' ')).join(' | ')} `;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Every string inside a parsed JSON value. */
function jsonStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(jsonStrings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(jsonStrings);
  return [];
}

/**
 * The page carries the title when the expected title's words, in order and contiguous, are one
 * stretch of its title, a meta value, a JSON-LD string or its visible text (case, punctuation and
 * spacing aside). A fixture title found nowhere in the page (rewritten by the annotator, or from
 * another version of the page) cannot be extracted, only guessed.
 */
function carriesTitle(evidence: PageEvidence, title: string): boolean {
  const key = wordTokens(title).join(' ');
  return key !== '' && evidence.words.includes(` ${key} `);
}

/** The page names the URL as its own: a canonical link, og:url or a JSON-LD url, relative or not. */
function carriesUrl(evidence: PageEvidence, url: string): boolean {
  return [...evidence.links, ...evidence.texts].some((candidate) => {
    const href = candidate.trim();
    if (!/^(?:https?:)?\/\/|^\/\w/i.test(href) || !URL.canParse(href, url)) return false;
    return sameUrl(new URL(href, url).href, url);
  });
}

/**
 * The page carries a publication day when it states that day (give or take one, for time zones)
 * in a machine-readable value (meta, `<time datetime>`, JSON-LD) or its visible text, in any of
 * the forms of `datesIn`; a reference without a day is carried by any date of that month. A date
 * inside a URL (og:url, an image's path) is the reference itself, not a statement: left out.
 */
function carriesDay(evidence: PageEvidence, expected: Day): boolean {
  return evidence.texts.some((text) =>
    datesIn(text.replace(URL_LIKE, ' ')).some((found) => nearDay(found, expected)),
  );
}

const URL_LIKE = /(?:[a-z][a-z0-9+.-]*:)?\/\/\S*|(?:^|\s)\/\S*/gi;

/** Same month when `expected` has no day; else the same day give or take one. */
function nearDay(found: Day, expected: Day): boolean {
  if (expected.day === null) return found.year === expected.year && found.month === expected.month;
  if (found.day === null) return false;
  const gap = Date.UTC(found.year, found.month - 1, found.day);
  return Math.abs(gap - Date.UTC(expected.year, expected.month - 1, expected.day)) <= 86_400_000;
}

const YEAR = '((?:19|20)\\d\\d)';
/** 2015-02-26, 2015/02/26, and 2015-02-26T07:11:00Z (where `\b` would not end the day). */
const ISO_DATE = new RegExp(`\\b${YEAR}[-/.](\\d\\d?)[-/.](\\d\\d?)(?!\\d)`, 'g');
/** 26/02/2015, 2/26/2015, 26.02.2015: read both ways, day first and month first. */
const NUMERIC_DATE = new RegExp(`\\b(\\d\\d?)[-/.](\\d\\d?)[-/.]${YEAR}\\b`, 'g');
const DAY_MONTH_YEAR = new RegExp(
  `\\b(\\d{1,2})(?:er)?\\s+(\\p{L}{3,9})\\.?,?\\s+${YEAR}\\b`,
  'gu',
);
const MONTH_DAY_YEAR = new RegExp(
  `(\\p{L}{3,9})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+${YEAR}\\b`,
  'gu',
);
const MONTH_YEAR = new RegExp(`(\\p{L}{3,9})\\.?,?\\s+${YEAR}\\b`, 'gu');

/** Every date a string writes: ISO, numeric, day-month-year and month-day-year in English or French, and month-year (no day). */
function datesIn(text: string): Day[] {
  const found: Array<Day | null> = [];
  const month = (name: string | undefined): string =>
    String(MONTHS[name?.toLowerCase() ?? ''] ?? 0);
  for (const m of text.matchAll(ISO_DATE)) found.push(day(m[1], m[2], m[3]));
  for (const m of text.matchAll(NUMERIC_DATE)) {
    found.push(day(m[3], m[2], m[1]), day(m[3], m[1], m[2]));
  }
  for (const m of text.matchAll(DAY_MONTH_YEAR)) found.push(day(m[3], month(m[2]), m[1]));
  for (const m of text.matchAll(MONTH_DAY_YEAR)) found.push(day(m[3], month(m[1]), m[2]));
  for (const m of text.matchAll(MONTH_YEAR)) found.push(day(m[2], month(m[1]), undefined));
  return found.filter((value): value is Day => value !== null);
}

/** A calendar day, or a month when the source gives no day. */
interface Day {
  year: number;
  month: number;
  day: number | null;
}

/** The date in a URL's path: /2024/05/12/, /2024-05-12-, or /2024/05/ alone. */
function urlDate(url: string): Day | null {
  const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/[?#].*$/, '');
  const full = /\/((?:19|20)\d\d)[/-](\d\d)[/-](\d\d)(?:[/-]|\.html?|$)/.exec(path);
  if (full) return day(full[1], full[2], full[3]);
  const month = /\/((?:19|20)\d\d)\/(\d\d)\//.exec(path);
  return month ? day(month[1], month[2], undefined) : null;
}

const MONTHS: Record<string, number> = Object.fromEntries(
  [
    ['jan', 'january', 'janvier', 'janv'],
    ['feb', 'february', 'février', 'fevrier', 'févr'],
    ['mar', 'march', 'mars'],
    ['apr', 'april', 'avril', 'avr'],
    ['may', 'mai'],
    ['jun', 'june', 'juin'],
    ['jul', 'july', 'juillet', 'juil'],
    ['aug', 'august', 'août', 'aout'],
    ['sep', 'sept', 'september', 'septembre'],
    ['oct', 'october', 'octobre'],
    ['nov', 'november', 'novembre'],
    ['dec', 'december', 'décembre', 'decembre', 'déc'],
  ].flatMap((names, index) => names.map((name) => [name, index + 1])),
);

/**
 * The dateline of an expected text: a line among its first three that opens with a date, perhaps
 * after a weekday or "Published on" ("Tuesday 15 October 2019 by …", "12 Nov 2025", "Feb. 23,
 * 2015 -- Text"). A date further into a line, or one that a sentence goes on from ("On July 4,
 * 2025, the law…"), is as often an event's as the article's, so it is not used; nor is a date
 * under an "Updates" line.
 */
function datelineOf(text: string): Day | null {
  for (const line of text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 3)) {
    if (UPDATE_WORDS.test(line)) return null;
    const found = firstDate(line);
    if (found === null) continue;
    const before =
      line
        .slice(0, found.at)
        .toLowerCase()
        .match(/\p{L}+/gu) ?? [];
    const after = line.slice(found.end);
    if (before.every((word) => DATELINE_WORDS.has(word)) && endsDateline(after)) return found.day;
  }
  return null;
}

const UPDATE_WORDS = /updat|modifi|mis à jour|mise à jour/i;

/**
 * What may follow a dateline's date: nothing much (a time, a zone, a few words), or a separator
 * or byline word before the text ("-- ", "| ", "by ", "par ").
 */
function endsDateline(after: string): boolean {
  const rest = after.replace(/^[\s,.]+/, '');
  if (/^(?:[—–|·•:]|--?\s|by\b|par\b|at\b|à\b|\d)/i.test(rest)) return true;
  return (rest.match(/\p{L}+/gu) ?? []).length <= 6;
}

/** Words that may open a dateline: an update date or a founding date is not a publication's. */
const DATELINE_WORDS = new Set(
  'published posted on by le publié mis en ligne monday tuesday wednesday thursday friday saturday sunday lundi mardi mercredi jeudi vendredi samedi dimanche'.split(
    ' ',
  ),
);

/** The first full date of a line and where it starts. */
function firstDate(text: string): { day: Day | null; at: number; end: number } | null {
  const iso = /\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b/.exec(text);
  const dayFirst = /\b(\d{1,2})(?:er)? ([a-zéû]{3,9})\.? ((?:19|20)\d\d)\b/i.exec(text);
  const monthFirst = /\b([a-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? ((?:19|20)\d\d)\b/i.exec(text);
  const found: Array<{ at: number; end: number; value: Day | null }> = [];
  const at = (m: RegExpExecArray) => ({ at: m.index, end: m.index + m[0].length });
  if (iso) found.push({ ...at(iso), value: day(iso[1], iso[2], iso[3]) });
  if (dayFirst) {
    const month = MONTHS[dayFirst[2]?.toLowerCase() ?? ''];
    if (month) found.push({ ...at(dayFirst), value: day(dayFirst[3], String(month), dayFirst[1]) });
  }
  if (monthFirst) {
    const month = MONTHS[monthFirst[1]?.toLowerCase() ?? ''];
    if (month) {
      found.push({ ...at(monthFirst), value: day(monthFirst[3], String(month), monthFirst[2]) });
    }
  }
  found.sort((a, b) => a.at - b.at);
  const first = found[0];
  if (first === undefined) return null;
  return { day: first.value, at: first.at, end: first.end };
}

function day(
  year: string | undefined,
  month: string | undefined,
  date: string | undefined,
): Day | null {
  const [y, m] = [Number(year), Number(month)];
  const d = date === undefined ? null : Number(date);
  if (!(m >= 1 && m <= 12) || (d !== null && !(d >= 1 && d <= 31))) return null;
  return { year: y, month: m, day: d };
}

/** Our instant falls on that day, give or take one for time zones (or in that month). */
function sameDay(instant: string | null, expected: Day): boolean {
  if (instant === null) return false;
  const ours = new Date(instant);
  if (expected.day === null) {
    return ours.getUTCFullYear() === expected.year && ours.getUTCMonth() + 1 === expected.month;
  }
  const target = Date.UTC(expected.year, expected.month - 1, expected.day);
  const midnight = Date.UTC(ours.getUTCFullYear(), ours.getUTCMonth(), ours.getUTCDate());
  return Math.abs(midnight - target) <= 86_400_000;
}

/** Same resource: scheme, `www.` and a trailing slash aside. */
function sameUrl(actual: string | null, expected: string): boolean {
  const key = (url: string): string =>
    url
      .replace(/^https?:\/\/(?:www\.)?/i, '')
      .replace(/\/$/, '')
      .toLowerCase();
  return actual !== null && key(actual) === key(expected);
}

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}
