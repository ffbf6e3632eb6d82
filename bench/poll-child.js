/**
 * One poller in its own process, so its peak RSS is its own: `node bench/poll-child.js
 * JOB.json`. Plain JavaScript on the compiled dist/ (bench/poll.ts builds it first), as the
 * worker runs (`npm start`): a TypeScript loader would add ~35 MB to both pollers' RSS. The job
 * (`PollJob` in bench/poll.ts) names the mode (`vigie` or `raw`), the feeds and, for Vigie, the
 * database file. It polls every feed twice — cold, then warm (conditional GET) — and prints one
 * JSON line: `{coldMs, warmMs, cold, warm, maxRssMb}`. Module loading and database setup happen
 * before the clock starts, for both modes alike. Between the cycles both pollers drop their
 * sockets, as the worker's next poll finds them after the interval: otherwise the poller whose
 * cold cycle ended sooner would keep more of its keep-alive connections (4 s idle timeout).
 */
import { readFileSync } from 'node:fs';
import Parser from 'rss-parser';
import { Agent, request } from 'undici';

/** The anchor: undici + rss-parser, 8 requests in flight, nothing else (no store, no analysis). */
function rawPoller(feeds) {
  let agent = new Agent({ connections: 8 });
  const parser = new Parser();
  const etags = new Map();
  const cycle = async () => {
    const counts = { fetched: 0, notModified: 0, failed: 0, items: 0 };
    let next = 0;
    const worker = async () => {
      while (next < feeds.length) {
        const feed = feeds[next++];
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
          process.stderr.write(`raw: ${feed.url}: ${error.message}\n`);
          counts.failed += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return counts;
  };
  const dropSockets = async () => {
    await agent.close();
    agent = new Agent({ connections: 8 });
  };
  return { cycle, dropSockets, close: () => agent.close() };
}

/** Vigie's own cycle, wired as `openApp` wires it, with the default settings. */
async function vigiePoller(job) {
  const { defaultAnalysisRules } = await import('../dist/analyze/load.js');
  const { settingsSchema } = await import('../dist/config/schema.js');
  const { fetcherOptions } = await import('../dist/app.js');
  const { createFetcher } = await import('../dist/ingest/fetch.js');
  const { silentLogger } = await import('../dist/log.js');
  const { runPollCycle } = await import('../dist/schedule/poll.js');
  const { openDb } = await import('../dist/store/db.js');
  const { activeFeeds, syncConfiguredFeeds } = await import('../dist/store/feeds.js');
  const settings = settingsSchema.parse({});
  const db = openDb(job.dbPath);
  syncConfiguredFeeds(db, job.feeds, new Date().toISOString());
  const newFetcher = () => createFetcher(fetcherOptions(settings));
  const context = {
    db,
    fetcher: newFetcher(),
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
    dropSockets: async () => {
      await context.fetcher.close();
      context.fetcher = newFetcher();
    },
    close: async () => {
      await context.fetcher.close();
      db.close();
    },
  };
}

async function main() {
  const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const poller = job.mode === 'raw' ? rawPoller(job.feeds) : await vigiePoller(job);
  let started = performance.now();
  const cold = await poller.cycle();
  const coldMs = performance.now() - started;
  await poller.dropSockets();
  started = performance.now();
  const warm = await poller.cycle();
  const warmMs = performance.now() - started;
  await poller.close();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ coldMs, warmMs, cold, warm, maxRssMb })}\n`);
}

await main();
