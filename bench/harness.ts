/**
 * What every benchmark case shares: the result row of `bench/results.json` (DESIGN.md:
 * `{name, value, unit, target, ratio, pass}`), timing and percentile helpers, and where the
 * repository and ../shared are.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One row of results.json. `ratio` is Vigie ÷ its anchor (or growth factor), null when none. */
export interface CaseResult {
  name: string;
  value: number;
  unit: string;
  /** The target as written in issue 15, e.g. "≥ 0.8 × raw", or null for an informative row. */
  target: string | null;
  ratio: number | null;
  /** Null for informative rows (anchors, peers not installed). */
  pass: boolean | null;
  /** The anchor measured in the same run, when there is one. */
  anchor?: { value: number; unit: string; what: string };
  note?: string;
}

/** Size knobs: the full run, or `--quick` for a smoke run in well under a minute. */
export interface BenchOptions {
  quick: boolean;
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const sharedDir = path.resolve(repoRoot, '../shared');

/** Whether ../shared holds `relative` (third-party data is read in place, never copied). */
export function sharedExists(relative: string): boolean {
  return existsSync(path.join(sharedDir, relative));
}

/**
 * Compiles src/ into dist/ as `npm ci` does, so the cases that run Vigie as a user runs it
 * (the CLI, the worker's poll) measure today's sources. Throws when the build fails.
 */
export function buildDist(): void {
  const result = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`npm run build failed: ${result.stdout}${result.stderr}`);
}

/** Milliseconds since an arbitrary origin, for intervals only. */
export function nowMs(): number {
  return performance.now();
}

/** Runs `work` `runs` times and returns each run's duration in ms. */
export async function timeRuns(runs: number, work: () => unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = nowMs();
    await work();
    times.push(nowMs() - started);
  }
  return times;
}

/** The p-th percentile (0-100, nearest rank) of `values`; NaN for an empty list. Pure. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** The median of `values`. Pure. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Rounds to `digits` significant-looking decimals for the table and JSON. Pure. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** The machine line of results.json: CPU, cores, memory, Node, and the load when measured. */
export function machineInfo(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((load) => round(load, 2)),
  };
}

/** A row comparing Vigie with an anchor where higher is better (rates). */
export function rateRow(
  name: string,
  vigie: number,
  raw: number,
  unit: string,
  minRatio: number,
  what: string,
): CaseResult {
  const ratio = vigie / raw;
  return {
    name,
    value: round(vigie, 1),
    unit,
    target: `≥ ${minRatio} × ${what}`,
    ratio: round(ratio, 3),
    pass: ratio >= minRatio,
    anchor: { value: round(raw, 1), unit, what },
  };
}

/** The results as an aligned text table. Pure. */
export function formatTable(cases: readonly CaseResult[]): string {
  const header = ['case', 'value', 'unit', 'anchor', 'ratio', 'target', 'pass'];
  const lines = cases.map((row) => [
    row.name,
    String(row.value),
    row.unit,
    row.anchor ? String(row.anchor.value) : '',
    row.ratio === null ? '' : String(row.ratio),
    row.target ?? '',
    row.pass === null ? '-' : row.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...lines.map((line) => (line[i] as string).length)),
  );
  const format = (line: string[]) =>
    line
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [
    format(header),
    format(widths.map((width) => '-'.repeat(width))),
    ...lines.map(format),
  ].join('\n');
}
