import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  contentFingerprint,
  markSeen,
  saveMatchedArticle,
  unseenKeys,
} from '../../src/store/articles.ts';
import { type Db, openDb, schemaVersion } from '../../src/store/db.ts';
import {
  dueFeeds,
  listFeeds,
  recordPollFailure,
  recordPollSuccess,
  syncConfiguredFeeds,
} from '../../src/store/feeds.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import {
  claimDue,
  confirmPart,
  markSent,
  pendingItems,
  queueBatch,
  recoverInFlight,
} from '../../src/store/outbox.ts';
import { searchArticles, toFtsQuery } from '../../src/store/search.ts';
import { articleViews, bodySnippet } from '../../src/store/views.ts';
import { analysisOf, article } from './fixtures.ts';

const now = '2026-03-02T07:00:00.000Z';
const noAnnounce = { digest: false, alerts: [] };
const sources = [
  { name: 'LeMagIT', url: 'https://www.lemagit.fr/rss/ContentSyndication.xml' },
  { name: 'Silicon', url: 'https://www.silicon.fr/feed' },
];

function freshDb(): Db {
  const db = openDb(':memory:');
  syncConfiguredFeeds(db, sources, now);
  return db;
}

function feedId(db: Db, name: string): number {
  const feed = listFeeds(db).find((f) => f.name === name);
  if (!feed) throw new Error(`no feed ${name}`);
  return feed.id;
}

describe('openDb', () => {
  it('migrates a new file to the latest version with WAL and foreign keys', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'vigie-db-')), 'vigie.db');
    const db = openDb(file);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
    const again = openDb(file);
    expect(schemaVersion(again)).toBe(MIGRATIONS.length);
    again.close();
  });

  it('refuses a database from a newer Vigie', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'vigie-db-')), 'vigie.db');
    const db = openDb(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openDb(file)).toThrow(/upgrade Vigie/);
  });

  it('says how to create the database when it does not exist yet', () => {
    expect(() => openDb('/nonexistent/dir/vigie.db', { readonly: true })).toThrow(
      'no database at /nonexistent/dir/vigie.db yet: run `vigie poll --once` or `npm start` first',
    );
  });
});

describe('feeds', () => {
  it('keeps poll state when sources.yml is re-read and marks dropped feeds removed', () => {
    const db = freshDb();
    recordPollSuccess(db, feedId(db, 'LeMagIT'), {
      now,
      nextPollAt: '2026-03-02T07:15:00.000Z',
      notModified: false,
      etag: '"abc"',
      lastModified: null,
    });
    syncConfiguredFeeds(
      db,
      [{ ...sources[0], name: 'LeMagIT (TechTarget)' } as (typeof sources)[0]],
      now,
    );
    const feeds = listFeeds(db);
    expect(feeds).toHaveLength(1);
    expect(feeds[0]).toMatchObject({ name: 'LeMagIT (TechTarget)', etag: '"abc"' });
  });

  it('counts failures, disables on request and resets on success', () => {
    const db = freshDb();
    const id = feedId(db, 'Silicon');
    const failure = {
      now,
      nextPollAt: now,
      code: 'FETCH_HTTP',
      message: 'HTTP 500',
      disable: false,
    };
    expect(recordPollFailure(db, id, failure)).toBe(1);
    expect(recordPollFailure(db, id, { ...failure, disable: true })).toBe(2);
    expect(dueFeeds(db, now).map((f) => f.name)).toEqual(['LeMagIT']);
    recordPollSuccess(db, id, {
      now,
      nextPollAt: now,
      notModified: true,
      etag: null,
      lastModified: null,
    });
    expect(
      dueFeeds(db, now)
        .map((f) => f.name)
        .sort(),
    ).toEqual(['LeMagIT', 'Silicon']);
  });

  it('follows a permanent redirect by updating the stored URL', () => {
    const db = freshDb();
    const id = feedId(db, 'Silicon');
    recordPollSuccess(db, id, {
      now,
      nextPollAt: now,
      notModified: false,
      etag: null,
      lastModified: null,
      movedTo: 'https://www.silicon.fr/feed/',
    });
    expect(listFeeds(db).find((f) => f.id === id)?.url).toBe('https://www.silicon.fr/feed/');
  });
});

