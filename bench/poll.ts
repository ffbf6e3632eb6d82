/**
 * Cases `poll-cold`, `poll-warm` and the poll growth rows: one Vigie cycle over N feeds × 50
 * full-text items served on 127.0.0.1, against the raw-libraries poll of the same feeds in the
 * same run. Each poller runs in a child process (bench/poll-child.js, on the compiled dist/); the feed servers run
 * here. Targets (500 feeds): cold ≤ 3 × raw and ≤ 8 s, peak RSS ≤ 250 MB; warm ≤ 1.5 × raw.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { serveBenchFeeds } from './feeds.ts';
import { type BenchOptions, buildDist, type CaseResult, repoRoot, round } from './harness.ts';

/** What bench/poll-child.js is asked to do. */
export interface PollJob {
  mode: 'vigie' | 'raw';
  feeds: { name: string; url: string }[];
  dbPath: string;
}

/** What it prints: both cycles' wall times and summaries, and its peak RSS. */
export interface PollChildResult {
  coldMs: number;
  warmMs: number;
  cold: Record<string, number>;
  warm: Record<string, number>;
  maxRssMb: number;
}

const CHILD_TIMEOUT_MS = 180_000;

/**
 * Runs bench/poll-child.js on `job` and resolves to its result. With BENCH_CPU_PROF=DIR in the
 * environment the child writes a V8 CPU profile there (for finding what dominates).
 */
export function runPollChild(job: PollJob, jobFile: string): Promise<PollChildResult> {
  writeFileSync(jobFile, JSON.stringify(job));
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const child = spawn(
    process.execPath,
    [...profile, path.join(repoRoot, 'bench/poll-child.js'), jobFile],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], timeout: CHILD_TIMEOUT_MS },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = output.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as PollChildResult);
      else reject(new Error(`poll child (${job.mode}) ended with ${signal ?? `code ${code}`}`));
    });
  });
}

/** Runs both pollers at each size; returns the target rows (largest size) and growth rows. */
export async function benchPoll(options: BenchOptions, workDir: string): Promise<CaseResult[]> {
  const sizes = options.quick ? [20, 50] : [50, 200, 500];
  const largest = sizes[sizes.length - 1] as number;
  buildDist();
  const served = await serveBenchFeeds(largest);
  const measured: { feeds: number; raw: PollChildResult; vigie: PollChildResult }[] = [];
  try {
    for (const size of sizes) {
      const feeds = served.feeds.slice(0, size);
      const jobFile = path.join(workDir, `poll-${size}.json`);
      const dbPath = path.join(workDir, `poll-${size}.db`);
      const raw = await runPollChild({ mode: 'raw', feeds, dbPath }, jobFile);
      const vigie = await runPollChild({ mode: 'vigie', feeds, dbPath }, jobFile);
      if (vigie.cold.fetched !== size || vigie.warm.notModified !== size)
        throw new Error(`poll at ${size} feeds: ${JSON.stringify(vigie)}`);
      measured.push({ feeds: size, raw, vigie });
    }
  } finally {
    await served.close();
  }
  return pollRows(measured, served.bytes);
}

function pollRows(
  measured: { feeds: number; raw: PollChildResult; vigie: PollChildResult }[],
  bytes: number,
): CaseResult[] {
  const top = measured[measured.length - 1] as (typeof measured)[number];
  const first = measured[0] as (typeof measured)[number];
  const coldRatio = top.vigie.coldMs / top.raw.coldMs;
  const warmRatio = top.vigie.warmMs / top.raw.warmMs;
  const feedsNote = `${top.feeds} feeds × 50 items, ${round(bytes / 1e6, 1)} MB of XML, ${top.vigie.cold.matched} matched`;
  const rows: CaseResult[] = [
    {
      name: 'poll-cold',
      value: round(top.vigie.coldMs / 1000, 2),
      unit: 's',
      target: '≤ 3 × raw and ≤ 8 s',
      ratio: round(coldRatio, 2),
      pass: coldRatio <= 3 && top.vigie.coldMs <= 8_000,
      anchor: {
        value: round(top.raw.coldMs / 1000, 2),
        unit: 's',
        what: 'undici + rss-parser, 8 in flight',
      },
      note: feedsNote,
    },
    {
      name: 'poll-cold-rss',
      value: round(top.vigie.maxRssMb, 0),
      unit: 'MB',
      target: '≤ 250 MB',
      ratio: null,
      pass: top.vigie.maxRssMb <= 250,
      anchor: { value: round(top.raw.maxRssMb, 0), unit: 'MB', what: 'raw poller peak RSS' },
      note: 'peak RSS of the child process over its cold and warm cycles',
    },
    {
      name: 'poll-warm',
      value: round(top.vigie.warmMs / 1000, 3),
      unit: 's',
      target: '≤ 1.5 × raw',
      ratio: round(warmRatio, 2),
      pass: warmRatio <= 1.5,
      anchor: {
        value: round(top.raw.warmMs / 1000, 3),
        unit: 's',
        what: 'undici + rss-parser, 304s',
      },
      note: `${top.feeds} feeds answering 304`,
    },
  ];
  // Growth: cost per feed at each size, relative to the smallest size (1.0 = linear).
  const perFeed = (m: (typeof measured)[number]) => m.vigie.coldMs / m.feeds;
  for (const m of measured)
    rows.push({
      name: `poll-cold@${m.feeds}`,
      value: round(m.vigie.coldMs / 1000, 2),
      unit: 's',
      target: 'linear: per-feed cost ≤ 1.5 × at the smallest size',
      ratio: round(perFeed(m) / perFeed(first), 2),
      pass: perFeed(m) / perFeed(first) <= 1.5,
      anchor: { value: round(m.raw.coldMs / 1000, 2), unit: 's', what: 'raw poll at this size' },
      note: `${round(perFeed(m), 1)} ms per feed (raw ${round(m.raw.coldMs / m.feeds, 1)})`,
    });
  return rows;
}
