/**
 * `npm run bench [-- --quick] [-- --only parse,store]`: runs the benchmark cases of issue 15
 * one after the other on 127.0.0.1 and in temporary directories, prints a table and writes
 * `bench/results.json` (`{machine, cases:[{name, value, unit, target, ratio, pass}]}`).
 *
 * Cases run in one process, except polls, which run in child processes so their peak RSS is
 * theirs alone. Figures are noisy on a shared machine: `machine.loadAverageAtStart` and
 * `loadAverageAtEnd` say how busy it was.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type BenchOptions,
  type CaseResult,
  formatTable,
  machineInfo,
  repoRoot,
  round,
} from './harness.ts';

type CaseRunner = (options: BenchOptions, workDir: string) => Promise<CaseResult[]>;

// Lazy imports: `--only parse` should not load SQLite or cheerio.
const CASES: Record<string, CaseRunner> = {
  parse: async (options) => (await import('./parse.ts')).benchParse(options),
  extract: async (options) => (await import('./extract.ts')).benchExtract(options),
  analyze: async (options) => (await import('./analyze.ts')).benchAnalyze(options),
  poll: async (options, workDir) => (await import('./poll.ts')).benchPoll(options, workDir),
  store: async (options, workDir) => (await import('./store.ts')).benchStore(options, workDir),
  search: async (options, workDir) => (await import('./search.ts')).benchSearch(options, workDir),
  digest: async (options) => (await import('./digest.ts')).benchDigest(options),
  peers: async (options, workDir) => (await import('./peers.ts')).benchPeers(options, workDir),
  startup: async (options, workDir) =>
    (await import('./startup.ts')).benchStartup(options, workDir),
};

/** The flags of the command line: `--quick` and `--only a,b`. Pure. */
export function parseArgs(argv: readonly string[]): { quick: boolean; only: string[] } {
  const quick = argv.includes('--quick');
  const at = argv.indexOf('--only');
  const only = at >= 0 ? (argv[at + 1] ?? '').split(',').filter(Boolean) : Object.keys(CASES);
  const unknown = only.filter((name) => !(name in CASES));
  if (unknown.length > 0)
    throw new Error(
      `unknown case(s) ${unknown.join(', ')}; known: ${Object.keys(CASES).join(', ')}`,
    );
  return { quick, only };
}

async function main(): Promise<void> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const machine = machineInfo();
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'vigie-bench-'));
  const cases: CaseResult[] = [];
  const started = performance.now();
  try {
    for (const name of only) {
      const caseStarted = performance.now();
      process.stderr.write(`bench: ${name}…\n`);
      const rows = await (CASES[name] as CaseRunner)({ quick }, workDir);
      cases.push(...rows);
      for (const row of rows) process.stderr.write(`  ${row.name}: ${row.value} ${row.unit}\n`);
      process.stderr.write(`  (${round((performance.now() - caseStarted) / 1000, 1)} s)\n`);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const results = {
    machine: {
      ...machine,
      loadAverageAtEnd: os.loadavg().map((load) => round(load, 2)),
      quick,
      totalSeconds: round((performance.now() - started) / 1000, 1),
      command: `npm run bench${quick || only.length < Object.keys(CASES).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      date: new Date().toISOString(),
    },
    cases,
  };
  writeFileSync(path.join(repoRoot, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(
    `${formatTable(cases)}\n\nbench/results.json written (${results.machine.totalSeconds} s)\n`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(repoRoot, 'bench/run.ts'))
  await main();
