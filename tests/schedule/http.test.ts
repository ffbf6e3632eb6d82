import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assessHealth,
  databaseStatus,
  type HealthReport,
  type HttpServer,
  HttpServerError,
  parseAddress,
  startHttpServer,
} from '../../src/schedule/http.ts';
import { createRegistry, createWorkerMetrics } from '../../src/schedule/metrics.ts';
import { saveMatchedArticle } from '../../src/store/articles.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { listFeeds, recordPollFailure, syncConfiguredFeeds } from '../../src/store/feeds.ts';
import { article } from '../store/fixtures.ts';

const startedAt = new Date('2026-03-02T08:00:00+01:00');
const minutes = (n: number) => new Date(startedAt.getTime() + n * 60_000);
const FIFTEEN_MINUTES = 15 * 60_000;
const reachable = { reachable: true };

async function get(url: string, method = 'GET') {
  return new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    http
      .request(url, { method }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type']),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      })
      .on('error', reject)
      .end();
  });
}

describe('assessHealth', () => {
  const input = {
    startedAt,
    pollIntervalMs: FIFTEEN_MINUTES,
    database: reachable,
  };

  it('is healthy right after start, before the first cycle ended', () => {
    expect(assessHealth({ ...input, now: minutes(2), lastGoodCycleAt: null })).toMatchObject({
      ok: true,
      lastGoodCycleAt: null,
    });
  });

  it('turns stale when no good cycle came within the grace period after start', () => {
    const report = assessHealth({ ...input, now: minutes(46), lastGoodCycleAt: null });
    expect(report.ok).toBe(false);
    expect(report.reason).toMatch(/since start/);
  });

  it('stays healthy up to three poll intervals after the last good cycle', () => {
    expect(assessHealth({ ...input, now: minutes(50), lastGoodCycleAt: minutes(5) })).toMatchObject(
      { ok: true, lastGoodCycleAgeSeconds: 45 * 60 },
    );
  });

  it('turns stale past three poll intervals without a good cycle', () => {
    const report = assessHealth({ ...input, now: minutes(51), lastGoodCycleAt: minutes(5) });
    expect(report).toMatchObject({ ok: false, lastGoodCycleAgeSeconds: 46 * 60 });
    expect(report.reason).toMatch(/2760 s \(limit 2700 s\)/);
  });

  it('is unhealthy when the database cannot be read, whatever the cycles', () => {
    const report = assessHealth({
      ...input,
      now: minutes(1),
      lastGoodCycleAt: minutes(1),
      database: { reachable: false, error: 'disk I/O error' },
    });
    expect(report).toMatchObject({ ok: false, database: false });
    expect(report.reason).toContain('disk I/O error');
  });
});

describe('databaseStatus', () => {
  it('reports an open database reachable and a closed one not', () => {
    const db = openDb(':memory:');
    expect(databaseStatus(db)).toEqual({ reachable: true });
    db.close();
    expect(databaseStatus(db)).toMatchObject({ reachable: false });
  });
});

