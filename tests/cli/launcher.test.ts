import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildIsFresh } from '../../bin/fresh-build.js';

describe('the launcher runs dist/ only when it is newer than every source', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A tree with src/a.ts, src/deep/b.ts and, when `builtAt` is given, dist/cli.js. */
  function tree(sourcesAt: number, builtAt?: number): string {
    root = mkdtempSync(path.join(os.tmpdir(), 'vigie-launcher-'));
    for (const file of ['src/a.ts', 'src/deep/b.ts', ...(builtAt ? ['dist/cli.js'] : [])]) {
      const full = path.join(root, file);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, '');
      const at = file.startsWith('dist') ? (builtAt as number) : sourcesAt;
      utimesSync(full, at, at);
    }
    return root;
  }

  it('uses a build made after the sources', () => {
    expect(buildIsFresh(tree(1_000, 2_000))).toBe(true);
  });

  it('falls back to the sources when there is no build', () => {
    expect(buildIsFresh(tree(1_000))).toBe(false);
  });

  it('falls back when a nested source was edited after the build', () => {
    const dir = tree(1_000, 2_000);
    utimesSync(path.join(dir, 'src/deep/b.ts'), 3_000, 3_000);
    expect(buildIsFresh(dir)).toBe(false);
  });
});
