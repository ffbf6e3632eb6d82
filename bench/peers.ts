/**
 * Case `peers` (`npm run bench:peers`, also part of `npm run bench`): poll-cold and poll-warm of
 * 200 bench feeds by Vigie, the raw libraries, rss2email (`r2e run --no-send`) and newsboat
 * (`newsboat -x reload`, 8 reload threads; its warm figure is its third run, since it keeps
 * ETags only from its second), all against the same local feed servers.
 * Targets: Vigie cold faster than newsboat and ≤ 0.35 × rss2email; warm no slower than either.
 *
 * Installs nothing: a peer that is missing gets a row saying how to install it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveBenchFeeds } from './feeds.ts';
import {
  type BenchOptions,
  type CaseResult,
  formatTable,
  machineInfo,
  nowMs,
  repoRoot,
  round,
} from './harness.ts';
import { runPollChild } from './poll.ts';

const FEEDS = 200;
const PEERS = [
  ['newsboat', 'newsboat'],
  ['rss2email', 'r2e'],
] as const;
const INSTALL = 'sudo apt-get install -y newsboat rss2email   (Debian/Ubuntu packages)';

/** Whether `command` is on the PATH. */
function installed(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Milliseconds for one run of `command args` (asynchronous: the feed servers live in this
 * process and must keep answering). Rejects when it exits non-zero.
 */
function timeCommand(command: string, args: string[], cwd: string): Promise<number> {
  const started = nowMs();
  const child = spawn(command, args, {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, HOME: cwd },
    timeout: 120_000,
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(nowMs() - started);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`));
    });
  });
}

async function newsboatRuns(feeds: { url: string }[], dir: string) {
  const urls = path.join(dir, 'urls');
  const config = path.join(dir, 'config');
  writeFileSync(urls, `${feeds.map((feed) => feed.url).join('\n')}\n`);
  writeFileSync(config, 'reload-threads 8\ndownload-timeout 30\n');
  const args = ['-u', urls, '-c', path.join(dir, 'cache.db'), '-C', config, '-x', 'reload'];
  const cold = await timeCommand('newsboat', args, dir);
  await timeCommand('newsboat', args, dir);
  const warm = await timeCommand('newsboat', args, dir);
  return { cold, warm };
}

async function rss2emailRuns(feeds: { url: string }[], dir: string) {
  const config = path.join(dir, 'r2e.cfg');
  const data = path.join(dir, 'r2e.json');
  const sections = feeds.map((feed, i) => `[feed.media-${i}]\nurl = ${feed.url}\n`);
  writeFileSync(
    config,
    `[DEFAULT]\nto = veille@example.org\nfrom = vigie-bench@example.org\n\n${sections.join('\n')}`,
  );
  const args = ['-c', config, '-d', data, 'run', '--no-send'];
  const cold = await timeCommand('r2e', args, dir);
  const warm = await timeCommand('r2e', args, dir);
  return { cold, warm };
}

/** Runs the peers case; one informative row per poller and mode, and the target rows. */
export async function benchPeers(options: BenchOptions, workDir: string): Promise<CaseResult[]> {
  const feedCount = options.quick ? 50 : FEEDS;
  const served = await serveBenchFeeds(feedCount);
  const rows: CaseResult[] = [];
  try {
    const jobFile = path.join(workDir, 'peers-job.json');
    const dbPath = path.join(workDir, 'peers-vigie.db');
    const raw = await runPollChild({ mode: 'raw', feeds: served.feeds, dbPath }, jobFile);
    const vigie = await runPollChild({ mode: 'vigie', feeds: served.feeds, dbPath }, jobFile);
    const times: Record<string, { cold: number; warm: number } | null> = {
      vigie: { cold: vigie.coldMs, warm: vigie.warmMs },
      raw: { cold: raw.coldMs, warm: raw.warmMs },
      newsboat: null,
      rss2email: null,
    };
    for (const [peer, command] of PEERS) {
      if (!installed(command)) continue;
      const run = peer === 'newsboat' ? newsboatRuns : rss2emailRuns;
      const dir = path.join(workDir, peer);
      mkdirSync(dir, { recursive: true });
      times[peer] = await run(served.feeds, dir);
    }
    for (const [poller, measured] of Object.entries(times))
      for (const mode of ['cold', 'warm'] as const)
        rows.push({
          name: `peers-${poller}-${mode}`,
          value: measured ? round(measured[mode] / 1000, 2) : 0,
          unit: 's',
          target: null,
          ratio: null,
          pass: null,
          note: measured
            ? `${feedCount} feeds × 50 items, ${mode}`
            : `not installed: ${INSTALL}, then npm run bench:peers`,
        });
    rows.push(...targetRows(times as PeerTimes));
  } finally {
    await served.close();
  }
  return rows;
}

type PeerTimes = Record<'vigie' | 'raw', { cold: number; warm: number }> &
  Record<'newsboat' | 'rss2email', { cold: number; warm: number } | null>;

function targetRows(times: PeerTimes): CaseResult[] {
  const { vigie, newsboat, rss2email } = times;
  const rows: CaseResult[] = [];
  if (newsboat) {
    rows.push({
      name: 'peers-cold-vs-newsboat',
      value: round(vigie.cold / 1000, 2),
      unit: 's',
      target: '< 1 × newsboat',
      ratio: round(vigie.cold / newsboat.cold, 2),
      pass: vigie.cold < newsboat.cold,
      anchor: { value: round(newsboat.cold / 1000, 2), unit: 's', what: 'newsboat -x reload' },
    });
    rows.push({
      name: 'peers-warm-vs-newsboat',
      value: round(vigie.warm / 1000, 3),
      unit: 's',
      target: '≤ 1 × newsboat',
      ratio: round(vigie.warm / newsboat.warm, 2),
      pass: vigie.warm <= newsboat.warm,
      anchor: { value: round(newsboat.warm / 1000, 3), unit: 's', what: 'newsboat, third run' },
    });
  }
  if (rss2email) {
    rows.push({
      name: 'peers-cold-vs-rss2email',
      value: round(vigie.cold / 1000, 2),
      unit: 's',
      target: '≤ 0.35 × rss2email',
      ratio: round(vigie.cold / rss2email.cold, 2),
      pass: vigie.cold <= 0.35 * rss2email.cold,
      anchor: { value: round(rss2email.cold / 1000, 2), unit: 's', what: 'r2e run --no-send' },
    });
    rows.push({
      name: 'peers-warm-vs-rss2email',
      value: round(vigie.warm / 1000, 3),
      unit: 's',
      target: '≤ 1 × rss2email',
      ratio: round(vigie.warm / rss2email.warm, 2),
      pass: vigie.warm <= rss2email.warm,
      anchor: { value: round(rss2email.warm / 1000, 3), unit: 's', what: 'r2e, second run' },
    });
  }
  return rows;
}

/** `npm run bench:peers`: runs this case alone and merges its rows into bench/results.json. */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  for (const [peer, command] of PEERS)
    if (!installed(command))
      process.stderr.write(
        `bench:peers: ${peer} is not installed; to compare with it: ${INSTALL}\n`,
      );
  const workDir = path.join(os.tmpdir(), `vigie-peers-${process.pid}`);
  mkdirSync(workDir, { recursive: true });
  let rows: CaseResult[];
  try {
    rows = await benchPeers({ quick }, workDir);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const file = path.join(repoRoot, 'bench/results.json');
  const previous = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { machine: unknown; cases: CaseResult[] })
    : { machine: machineInfo(), cases: [] };
  const cases = [...previous.cases.filter((row) => !row.name.startsWith('peers-')), ...rows];
  writeFileSync(file, `${JSON.stringify({ ...previous, cases }, null, 2)}\n`);
  process.stdout.write(`${formatTable(rows)}\n\npeers rows merged into bench/results.json\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(repoRoot, 'bench/peers.ts'))
  await main();
