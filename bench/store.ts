/**
 * Case `store` and its growth rows: 100k matched articles of 3 KB text saved with
 * `saveMatchedArticle` (article, source, term hits, topics, outbox rows, FTS through triggers),
 * one transaction per feed of `FEED_ITEMS` articles as the poll cycle does, against raw
 * better-sqlite3 inserts of the same rows into the same schema with statements prepared once
 * and the same transactions. Target: ≥ 0.5 × raw and
 * ≥ 2,000 articles/s. The Vigie database is kept for the search and startup cases.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  type Analysis,
  TERM_IDS,
  type TermId,
  TOPIC_IDS,
  type TopicId,
} from '../src/analyze/types.ts';
import { contentFingerprint, type NewArticle, saveMatchedArticle } from '../src/store/articles.ts';
import { type Db, openDb } from '../src/store/db.ts';
import { syncConfiguredFeeds } from '../src/store/feeds.ts';
import { articleText, frenchArticle, seededRandom } from './french.ts';
import { type BenchOptions, type CaseResult, nowMs, round } from './harness.ts';

const BATCH = 10_000;
const RAW_COUNT = 20_000;
const BATCHED = 500;
/** Articles per transaction on both sides: a feed's worth, as the poll cycle commits them. */
const FEED_ITEMS = 50;
const FEEDS = 50;
const NOW = '2026-03-02T07:00:00.000Z';
const TERMS = TERM_IDS;
const TOPICS = TOPIC_IDS;

export interface StoredItem {
  article: NewArticle;
  feedId: number;
  itemKey: string;
}

/** The article the store sees for `serial`: 3 KB of text, one or two terms, two topics. Pure. */
function storedItem(random: () => number, serial: number): StoredItem {
  const generated = frenchArticle(random, serial, { chars: 3_000, matching: true });
  const text = articleText(generated);
  const terms =
    serial % 7 === 0 ? [TERMS[serial % 3], TERMS[(serial + 1) % 3]] : [TERMS[serial % 3]];
  const analysis: Analysis = {
    terms: (terms as TermId[]).map((id) => ({
      id,
      count: 1 + (serial % 3),
      snippets: [`${text.slice(0, 80)} ⟦${id}⟧ ${text.slice(80, 160)}`],
    })),
    topics: [TOPICS[serial % 8] as TopicId, TOPICS[(serial + 3) % 8] as TopicId].map((id, i) => ({
      id,
      score: 3 - i,
      reasons: ['qualification SecNumCloud', 'appel d’offres'],
    })),
    entities: [{ id: 'anssi', name: 'ANSSI', count: 1 }],
    amounts: [],
    deadlines: [],
  };
  const url = `https://www.example.fr/articles/${serial}.html`;
  return {
    feedId: 1 + (serial % FEEDS),
    itemKey: `g:bench-${serial}`,
    article: {
      url,
      canonicalUrl: url,
      contentHash: contentFingerprint(generated.title, text),
      title: generated.title,
      summary: text.slice(0, 200),
      text,
      textSource: 'feed',
      author: 'Rédaction',
      lang: 'fr',
      siteName: `Média ${serial % FEEDS}`,
      // Spread over two years, so `--since` filters select a part.
      publishedAt: new Date(Date.parse(NOW) - (serial % 730) * 86_400_000).toISOString(),
      analysis,
    },
  };
}

/** Items `from` … `from + count - 1`, the same ones on every call. Pure. */
export function storedItems(from: number, count: number): StoredItem[] {
  const random = seededRandom(7 + from);
  return Array.from({ length: count }, (_, i) => storedItem(random, from + i));
}

/** A fresh migrated database at `file` with the bench's feeds. */
export function openBenchDb(file: string): Db {
  const db = openDb(file);
  syncConfiguredFeeds(
    db,
    Array.from({ length: FEEDS }, (_, i) => ({
      name: `Média ${i}`,
      url: `http://127.0.0.1/feed-${i}.xml`,
    })),
    NOW,
  );
  return db;
}

function saveWithVigie(db: Db, item: StoredItem): void {
  saveMatchedArticle(
    db,
    item.article,
    {
      feedId: item.feedId,
      itemKey: item.itemKey,
      itemUrl: item.article.url,
      publishedAt: item.article.publishedAt,
    },
    { digest: true, alerts: [] },
    NOW,
  );
}

