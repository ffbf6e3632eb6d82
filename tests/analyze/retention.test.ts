import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const normalizeModule = fileURLToPath(new URL('../../src/analyze/normalize.ts', import.meta.url));

// Folds and tokenizes titles cut from 40 documents of 1 MB each, drops everything, collects, and
// prints how much the heap kept (MB). Its own process: it needs --expose-gc and a fresh heap.
const probe = `
const { fold, tokenize } = await import(process.argv[1]);
globalThis.gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < 40; i++) {
  const doc = 'x'.repeat(1_000_000) + ' ' + i + ' cybersécurités' + 'é'.repeat(i % 20) + i +
    ' Sécurité Numérique Souveraine ' + i;
  const title = doc.slice(doc.length - 80);
  fold(title);
  tokenize(title);
}
globalThis.gc();
process.stdout.write(String((process.memoryUsage().heapUsed - before) / 1e6));
`;

describe('the word caches of the analysis', () => {
  it('keep no document alive through a word or a title cut from it', () => {
    const run = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', probe, normalizeModule],
      { encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    // 40 MB when a cached slice keeps its document; a few hundred KB of cache entries when not.
    expect(Number(run.stdout)).toBeLessThan(10);
  });
});
