import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.ts';
import { searchArticles } from '../../src/store/search.ts';
import { rssFeed } from '../support/feed-builder.ts';
import { type FeedServer, startFeedServer } from '../support/feed-server.ts';

const root = path.resolve(import.meta.dirname, '../..');

interface Worker {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<number | null>;
}

function startWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', VIGIE_HTTP: '127.0.0.1:0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdout?.resume();
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stderr: () => stderr, exit };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const story = `<p>${'Le Health Data Hub confirme son départ de Microsoft Azure vers un hébergeur qualifié SecNumCloud. '.repeat(20)}</p>`;

describe('the worker process', () => {
  let server: FeedServer;
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-worker-'));

  beforeAll(async () => {
    server = await startFeedServer({
      '/lent.xml': {
        contentType: 'application/rss+xml',
        delayMs: 1_500,
        body: rssFeed({
          title: 'Flux lent',
          link: 'https://example.org',
          items: [
            { title: 'Le HDH quitte Azure', link: 'https://example.org/hdh', contentHtml: story },
          ],
        }),
      },
    });
  });
  afterAll(() => server.close());

  it('finishes the cycle in flight on SIGTERM, stores its article and exits 0', async () => {
    const sources = path.join(dir, 'sources.yml');
    const db = path.join(dir, 'vigie.db');
    writeFileSync(sources, `feeds:\n  - name: Flux lent\n    url: ${server.url('/lent.xml')}\n`);
    const worker = startWorker({ VIGIE_SOURCES: sources, VIGIE_DB: db });
    await waitFor(() => server.hits('/lent.xml') > 0, 15_000);
    worker.child.kill('SIGTERM');
    const started = Date.now();
    expect(await worker.exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(worker.stderr()).toContain('stopped');
    const database = openDb(db, { readonly: true });
    expect(searchArticles(database, { query: 'Health Data Hub' }).total).toBe(1);
    database.close();
  }, 30_000);

  it('serves /healthz and /metrics, and a second worker on the same database refuses', async () => {
    const sources = path.join(dir, 'sources-http.yml');
    const db = path.join(dir, 'http.db');
    writeFileSync(sources, `feeds:\n  - name: Flux lent\n    url: ${server.url('/lent.xml')}\n`);
    const first = startWorker({ VIGIE_SOURCES: sources, VIGIE_DB: db });
    await waitFor(() => /"http":"http:\/\/127\.0\.0\.1:\d+/.test(first.stderr()), 15_000);
    const base = /"http":"(http:\/\/127\.0\.0\.1:\d+)/.exec(first.stderr())?.[1];
    await waitFor(() => first.stderr().includes('poll cycle'), 15_000);

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ database: true });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^vigie_poll_cycles_total 1$/m);
    expect(metrics).toMatch(/^vigie_items_matched_total 1$/m);

    const second = startWorker({ VIGIE_SOURCES: sources, VIGIE_DB: db });
    expect(await second.exit).toBe(75);
    expect(second.stderr()).toMatch(new RegExp(`pid ${first.child.pid}|${first.child.pid}`));

    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
  }, 40_000);

  it('refuses a bad configuration at startup, naming the file, the key and the reason', async () => {
    const sources = path.join(dir, 'bad.yml');
    writeFileSync(sources, 'feeds:\n  - name: Intranet\n    url: gopher://intranet/feed\n');
    const worker = startWorker({ VIGIE_SOURCES: sources, VIGIE_DB: path.join(dir, 'bad.db') });
    expect(await worker.exit).toBe(78);
    expect(worker.stderr()).toContain('bad.yml: feeds[0].url: expected http(s) URL');
  }, 30_000);
});
