/**
 * Case `startup`: wall time of `vigie --version` and of `vigie search x` on the store case's
 * 100k-article database, each as a fresh `node bin/vigie.js` process running the compiled CLI
 * in dist/, as a user runs it after `npm ci` (which builds it; the case rebuilds it first, since
 * an edited source would send the launcher to the slower tsx path). Targets: ≤ 300 ms and
 * ≤ 500 ms (median of the runs).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  type BenchOptions,
  buildDist,
  type CaseResult,
  median,
  nowMs,
  repoRoot,
  round,
} from './harness.ts';
import { ensureBenchDb } from './store.ts';

/** Milliseconds for one `node bin/vigie.js ARGS` run; throws when it fails. */
function runVigie(args: string[]): number {
  const started = nowMs();
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'bin/vigie.js'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  const ms = nowMs() - started;
  if (result.status !== 0)
    throw new Error(`vigie ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
  return ms;
}

/** Runs the startup case; one row per command. */
export async function benchStartup(options: BenchOptions, workDir: string): Promise<CaseResult[]> {
  const db = ensureBenchDb(options, workDir);
  buildDist();
  const runs = options.quick ? 3 : 7;
  const measure = (args: string[]) => {
    runVigie(args); // one untimed run: the files are in the page cache, as for any later run
    return median(Array.from({ length: runs }, () => runVigie(args)));
  };
  const version = measure(['--version']);
  const search = measure(['--db', db, '--json', 'search', 'x']);
  return [
    {
      name: 'startup-version',
      value: round(version, 0),
      unit: 'ms',
      target: '≤ 300 ms',
      ratio: null,
      pass: version <= 300,
      note: `node bin/vigie.js --version, median of ${runs}`,
    },
    {
      name: 'startup-search',
      value: round(search, 0),
      unit: 'ms',
      target: '≤ 500 ms',
      ratio: null,
      pass: search <= 500,
      note: `node bin/vigie.js --db <store db> --json search x, median of ${runs}`,
    },
  ];
}
