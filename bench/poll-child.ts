/**
 * One poller in its own process, so its peak RSS is its own: `node --import tsx
 * bench/poll-child.ts JOB.json`. The job names the mode (`vigie` or `raw`), the feeds and, for
 * Vigie, the database file. It polls every feed twice — cold, then warm (conditional GET) — and
 * prints one JSON line: `{coldMs, warmMs, cold, warm, maxRssMb}`. Module loading and database
 * setup happen before the clock starts, for both modes alike.
 */
import { readFileSync } from 'node:fs';
import Parser from 'rss-parser';
import { Agent, request } from 'undici';

export interface PollJob {
  mode: 'vigie' | 'raw';
  feeds: { name: string; url: string }[];
  dbPath: string;
}

export interface PollChildResult {
  coldMs: number;
  warmMs: number;
  cold: Record<string, number>;
  warm: Record<string, number>;
  maxRssMb: number;
}

/** The anchor: undici + rss-parser, 8 requests in flight, nothing else (no store, no analysis). */
async function rawPoller(feeds: PollJob['feeds']) {
  const agent = new Agent({ connections: 8 });
  const parser = new Parser();
  const etags = new Map<string, string>();
  const cycle = async () => {
    const counts = { fetched: 0, notModified: 0, failed: 0, items: 0 };
    let next = 0;
    const worker = async () => {
      while (next < feeds.length) {
        const feed = feeds[next++] as PollJob['feeds'][number];
        const etag = etags.get(feed.url);
        const response = await request(feed.url, {
          dispatcher: agent,
          headers: etag ? { 'if-none-match': etag } : {},
        });
        if (response.statusCode === 304) {
          await response.body.dump();
          counts.notModified += 1;
          continue;
        }
        const text = await response.body.text();
        const header = response.headers.etag;
        if (typeof header === 'string') etags.set(feed.url, header);
        try {
          counts.items += (await parser.parseString(text)).items.length;
          counts.fetched += 1;
        } catch (error) {
          process.stderr.write(`raw: ${feed.url}: ${(error as Error).message}\n`);
          counts.failed += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return counts;
  };
  return { cycle, close: () => agent.close() };
}

/** Vigie's own cycle, wired as `openApp` wires it, with the default settings. */
async function vigiePoller(job: PollJob) {
  const { defaultAnalysisRules } = await import('../src/analyze/load.ts');
  const { settingsSchema } = await import('../src/config/schema.ts');
  const { createFetcher } = await import('../src/ingest/fetch.ts');
  const { silentLogger } = await import('../src/log.ts');
  const { runPollCycle } = await import('../src/schedule/poll.ts');
  const { openDb } = await import('../src/store/db.ts');
  const { activeFeeds, syncConfiguredFeeds } = await import('../src/store/feeds.ts');
  const settings = settingsSchema.parse({});
  const db = openDb(job.dbPath);
  syncConfiguredFeeds(db, job.feeds, new Date().toISOString());
  const { poll } = settings;
  const fetcher = createFetcher({
    concurrency: poll.concurrency,
    perHost: poll.perHost,
    totalTimeoutMs: poll.timeout,
    maxBytes: poll.maxBytes,
    maxRedirects: poll.maxRedirects,
  });
  const context = {
    db,
    fetcher,
    rules: defaultAnalysisRules(),
    settings,
    alertDestination: () => 'console',
    logger: silentLogger(),
    clock: () => new Date(),
    random: Math.random,
  };
  return {
    cycle: async () => {
      const { durationMs: _, ...summary } = await runPollCycle(context, activeFeeds(db));
      return summary;
    },
    close: async () => {
      await fetcher.close();
      db.close();
    },
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as PollJob;
  const poller = job.mode === 'raw' ? await rawPoller(job.feeds) : await vigiePoller(job);
  let started = performance.now();
  const cold = await poller.cycle();
  const coldMs = performance.now() - started;
  started = performance.now();
  const warm = await poller.cycle();
  const warmMs = performance.now() - started;
  await poller.close();
  const result: PollChildResult = {
    coldMs,
    warmMs,
    cold,
    warm,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
