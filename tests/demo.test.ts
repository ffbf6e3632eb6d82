import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ANCHOR, DEMO_FEEDS, type DemoResult, runDemo, servedFeed } from '../src/demo.ts';
import { silentLogger } from '../src/log.ts';
import { openDb } from '../src/store/db.ts';
import { searchArticles } from '../src/store/search.ts';

describe('demo feeds', () => {
  it('serve dates shifted as a block and the server origin in every link', () => {
    const xml = readFileSync(path.resolve('feeds/demo/journal-du-cloud.xml'), 'utf8');
    const served = servedFeed(xml, 'http://127.0.0.1:4321', 3 * 86_400_000);
    expect(served).not.toContain('{{origin}}');
    expect(served).toContain(
      '<link>http://127.0.0.1:4321/articles/hdh-hebergeur-secnumcloud</link>',
    );
    expect(served).toContain('<pubDate>Thu, 05 Mar 2026 06:45:00 GMT</pubDate>');
  });

  it('keep the ISO-8859-1 feed in real Latin-1 bytes', () => {
    const bytes = readFileSync(path.resolve('feeds/demo/echo-des-reseaux.xml'));
    expect(bytes.subarray(0, 45).toString('latin1')).toContain('encoding="ISO-8859-1"');
    // « é » is one byte 0xE9 in Latin-1 (two, C3 A9, in UTF-8).
    expect(bytes.includes(Buffer.from([0xe9]))).toBe(true);
    expect(bytes.includes(Buffer.from([0xc3, 0xa9]))).toBe(false);
    expect(iconv.decode(bytes, 'latin1')).toContain('référentiel');
    expect(DEMO_FEEDS.find((feed) => feed.file === 'echo-des-reseaux.xml')?.contentType).toBe(
      'application/rss+xml; charset=ISO-8859-1',
    );
  });

  it('are dated before the anchor the demo shifts them from', () => {
    for (const feed of DEMO_FEEDS) {
      const xml = readFileSync(path.resolve('feeds/demo', feed.file)).toString('latin1');
      const dates = [...xml.matchAll(/<(?:pubDate|published)>([^<]+)</g)].map((m) =>
        Date.parse(m[1] ?? ''),
      );
      expect(dates.length).toBeGreaterThanOrEqual(8);
      for (const date of dates) expect(date).toBeLessThan(DEMO_ANCHOR.getTime());
    }
  });
});

describe('npm run demo, in process', () => {
  let workDir: string;
  let result: DemoResult;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'vigie-demo-'));
    result = await runDemo({
      workDir,
      pollCron: '*/5 * * * * *',
      digestCron: '*/4 * * * * *',
      maxDurationMs: 50_000,
      write: () => {},
      logger: silentLogger(),
    });
  }, 60_000);
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('ends by itself once the email is written and feeds answered 304', () => {
    expect(result.stoppedBy).toBe('done');
    expect(result.cycles[0]).toMatchObject({ feeds: 4, fetched: 4, failed: 0, newItems: 32 });
    expect(result.cycles.some((cycle) => cycle.notModified > 0)).toBe(true);
  });

  it('fetches each feed once: the first poll and the first cron tick do not overlap', () => {
    // After the first cycle only 304s are expected (ETags); a 200 means a feed was polled twice.
    expect(result.cycles.slice(1).filter((cycle) => cycle.fetched > 0)).toEqual([]);
  });

  it('prints a digest with the Health Data Hub story, carried by two outlets', () => {
    const [digest] = result.digests;
    expect(digest).toContain('Le Health Data Hub choisit un hébergeur qualifié SecNumCloud');
    expect(digest).toContain('Le Journal du Cloud, Santé & Numérique');
    expect(result.printed).toContain(digest);
  });

  it('announces only the last three days; older stories are stored for search', () => {
    const digest = result.digests.join('\n');
    expect(digest).not.toContain('calendrier de la réversibilité');
    const db = openDb(result.dbPath, { readonly: true });
    const titles = searchArticles(db, { term: 'health-data-hub', limit: 20 }).results.map(
      (r) => r.title,
    );
    db.close();
    expect(titles).toEqual(
      expect.arrayContaining([
        'Health Data Hub : le calendrier de la réversibilité détaillé devant le Sénat',
      ]),
    );
  });

  it('keeps out the look-alikes: hôpital de jour, HDS certification, UniHA', () => {
    const db = openDb(result.dbPath, { readonly: true });
    const urls = (db.prepare('SELECT url FROM articles').all() as { url: string }[]).map(
      (row) => row.url,
    );
    db.close();
    expect(urls.length).toBe(result.articles);
    for (const slug of ['hdh-pediatrique', 'certification-hds', 'uniha-logiciels'])
      expect(urls.some((url) => url.includes(slug))).toBe(false);
  });

  it('writes the daily summary as an .eml under the demo directory', () => {
    expect(result.emails).toHaveLength(1);
    const [file] = result.emails;
    expect(path.dirname(file ?? '')).toBe(path.join(workDir, 'outbox', 'mail'));
    const eml = readFileSync(file ?? '', 'utf8');
    expect(eml).toMatch(/^Subject: /m);
    expect(eml).toContain('To: veille@example.org');
  });

  it('served /metrics with the cycles it ran', () => {
    const fetched = result.cycles.reduce((sum, cycle) => sum + cycle.fetched, 0);
    expect(result.metrics).toContain(`vigie_feed_polls_total{result="fetched"} ${fetched}`);
    expect(result.metrics).toMatch(/vigie_items_matched_total 10\b/);
    expect(result.metrics).toContain('vigie_deliveries{status="failed"} 0');
  });
});