describe('articles', () => {
  let db: Db;
  beforeEach(() => {
    db = freshDb();
  });

  const hdh = article({
    url: 'https://www.lemagit.fr/actualites/hdh-quitte-azure',
    title: 'Le Health Data Hub quitte Azure',
    text: 'La Plateforme des données de santé choisit un hébergeur qualifié SecNumCloud.',
  });

  it('stores an article once when two feeds carry the same URL, with both sources', () => {
    const first = saveMatchedArticle(
      db,
      hdh,
      { feedId: feedId(db, 'LeMagIT'), itemKey: 'g1', itemUrl: hdh.url, publishedAt: null },
      noAnnounce,
      now,
    );
    const second = saveMatchedArticle(
      db,
      hdh,
      { feedId: feedId(db, 'Silicon'), itemKey: 'g9', itemUrl: hdh.url, publishedAt: null },
      noAnnounce,
      now,
    );
    expect(first.created).toBe(true);
    expect(second).toEqual({ articleId: first.articleId, created: false });
    expect(articleViews(db, [first.articleId])[0]?.sources.map((s) => s.name)).toEqual([
      'LeMagIT',
      'Silicon',
    ]);
  });

  it('treats the same text under another URL as the same article', () => {
    const first = saveMatchedArticle(
      db,
      hdh,
      { feedId: feedId(db, 'LeMagIT'), itemKey: 'g1', itemUrl: null, publishedAt: null },
      noAnnounce,
      now,
    );
    const copy = {
      ...hdh,
      url: 'https://www.silicon.fr/hdh',
      canonicalUrl: 'https://www.silicon.fr/hdh',
    };
    const second = saveMatchedArticle(
      db,
      copy,
      { feedId: feedId(db, 'Silicon'), itemKey: 's1', itemUrl: copy.url, publishedAt: null },
      noAnnounce,
      now,
    );
    expect(second.articleId).toBe(first.articleId);
  });

  it('fingerprints ignore case, accents and spacing but not words', () => {
    expect(contentFingerprint('L’UGAP', 'Marché  cloud')).toBe(
      contentFingerprint("l'ugap", 'marche cloud'),
    );
    expect(contentFingerprint('UGAP', 'marché cloud')).not.toBe(
      contentFingerprint('UGAP', 'marché réseau'),
    );
  });

  it('queues announcements with the article, once', () => {
    const saved = saveMatchedArticle(
      db,
      hdh,
      { feedId: feedId(db, 'LeMagIT'), itemKey: 'g1', itemUrl: null, publishedAt: null },
      { digest: true, alerts: [{ rule: 'hdh', destination: 'discord:123' }] },
      now,
    );
    saveMatchedArticle(
      db,
      hdh,
      { feedId: feedId(db, 'Silicon'), itemKey: 'g2', itemUrl: null, publishedAt: null },
      { digest: true, alerts: [{ rule: 'hdh', destination: 'discord:123' }] },
      now,
    );
    expect(pendingItems(db, 'digest-item')).toEqual([
      expect.objectContaining({ articleId: saved.articleId }),
    ]);
    expect(pendingItems(db, 'email-item')).toHaveLength(1);
    expect(claimDue(db, ['alert'], now)).toHaveLength(1);
  });

  it('remembers unmatched items so they are not fetched again', () => {
    const id = feedId(db, 'LeMagIT');
    expect(unseenKeys(db, id, ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    markSeen(db, id, ['a', 'c'], now);
    expect(unseenKeys(db, id, ['a', 'b', 'c'])).toEqual(['b']);
  });
});

describe('search', () => {
  let db: Db;
  beforeEach(() => {
    db = freshDb();
    const source = (key: string) => ({
      feedId: feedId(db, 'LeMagIT'),
      itemKey: key,
      itemUrl: null,
      publishedAt: null,
    });
    saveMatchedArticle(
      db,
      article({
        url: 'https://example.org/1',
        title: 'Souveraineté : le Health Data Hub migre vers un cloud SecNumCloud',
        text: 'Le ministère confirme la migration des données de santé hors de Microsoft Azure.',
        analysis: analysisOf(['health-data-hub', 'secnumcloud'], ['hebergement', 'souverainete']),
        publishedAt: '2026-02-01T08:00:00.000Z',
      }),
      source('1'),
      noAnnounce,
      now,
    );
    saveMatchedArticle(
      db,
      article({
        url: 'https://example.org/2',
        title: 'L’UGAP référence une nouvelle offre cloud',
        text: 'La centrale d’achat public ajoute un marché de cloud souverain à son catalogue.',
        analysis: analysisOf(['ugap'], ['commande-publique']),
        publishedAt: '2026-02-20T08:00:00.000Z',
      }),
      source('2'),
      noAnnounce,
      now,
    );
  });

  it('finds words without accents and by prefix, hits marked', () => {
    const page = searchArticles(db, { query: 'souverain' });
    expect(page.total).toBe(2);
    const accentless = searchArticles(db, { query: 'donnees sante' });
    expect(accentless.results.map((r) => r.id)).toEqual([1]);
    expect(accentless.results[0]?.snippet).toContain('⟦');
  });

  it('honours phrases, exclusions and filters', () => {
    expect(searchArticles(db, { query: '"cloud souverain"' }).results.map((r) => r.id)).toEqual([
      2,
    ]);
    expect(searchArticles(db, { query: 'cloud -azure' }).results.map((r) => r.id)).toEqual([2]);
    expect(searchArticles(db, { query: '-azure' }).results.map((r) => r.id)).toEqual([2]);
    expect(searchArticles(db, { query: 'cloud', term: 'ugap' }).total).toBe(1);
    expect(searchArticles(db, { query: '', topic: 'hebergement' }).results[0]?.terms).toEqual([
      'health-data-hub',
      'secnumcloud',
    ]);
    expect(searchArticles(db, { since: '2026-02-10' }).results.map((r) => r.id)).toEqual([2]);
    expect(searchArticles(db, { source: 'lemagit' }).total).toBe(2);
  });

  it.each([
    'NEAR(cloud azure',
    '"unbalanced',
    'cloud*',
    'title:cloud',
    "'; DROP TABLE articles; --",
    'AND OR NOT',
    '^cloud + - " " ( ) { }',
    'cloud '.repeat(1000),
  ])('never raises a syntax error for %#', (query) => {
    expect(() => searchArticles(db, { query })).not.toThrow();
    expect(searchArticles(db, {}).total).toBe(2);
  });

  it('builds quoted FTS syntax from user words only', () => {
    expect(toFtsQuery('NEAR(cloud "Health Data" -azure')).toBe(
      '("NEAR cloud" AND "Health Data") NOT ("azure")',
    );
    expect(toFtsQuery('e-santé souveraine')).toBe('"e santé" AND "souveraine"*');
    expect(toFtsQuery('*** ---')).toBeNull();
  });
});

describe('outbox', () => {
  it('resumes a split delivery at the first unconfirmed part after a crash', () => {
    const db = freshDb();
    const batch = queueBatch(db, {
      kind: 'digest',
      destination: 'console',
      dedupKey: 'digest:1',
      payload: { parts: 3 },
      itemIds: [],
      now,
    });
    expect(
      queueBatch(db, {
        kind: 'digest',
        destination: 'console',
        dedupKey: 'digest:1',
        payload: {},
        itemIds: [],
        now,
      }),
    ).toBeNull();
    const [claimed] = claimDue(db, ['digest'], now);
    expect(claimed?.id).toBe(batch);
    confirmPart(db, batch as number, 'm1');
    // crash here: the row stays 'sending' until recovery
    expect(claimDue(db, ['digest'], now)).toHaveLength(0);
    expect(recoverInFlight(db)).toBe(1);
    const [again] = claimDue(db, ['digest'], now);
    expect(again).toMatchObject({ partsSent: 1, messageIds: ['m1'], attempts: 2 });
    markSent(db, batch as number, now);
    expect(claimDue(db, ['digest'], now)).toHaveLength(0);
  });
});

describe('bodySnippet', () => {
  it('prefers a snippet from the body over the headline itself', () => {
    const title = 'L’UGAP référence une offre cloud';
    expect(
      bodySnippet(title, [
        'L’⟦UGAP⟧ référence une offre cloud',
        'La centrale d’achat (⟦UGAP⟧) publie son catalogue.',
      ]),
    ).toBe('La centrale d’achat (⟦UGAP⟧) publie son catalogue.');
    expect(bodySnippet(title, ['L’⟦UGAP⟧ référence une offre cloud'])).toBe(
      'L’⟦UGAP⟧ référence une offre cloud',
    );
    expect(bodySnippet(title, [])).toBeNull();
  });
});
