/**
 * Pairwise precision and recall of `sameStory` on our labelled pairs
 * (tests/fixtures/stories/pairs.jsonl). Items are referenced, never copied: `demo:<feed>#<slug>`
 * reads the bundled demo feeds (and the article page when the entry is a teaser), `corpus:<id>`
 * reads ../shared/corpus/dev at test time, `own:<id>` our own articles.jsonl. Corpus excerpts
 * carry no date, so they all get the same instant: for them, only text, title and actors decide.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/analyze.ts';
import { defaultAnalysisRules } from '../../src/analyze/load.ts';
import { type StoryInput, sameStory, storyKey } from '../../src/analyze/stories.ts';
import { decodeDocument } from '../../src/ingest/decode.ts';
import { extractArticle } from '../../src/ingest/extract.ts';
import { itemText, parseFeed } from '../../src/ingest/parse.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const demoDir = path.join(repoRoot, 'feeds/demo');
const corpusDir = path.join(path.resolve(repoRoot, '../shared'), 'corpus/dev');
const fixtures = path.join(repoRoot, 'tests/fixtures/stories');
const hasCorpus = existsSync(corpusDir);
const ORIGIN = 'http://127.0.0.1:8080';
const CORPUS_AT = Date.parse('2026-03-06T12:00:00Z');
const rules = defaultAnalysisRules();

interface Pair {
  a: string;
  b: string;
  same: boolean;
  why: string;
}

interface Doc {
  title: string;
  text: string;
  at: number;
}

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);
}

async function demoDocs(): Promise<Map<string, Doc>> {
  const docs = new Map<string, Doc>();
  for (const file of readdirSync(demoDir).filter((name) => /\.(xml|atom)$/.test(name))) {
    const { text } = decodeDocument(readFileSync(path.join(demoDir, file)), null, 'xml');
    const feed = await parseFeed(text.replaceAll('{{origin}}', ORIGIN), {
      fetchedAt: '2026-03-02T08:00:00.000Z',
      baseUrl: ORIGIN,
    });
    for (const item of feed.items) {
      const slug = (item.guid ?? item.url ?? '').split('/articles/')[1];
      if (!slug) continue;
      const page = path.join(demoDir, 'pages', `${slug}.html`);
      const body = existsSync(page)
        ? extractArticle(readFileSync(page, 'utf8'), { feedContentHtml: item.contentHtml }).text
        : itemText(item);
      docs.set(`demo:${file}#${slug}`, {
        title: item.title,
        text: body,
        at: Date.parse(item.publishedAt ?? ''),
      });
    }
  }
  return docs;
}

function ownDocs(): Map<string, Doc> {
  const rows = readJsonl<{ id: string; at: string; title: string; text: string }>(
    path.join(fixtures, 'articles.jsonl'),
  );
  return new Map(rows.map((row) => [`own:${row.id}`, { ...row, at: Date.parse(row.at) }]));
}

function corpusDoc(ref: string): Doc {
  const id = ref.slice('corpus:'.length);
  const item = JSON.parse(readFileSync(path.join(corpusDir, `${id}.json`), 'utf8')) as {
    title: string | null;
    text: string;
  };
  return { title: item.title ?? '', text: item.text, at: CORPUS_AT };
}

function input(id: number, doc: Doc): StoryInput {
  const analysis = analyze({ title: doc.title, text: doc.text }, rules);
  return {
    id,
    title: doc.title,
    text: `${doc.title}\n${doc.text}`,
    at: doc.at,
    entities: analysis.entities.map((e) => e.id),
    amounts: analysis.amounts.map((a) => a.eur),
  };
}

describe.skipIf(!hasCorpus)('story pairs (needs ../shared/corpus/dev for corpus: pairs)', () => {
  it('tells same-story pairs from different ones with precision ≥ 0.9 and recall ≥ 0.7', async () => {
    const pairs = readJsonl<Pair>(path.join(fixtures, 'pairs.jsonl'));
    const docs = new Map([...(await demoDocs()), ...ownDocs()]);
    const doc = (ref: string) => {
      const found = ref.startsWith('corpus:') ? corpusDoc(ref) : docs.get(ref);
      if (!found) throw new Error(`pairs.jsonl: unknown item ${ref}`);
      return found;
    };
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const mistakes: string[] = [];
    for (const pair of pairs) {
      const said = sameStory(storyKey(input(1, doc(pair.a))), storyKey(input(2, doc(pair.b))));
      if (said && pair.same) tp += 1;
      if (said && !pair.same) fp += 1;
      if (!said && pair.same) fn += 1;
      if (said !== pair.same) mistakes.push(`${pair.a} ~ ${pair.b} (${pair.why})`);
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.info(
      `story pairs: ${pairs.length} (${tp + fn} same), precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}` +
        (mistakes.length ? `\n  wrong: ${mistakes.join('\n  wrong: ')}` : ''),
    );
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.7);
  });
});

if (!hasCorpus)
  console.warn(`story pairs skipped: ${corpusDir} is absent (third-party corpus, not shipped)`);