/** The anchor's rows for one article, outside any transaction. */
function rawRows(db: Db): (item: StoredItem) => void {
  const article = db.prepare(
    `INSERT INTO articles (url, canonical_url, content_hash, title, summary, text, text_source,
       author, lang, site_name, published_at, first_seen_at, analysis)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const source = db.prepare(
    'INSERT INTO article_sources (article_id, feed_id, item_url, published_at, seen_at) VALUES (?, ?, ?, ?, ?)',
  );
  const seen = db.prepare(
    'INSERT INTO seen_items (feed_id, item_key, article_id, seen_at) VALUES (?, ?, ?, ?)',
  );
  const term = db.prepare(
    'INSERT INTO term_hits (article_id, term_id, count, snippets) VALUES (?, ?, ?, ?)',
  );
  const topic = db.prepare(
    'INSERT INTO article_topics (article_id, topic_id, score, reasons) VALUES (?, ?, ?, ?)',
  );
  const outbox = db.prepare(
    'INSERT INTO outbox (kind, destination, dedup_key, article_id, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  return ({ article: a, feedId, itemKey }: StoredItem) => {
    const id = Number(
      article.run(
        a.url,
        a.canonicalUrl,
        a.contentHash,
        a.title,
        a.summary,
        a.text,
        a.textSource,
        a.author,
        a.lang,
        a.siteName,
        a.publishedAt,
        NOW,
        JSON.stringify(a.analysis),
      ).lastInsertRowid,
    );
    source.run(id, feedId, a.url, a.publishedAt, NOW);
    seen.run(feedId, itemKey, id, NOW);
    for (const hit of a.analysis.terms)
      term.run(id, hit.id, hit.count, JSON.stringify(hit.snippets));
    for (const t of a.analysis.topics) topic.run(id, t.id, t.score, JSON.stringify(t.reasons));
    outbox.run('digest-item', 'digest', `digest-item:${id}`, id, NOW);
    outbox.run('email-item', 'email', `email-item:${id}`, id, NOW);
  };
}

/** Writes a group of items in one transaction with `one` per item. */
function inTransaction(
  db: Db,
  one: (item: StoredItem) => void,
): (items: readonly StoredItem[]) => void {
  return db.transaction((items: readonly StoredItem[]) => {
    for (const item of items) one(item);
  });
}

/**
 * Saves `count` items, `group` per call of `save`, in batches of 10k generated off the clock.
 * Returns the seconds spent saving each batch.
 */
export function fillStore(
  count: number,
  save: (items: readonly StoredItem[]) => void,
  group = FEED_ITEMS,
): number[] {
  const seconds: number[] = [];
  for (let from = 0; from < count; from += BATCH) {
    const items = storedItems(from, Math.min(BATCH, count - from));
    const started = nowMs();
    for (let start = 0; start < items.length; start += group)
      save(items.slice(start, start + group));
    seconds.push((nowMs() - started) / 1000);
  }
  return seconds;
}

/** Where the Vigie store database of this run lives (reused by search and startup). */
export function benchDbPath(workDir: string): string {
  return path.join(workDir, 'store-vigie.db');
}

/** Articles in the store database for `options`. */
export function storeSize(options: BenchOptions): number {
  return options.quick ? 10_000 : 100_000;
}

/** The store database of this run, built (off the clock) when the store case did not run. */
export function ensureBenchDb(options: BenchOptions, workDir: string): string {
  const file = benchDbPath(workDir);
  if (!existsSync(file)) {
    const db = openBenchDb(file);
    fillStore(
      storeSize(options),
      inTransaction(db, (item) => saveWithVigie(db, item)),
    );
    db.close();
  }
  return file;
}

/** Runs the store case; rows: the target row, the batched anchor, growth at 10k and full size. */
export async function benchStore(options: BenchOptions, workDir: string): Promise<CaseResult[]> {
  const count = storeSize(options);
  const vigieDb = openBenchDb(benchDbPath(workDir));
  const vigie = fillStore(
    count,
    inTransaction(vigieDb, (item) => saveWithVigie(vigieDb, item)),
  );
  vigieDb.close();
  // The anchor writes the first RAW_COUNT articles only: the same database sizes as Vigie's
  // first batches, at a fraction of the wall time.
  const rawCount = Math.min(count, RAW_COUNT);
  const rawDb = openBenchDb(path.join(workDir, 'store-raw.db'));
  const raw = fillStore(rawCount, inTransaction(rawDb, rawRows(rawDb)));
  rawDb.close();
  const batchedDb = openBenchDb(path.join(workDir, 'store-raw-batched.db'));
  const batched = fillStore(BATCH, inTransaction(batchedDb, rawRows(batchedDb)), BATCHED);
  batchedDb.close();

  const total = (list: number[]) => list.reduce((sum, s) => sum + s, 0);
  const vigieRate = rawCount / total(vigie.slice(0, rawCount / BATCH));
  const rawRate = rawCount / total(raw);
  const ratio = vigieRate / rawRate;
  const overall = count / total(vigie);
  const firstRate = BATCH / (vigie[0] as number);
  const lastRate = BATCH / (vigie[vigie.length - 1] as number);
  const growth = firstRate / lastRate;
  return [
    {
      name: 'store',
      value: round(vigieRate, 0),
      unit: 'articles/s',
      target: '≥ 0.5 × raw and ≥ 2,000/s',
      ratio: round(ratio, 3),
      pass: ratio >= 0.5 && vigieRate >= 2_000,
      anchor: {
        value: round(rawRate, 0),
        unit: 'articles/s',
        what: `raw better-sqlite3, same schema, rows and transactions (${FEED_ITEMS} articles each)`,
      },
      note: `first ${rawCount} articles of 3 KB with FTS, both sides; over all ${count}: ${round(overall, 0)}/s`,
    },
    {
      name: 'store-raw-batched',
      value: round(BATCH / (batched[0] as number), 0),
      unit: 'articles/s',
      target: null,
      ratio: null,
      pass: null,
      note: `raw, same rows, ${BATCHED} articles per transaction, first 10k: a bulk loader's rate`,
    },
    {
      name: 'store@10k',
      value: round(firstRate, 0),
      unit: 'articles/s',
      target: null,
      ratio: null,
      pass: null,
      note: 'Vigie, rate over the first 10k articles (empty database)',
    },
    {
      name: `store@${count / 1000}k`,
      value: round(lastRate, 0),
      unit: 'articles/s',
      target: 'linear: cost per article ≤ 1.5 × at 10k',
      ratio: round(growth, 2),
      pass: growth <= 1.5,
      note: `Vigie, rate over the last 10k articles up to ${count}; ratio = cost per article vs the first 10k`,
    },
  ];
}
