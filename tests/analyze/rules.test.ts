import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { defaultAnalysisRules, loadAnalysisRules } from '../../src/analyze/load.ts';
import { TERM_IDS, TOPIC_IDS } from '../../src/analyze/types.ts';

const repoFeeds = path.resolve(import.meta.dirname, '../../feeds');

type Node = Record<string | number, unknown>;

/** The object at `keys` inside parsed YAML (tests edit a copy of the real rules). */
function dig(value: unknown, ...keys: Array<string | number>): Node {
  return keys.reduce<unknown>((node, key) => (node as Node)[key], value) as Node;
}

function feedsWith(file: string, change: (data: unknown) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-rules-'));
  for (const name of ['watchlist.yml', 'topics.yml', 'entities.yml']) {
    const data = parse(readFileSync(path.join(repoFeeds, name), 'utf8'));
    if (name === file) change(data);
    writeFileSync(path.join(dir, name), stringify(data));
  }
  return dir;
}

describe('analysis rules', () => {
  it('loads the repository rules wherever the process runs', () => {
    const rules = defaultAnalysisRules();
    expect(Object.keys(rules.terms)).toEqual([...TERM_IDS]);
    expect(rules.topics.map((topic) => topic.id)).toEqual([...TOPIC_IDS]);
  });

  it('names the file and the key of a wrong type', () => {
    const dir = feedsWith('topics.yml', (data) => {
      dig(data, 'topics', 'finances', 'cues', 2).weight = 'lourd';
    });
    expect(() => loadAnalysisRules(dir)).toThrow(
      /topics\.yml: topics\.finances\.cues\[2\]\.weight: .*expected number/,
    );
  });

  it('rejects a misspelt key', () => {
    const dir = feedsWith('watchlist.yml', (data) => {
      dig(data, 'terms', 'ugap').froms = ['UGAP'];
    });
    expect(() => loadAnalysisRules(dir)).toThrow(/watchlist\.yml: terms\.ugap: .*froms/);
  });

  it('rejects a prefix stem shorter than three letters', () => {
    const dir = feedsWith('topics.yml', (data) => {
      (dig(data, 'topics', 'finances', 'cues', 0).phrases as string[]).push('co*');
    });
    expect(() => loadAnalysisRules(dir)).toThrow(
      /cues\[0\]\.phrases\[\d+\]: prefix "co\*" needs at least 3 letters/,
    );
  });

  it('rejects duplicate entity ids', () => {
    const dir = feedsWith('entities.yml', (data) => {
      const entities = dig(data).entities as Node[];
      entities.push({ ...entities[0] });
    });
    expect(() => loadAnalysisRules(dir)).toThrow(
      /entities\.yml: entities\[\d+\]\.id: duplicate id/,
    );
  });
});