describe('parseAddress', () => {
  it('reads IPv4, host names and bracketed IPv6', () => {
    expect(parseAddress('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseAddress('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    expect(parseAddress('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
  });

  it('refuses an address without a port, naming VIGIE_HTTP', () => {
    expect(() => parseAddress('127.0.0.1')).toThrow(/VIGIE_HTTP: expected host:port/);
    expect(() => parseAddress('127.0.0.1:99999')).toThrow(HttpServerError);
  });
});

describe('Prometheus registry', () => {
  it('renders counters with escaped labels and cumulative histogram buckets', () => {
    const registry = createRegistry();
    const errors = registry.counter('vigie_test_errors_total', 'Errors by feed.');
    errors.inc({ feed: 'L’Informé "tech"\\ cloud' });
    errors.inc({ feed: 'L’Informé "tech"\\ cloud' }, 2);
    const durations = registry.histogram('vigie_test_seconds', 'Durations.', [1, 0.5, 5]);
    for (const seconds of [0.2, 0.7, 3, 12]) durations.observe(seconds);
    expect(registry.render()).toBe(
      [
        '# HELP vigie_test_errors_total Errors by feed.',
        '# TYPE vigie_test_errors_total counter',
        'vigie_test_errors_total{feed="L’Informé \\"tech\\"\\\\ cloud"} 3',
        '# HELP vigie_test_seconds Durations.',
        '# TYPE vigie_test_seconds histogram',
        'vigie_test_seconds_bucket{le="0.5"} 1',
        'vigie_test_seconds_bucket{le="1"} 2',
        'vigie_test_seconds_bucket{le="5"} 3',
        'vigie_test_seconds_bucket{le="+Inf"} 4',
        'vigie_test_seconds_sum 15.9',
        'vigie_test_seconds_count 4',
        '',
      ].join('\n'),
    );
  });

  it('refuses to decrease a counter', () => {
    const counter = createRegistry().counter('vigie_test_total', 'Test.');
    expect(() => counter.inc({}, -1)).toThrow(/only go up/);
  });
});

describe('health and metrics server', () => {
  let db: Db;
  let server: HttpServer;
  let now = minutes(1);
  let metrics: ReturnType<typeof createWorkerMetrics>;
  const errors: unknown[] = [];

  beforeAll(async () => {
    db = openDb(':memory:');
    syncConfiguredFeeds(
      db,
      [
        { name: 'Le Journal du Cloud', url: 'http://127.0.0.1:1/cloud.xml' },
        { name: 'Santé Numérique Hebdo', url: 'http://127.0.0.1:1/sante.xml' },
      ],
      startedAt.toISOString(),
    );
    const failing = listFeeds(db).find((feed) => feed.name === 'Santé Numérique Hebdo');
    recordPollFailure(db, failing?.id ?? 0, {
      now: startedAt.toISOString(),
      nextPollAt: minutes(30).toISOString(),
      code: 'FETCH_HTTP',
      message: 'HTTP 503',
      disable: false,
    });
    saveMatchedArticle(
      db,
      article({
        title: 'La Plateforme des données de santé choisit un hébergeur qualifié SecNumCloud',
        text: 'Le Health Data Hub quittera Azure d’ici 2027, a confirmé le ministère.',
        url: 'https://exemple.fr/hdh-secnumcloud',
      }),
      { feedId: 1, itemKey: 'g:hdh-1', itemUrl: null, publishedAt: null },
      { digest: true, alerts: [{ rule: 'HDH et SecNumCloud', destination: 'console' }] },
      startedAt.toISOString(),
    );
    metrics = createWorkerMetrics({ db, clock: () => now });
    server = await startHttpServer({
      address: '127.0.0.1:0',
      health: (): HealthReport =>
        assessHealth({
          now,
          startedAt,
          lastGoodCycleAt: metrics.lastGoodCycleAt(),
          database: databaseStatus(db),
          pollIntervalMs: FIFTEEN_MINUTES,
        }),
      metrics: () => metrics.render(),
      onError: (error) => errors.push(error),
    });
  });

  afterAll(async () => {
    await server.close();
    if (db.open) db.close();
  });

  it('binds to the loopback address it was given', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers /metrics in Prometheus text format with the cycle and outbox figures', async () => {
    metrics.recordCycle({
      feeds: 2,
      fetched: 1,
      notModified: 0,
      failed: 1,
      newItems: 12,
      matched: 1,
      durationMs: 1_840,
    });
    metrics.recordCycle({
      feeds: 0,
      fetched: 0,
      notModified: 0,
      failed: 0,
      newItems: 0,
      matched: 0,
      durationMs: 1,
    });
    metrics.recordDispatch({ sent: 1, retried: 0, failed: 0 });
    const response = await get(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = response.body.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'vigie_poll_cycles_total 2',
        'vigie_feed_polls_total{result="fetched"} 1',
        'vigie_feed_polls_total{result="not_modified"} 0',
        'vigie_feed_polls_total{result="failed"} 1',
        'vigie_items_new_total 12',
        'vigie_items_matched_total 1',
        'vigie_poll_cycle_duration_seconds_bucket{le="1"} 0',
        'vigie_poll_cycle_duration_seconds_bucket{le="2.5"} 1',
        'vigie_poll_cycle_duration_seconds_count 1',
        `vigie_last_good_cycle_timestamp_seconds ${minutes(1).getTime() / 1000}`,
        'vigie_deliveries_total{result="sent"} 1',
        'vigie_deliveries{status="pending"} 1',
        'vigie_deliveries{status="sent"} 0',
        'vigie_deliveries{status="failed"} 0',
        'vigie_feeds{state="ok"} 1',
        'vigie_feeds{state="failing"} 1',
        'vigie_feeds{state="disabled"} 0',
        'vigie_articles 1',
      ]),
    );
  });

  it('answers /healthz 200 with the age of the last good cycle', async () => {
    now = minutes(11);
    const response = await get(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.type).toBe('application/json; charset=utf-8');
    expect(JSON.parse(response.body)).toEqual({
      ok: true,
      database: true,
      lastGoodCycleAt: minutes(1).toISOString(),
      lastGoodCycleAgeSeconds: 600,
    });
  });

  it('answers /healthz 503 once cycles are stale', async () => {
    now = minutes(47);
    const response = await get(`${server.url}/healthz`);
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({ ok: false, lastGoodCycleAgeSeconds: 2760 });
  });

  it('counts a cycle where every feed failed as not good', async () => {
    metrics.recordCycle({
      feeds: 2,
      fetched: 0,
      notModified: 0,
      failed: 2,
      newItems: 0,
      matched: 0,
      durationMs: 300,
    });
    expect(metrics.lastGoodCycleAt()).toEqual(minutes(1));
    now = minutes(48);
    metrics.recordCycle({
      feeds: 1,
      fetched: 0,
      notModified: 1,
      failed: 0,
      newItems: 0,
      matched: 0,
      durationMs: 80,
    });
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
  });

  it('answers HEAD without a body, 404 elsewhere and 405 to other methods', async () => {
    expect(await get(`${server.url}/healthz`, 'HEAD')).toMatchObject({ status: 200, body: '' });
    expect((await get(`${server.url}/`)).status).toBe(404);
    expect((await get(`${server.url}/metrics`, 'POST')).status).toBe(405);
  });

  it('answers 503 when the database is closed, and 500 for metrics it cannot read', async () => {
    db.close();
    const health = await get(`${server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toMatchObject({ ok: false, database: false });
    expect((await get(`${server.url}/metrics`)).status).toBe(500);
    expect(errors).toHaveLength(1);
  });

  it('refuses to start on an address already in use, naming it', async () => {
    const address = `127.0.0.1:${server.port}`;
    await expect(
      startHttpServer({ address, health: () => ({ ok: true }) as HealthReport, metrics: () => '' }),
    ).rejects.toMatchObject({
      code: 'HTTP_LISTEN',
      address,
      message: expect.stringContaining(address),
    });
  });
});
