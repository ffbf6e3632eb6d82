import type { LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher, type FetchOutcome, parseRetryAfter } from '../../src/ingest/fetch.ts';
import { type FeedServer, startFeedServer } from '../support/feed-server.ts';

const rss = '<rss version="2.0"><channel><title>Le Fil</title></channel></rss>';

function expectFailure(outcome: FetchOutcome) {
  if (outcome.ok) throw new Error(`expected a failure, got HTTP ${outcome.status}`);
  return outcome.error;
}

describe('fetcher', () => {
  let server: FeedServer;
  const fetcher = createFetcher({ totalTimeoutMs: 3_000, bodyTimeoutMs: 1_000, maxBytes: 64_000 });

  beforeAll(async () => {
    server = await startFeedServer();
  });
  afterAll(async () => {
    await fetcher.close();
    await server.close();
  });

  it('returns the body with its validators, then a 304 when they still hold', async () => {
    server.set('/etag.xml', {
      body: rss,
      contentType: 'application/rss+xml',
      etag: '"v1"',
      lastModified: 'Mon, 02 Mar 2026 07:00:00 GMT',
    });
    const first = await fetcher.fetch(server.url('/etag.xml'));
    expect(first).toMatchObject({ ok: true, status: 200, etag: '"v1"' });
    if (!first.ok) return;
    expect(first.body.toString()).toBe(rss);
    expect(first.contentType).toBe('application/rss+xml');

    const second = await fetcher.fetch(server.url('/etag.xml'), { etag: first.etag });
    expect(second).toMatchObject({ ok: true, status: 304 });
    if (second.ok) expect(second.body.length).toBe(0);
  });

  it('sends a descriptive User-Agent and asks for compression', async () => {
    server.set('/ua.xml', { body: rss });
    await fetcher.fetch(server.url('/ua.xml'));
    const seen = server.requests.findLast((r) => r.path === '/ua.xml');
    expect(seen?.headers['user-agent']).toMatch(/^Vigie\//);
    expect(seen?.headers['accept-encoding']).toContain('gzip');
  });

  it('inflates a gzip body', async () => {
    server.set('/gz.xml', { body: rss, gzip: true });
    const outcome = await fetcher.fetch(server.url('/gz.xml'));
    expect(outcome.ok && outcome.body.toString()).toBe(rss);
  });

  it('refuses a gzip bomb at the decompressed cap', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(5_000_000, 0x20));
    server.set('/bomb.xml', {
      handler: (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb),
    });
    expect(expectFailure(await fetcher.fetch(server.url('/bomb.xml'))).code).toBe(
      'FETCH_TOO_LARGE',
    );
  });

  it('refuses a body over the cap as received', async () => {
    server.set('/huge.xml', { body: Buffer.alloc(100_000, 0x41) });
    expect(expectFailure(await fetcher.fetch(server.url('/huge.xml'))).code).toBe(
      'FETCH_TOO_LARGE',
    );
  });

  it('follows redirects and reports a permanent one', async () => {
    server.set('/old.xml', { redirect: { to: '/new.xml', status: 301 } });
    server.set('/new.xml', { body: rss });
    const outcome = await fetcher.fetch(server.url('/old.xml'));
    expect(outcome).toMatchObject({
      ok: true,
      url: server.url('/new.xml'),
      permanentRedirect: server.url('/new.xml'),
    });
  });

  it('does not report a temporary redirect as a move', async () => {
    server.set('/tmp.xml', { redirect: { to: '/new.xml', status: 302 } });
    expect(await fetcher.fetch(server.url('/tmp.xml'))).toMatchObject({
      ok: true,
      permanentRedirect: null,
    });
  });

  it('gives up on a redirect loop', async () => {
    server.set('/loop-a', { redirect: { to: '/loop-b' } });
    server.set('/loop-b', { redirect: { to: '/loop-a' } });
    expect(expectFailure(await fetcher.fetch(server.url('/loop-a'))).code).toBe('FETCH_REDIRECT');
  });

  it('refuses a redirect to a non-http scheme or to another private host', async () => {
    server.set('/to-file', { redirect: { to: 'file:///etc/passwd' } });
    server.set('/to-metadata', { redirect: { to: 'http://169.254.169.254/latest/meta-data/' } });
    expect(expectFailure(await fetcher.fetch(server.url('/to-file'))).message).toMatch(/non-http/);
    expect(expectFailure(await fetcher.fetch(server.url('/to-metadata'))).message).toMatch(
      /private address/,
    );
  });

  it('refuses a redirect to a name that resolves to a private address, without connecting', async () => {
    const resolving = createFetcher({ lookup: async () => ['10.20.30.40'] });
    server.set('/to-intranet', { redirect: { to: 'http://intranet.vigie.test/admin' } });
    const error = expectFailure(await resolving.fetch(server.url('/to-intranet')));
    expect(error.message).toMatch(/private address \(intranet\.vigie\.test → 10\.20\.30\.40\)/);
    await resolving.close();
  });

  it('passes Retry-After of a 429 back to the caller', async () => {
    server.set('/busy.xml', { status: 429, headers: { 'retry-after': '120' } });
    const error = expectFailure(await fetcher.fetch(server.url('/busy.xml')));
    expect(error).toMatchObject({ code: 'FETCH_HTTP', status: 429, retryAfterMs: 120_000 });
  });

  it('times out a server that drips one byte at a time', async () => {
    server.set('/slow.xml', { body: rss, dripBytes: 1, dripMs: 1500 });
    expect(expectFailure(await fetcher.fetch(server.url('/slow.xml'))).code).toBe('FETCH_TIMEOUT');
  });

  it('reports a refused connection as a network failure', async () => {
    const closed = await startFeedServer();
    const url = closed.url('/gone.xml');
    await closed.close();
    expect(expectFailure(await fetcher.fetch(url)).code).toBe('FETCH_NETWORK');
  });

  it('refuses non-http URLs without a request', async () => {
    expect(expectFailure(await fetcher.fetch('ftp://127.0.0.1/feed.xml')).code).toBe(
      'FETCH_BAD_URL',
    );
    expect(expectFailure(await fetcher.fetch('not a url')).code).toBe('FETCH_BAD_URL');
  });
});

