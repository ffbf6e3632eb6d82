import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rssFeed } from '../support/feed-builder.ts';
import { type FeedServer, startFeedServer } from '../support/feed-server.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

async function vigie(...args: string[]) {
  const { stdout, stderr } = await run(
    process.execPath,
    [path.join(root, 'bin/vigie.js'), ...args],
    {
      cwd: root,
      env: { PATH: process.env.PATH, LOG_LEVEL: 'info' },
    },
  );
  return { json: JSON.parse(stdout), stderr };
}

const longText = (lead: string) =>
  `${lead} ${'Le calendrier de la migration sera précisé par le ministère. '.repeat(30)}`;

describe('vigie poll --once, search and feeds list from the shell', () => {
  let server: FeedServer;
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-cli-'));
  const db = path.join(dir, 'vigie.db');
  const sources = path.join(dir, 'sources.yml');

  beforeAll(async () => {
    server = await startFeedServer({
      '/feed.xml': {
        contentType: 'application/rss+xml',
        body: rssFeed({
          title: 'Le Fil Cloud',
          link: 'https://example.org',
          items: [
            {
              title: 'La Plateforme des données de santé choisit son hébergeur',
              link: 'https://example.org/pds-hebergeur',
              contentHtml: `<p>${longText('Le Health Data Hub migrera vers un cloud qualifié SecNumCloud.')}</p>`,
              publishedAt: '2026-03-01T09:00:00Z',
            },
            {
              title: 'Les ventes de smartphones reculent',
              link: 'https://example.org/smartphones',
              contentHtml: `<p>${longText('Le marché mondial recule encore au dernier trimestre.')}</p>`,
              publishedAt: '2026-03-01T10:00:00Z',
            },
          ],
        }),
      },
    });
    writeFileSync(
      sources,
      `feeds:\n  - name: Le Fil Cloud\n    url: ${server.url('/feed.xml')}\n  - name: Hors ligne\n    url: ${server.url('/absent.xml')}\n`,
    );
  });
  afterAll(() => server.close());

  it('polls once, stores the matching article and logs per feed on stderr', async () => {
    const { json, stderr } = await vigie(
      'poll',
      '--once',
      '--sources',
      sources,
      '--db',
      db,
      '--json',
    );
    expect(json).toMatchObject({ feeds: 2, fetched: 1, failed: 1, newItems: 2, matched: 1 });
    expect(typeof json.durationMs).toBe('number');
    expect(stderr).toContain('Le Fil Cloud');
    expect(stderr).toContain('HTTP 404');
  });

  it('finds the stored article', async () => {
    const { json } = await vigie('search', 'plateforme données', '--db', db, '--json');
    expect(json.total).toBe(1);
    expect(json.results[0]).toMatchObject({
      title: 'La Plateforme des données de santé choisit son hébergeur',
      url: 'https://example.org/pds-hebergeur',
      source: 'Le Fil Cloud',
      terms: expect.arrayContaining(['health-data-hub', 'secnumcloud']),
    });
  });

  it('lists the feeds with their state', async () => {
    const { json } = await vigie('feeds', 'list', '--db', db, '--json');
    const states = Object.fromEntries(
      json.feeds.map((feed: { name: string; state: string }) => [feed.name, feed.state]),
    );
    expect(states).toEqual({ 'Le Fil Cloud': 'ok', 'Hors ligne': 'failing' });
  });

  it('reports stats with the failing feed and its error', async () => {
    const { json } = await vigie('stats', '--db', db, '--json');
    expect(json).toMatchObject({ articles: 1, feeds: { total: 2, ok: 1, failing: 1 } });
    expect(json.failingFeeds).toEqual([
      expect.objectContaining({
        name: 'Hors ligne',
        consecutiveFailures: 1,
        lastError: expect.stringContaining('HTTP 404'),
      }),
    ]);
  });

  it('rejects a bad option with a clear message and exit code 2', async () => {
    await expect(vigie('search', 'cloud', '--term', 'hdh', '--db', db)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--term: expected one of health-data-hub, secnumcloud, ugap'),
    });
  });
});