describe('fetcher: public-only requests', () => {
  let server: FeedServer;
  // Names answered here, so no DNS query leaves the machine: one points at the loopback feed
  // server, one at the loopback and a public address both (a rebinding answer; the loopback
  // first, so that even a broken check would connect there and never outside).
  const answers: Record<string, string[]> = {
    'inside.example.test': ['127.0.0.1'],
    'mixed.example.test': ['127.0.0.1', '192.0.2.1'],
  };
  const connectLookup: LookupFunction = (hostname, options, callback) => {
    const found = (answers[hostname] ?? []).map((address) => ({ address, family: 4 }));
    if (found.length === 0)
      return callback(Object.assign(new Error(hostname), { code: 'ENOTFOUND' }), '', 4);
    if (options.all) callback(null, found);
    else callback(null, found[0]?.address ?? '', 4);
  };
  const fetcher = createFetcher({ totalTimeoutMs: 3_000, connectLookup });
  const byName = (name: string) => `http://${name}:${new URL(server.origin).port}/inside.xml`;

  beforeAll(async () => {
    server = await startFeedServer();
    server.set('/inside.xml', { body: rss, contentType: 'application/rss+xml' });
  });
  afterAll(async () => {
    await fetcher.close();
    await server.close();
  });

  it('reaches a name on a private address when the request is not public-only', async () => {
    expect(await fetcher.fetch(byName('inside.example.test'))).toMatchObject({ status: 200 });
  });

  it('refuses, without a request, a name that resolves to a private address', async () => {
    const before = server.hits('/inside.xml');
    for (const name of ['inside.example.test', 'mixed.example.test']) {
      const error = expectFailure(await fetcher.fetch(byName(name), { publicOnly: true }));
      expect(error.code).toBe('FETCH_PRIVATE');
      expect(error.message).toContain('127.0.0.1');
    }
    expect(server.hits('/inside.xml')).toBe(before);
  });

  it('refuses, without a request, a private IP literal', async () => {
    const before = server.hits('/inside.xml');
    const error = expectFailure(
      await fetcher.fetch(server.url('/inside.xml'), { publicOnly: true }),
    );
    expect(error.code).toBe('FETCH_PRIVATE');
    expect(
      expectFailure(await fetcher.fetch('http://[::1]:9/latest/', { publicOnly: true })).code,
    ).toBe('FETCH_PRIVATE');
    expect(server.hits('/inside.xml')).toBe(before);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-02T07:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 02 Mar 2026 07:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
