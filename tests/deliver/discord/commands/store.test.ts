/**
 * The store side of the slash commands: search ranking on a seeded archive (the search /search
 * and `vigie search` share), runtime feeds and their URL check, and the /topics and /stats
 * counts.
 */
import { describe, expect, it } from 'vitest';
import { type Db, openDb } from '../../../../src/store/db.ts';
import {
  addRuntimeFeed,
  checkFeedUrl,
  FeedAdminError,
  findFeed,
  removeRuntimeFeed,
  setFeedPaused,
} from '../../../../src/store/feed-admin.ts';
import { listFeeds, recordPollFailure } from '../../../../src/store/feeds.ts';
import { searchArticles } from '../../../../src/store/search.ts';
import { storeStats, trendsBetween } from '../../../../src/store/stats.ts';
import { fakeResolver, NOW, RESOLVER_TABLE, STORIES, seededDb } from './seed.ts';

const titles = (db: Db, query: string) =>
  searchArticles(db, { query }).results.map((result) => result.title);

describe('search ranking on a seeded archive', () => {
  const db = seededDb();

  it('ranks a title hit above a body-only hit', () => {
    expect(titles(db, 'SecNumCloud')).toEqual([
      'L’UGAP référence une offre de cloud qualifiée SecNumCloud',
      'L’ANSSI publie la nouvelle version de son référentiel',
    ]);
  });

  it('ignores accents both ways', () => {
    expect(titles(db, 'referentiel')).toEqual([
      'L’ANSSI publie la nouvelle version de son référentiel',
    ]);
    expect(titles(db, 'hébergeur')).toEqual(titles(db, 'hebergeur'));
    expect(titles(db, 'hebergeur')).toHaveLength(1);
  });

  it('matches a word as a prefix: « souverain » finds « souverain » and « souveraineté »', () => {
    expect(titles(db, 'souverain').sort()).toEqual([
      'Health Data Hub : la migration vers un hébergeur européen encore repoussée',
      'L’UGAP référence une offre de cloud qualifiée SecNumCloud',
    ]);
  });

  it('honours "quoted phrases" and -exclusions', () => {
    expect(titles(db, '"données de santé"')).toHaveLength(1);
    expect(titles(db, 'SecNumCloud -UGAP')).toEqual([
      'L’ANSSI publie la nouvelle version de son référentiel',
    ]);
  });

  it('gives highlighted snippets around the hit', () => {
    const [first] = searchArticles(db, { query: 'immunité' }).results;
    expect(first?.snippet).toContain('⟦immunité⟧');
  });
});

describe('checkFeedUrl', () => {
  const resolve = fakeResolver(RESOLVER_TABLE);

  it('accepts an https URL whose every address is public', async () => {
    const url = await checkFeedUrl(' https://www.presse-cloud.fr/rss ', {
      allowPrivate: false,
      resolve,
    });
    expect(url.href).toBe('https://www.presse-cloud.fr/rss');
  });

  it.each([
    ['http://127.0.0.1/rss', 'FEED_URL_PRIVATE'],
    ['http://0.0.0.0:9464/', 'FEED_URL_PRIVATE'],
    ['http://[fe80::1]/rss', 'FEED_URL_PRIVATE'],
    ['http://2130706433/rss', 'FEED_URL_PRIVATE'],
    ['https://intranet.presse-cloud.fr/rss', 'FEED_URL_PRIVATE'],
    ['https://inconnu.presse-cloud.fr/rss', 'FEED_URL_UNRESOLVABLE'],
    ['https://lecteur:secret@www.presse-cloud.fr/rss', 'FEED_URL_CREDENTIALS'],
    ['javascript:alert(1)', 'FEED_URL_SCHEME'],
    ['pas une adresse', 'FEED_URL_INVALID'],
  ])('refuses %s with %s', async (raw, code) => {
    const failure = await checkFeedUrl(raw, { allowPrivate: false, resolve }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(FeedAdminError);
    expect(failure).toMatchObject({ code, subject: raw.trim() });
  });

  it('lets allowPrivateFeeds through without resolving, but never another scheme', async () => {
    const local = fakeResolver({});
    await expect(
      checkFeedUrl('http://intranet.local/rss', { allowPrivate: true, resolve: local }),
    ).resolves.toBeInstanceOf(URL);
    expect(local.asked).toEqual([]);
    await expect(
      checkFeedUrl('file:///etc/passwd', { allowPrivate: true, resolve: local }),
    ).rejects.toMatchObject({ code: 'FEED_URL_SCHEME' });
  });
});

describe('runtime feeds', () => {
  const now = NOW.toISOString();
  const resolve = fakeResolver(RESOLVER_TABLE);
  const add = (db: Db, url: string, name?: string) =>
    addRuntimeFeed(db, { url, name, now, allowPrivate: false, resolve });

  it('adds a runtime feed due at once and refuses the same URL twice', async () => {
    const db = seededDb([]);
    const feed = await add(db, 'https://www.presse-cloud.fr/rss');
    expect(feed).toMatchObject({
      name: 'www.presse-cloud.fr',
      origin: 'runtime',
      nextPollAt: now,
      removedAt: null,
    });
    await expect(add(db, 'https://www.presse-cloud.fr/rss')).rejects.toMatchObject({
      code: 'FEED_EXISTS',
    });
  });

  it('brings a removed feed back with its history instead of failing on the unique URL', async () => {
    const db = seededDb([]);
    const feed = await add(db, 'https://www.presse-cloud.fr/rss', 'Presse Cloud');
    removeRuntimeFeed(db, String(feed.id), now);
    expect(findFeed(db, 'Presse Cloud')).toBeNull();

    const back = await add(db, 'https://www.presse-cloud.fr/rss', 'Presse Cloud');
    expect(back.id).toBe(feed.id);
    expect(back.removedAt).toBeNull();
  });

  it('resumes a disabled feed and makes it due now', () => {
    const db = seededDb([]);
    const silicon = findFeed(db, 'silicon');
    recordPollFailure(db, silicon?.id ?? 0, {
      now,
      nextPollAt: '2026-03-03T07:00:00.000Z',
      code: 'FETCH_HTTP',
      message: 'HTTP 410',
      disable: true,
    });
    const resumed = setFeedPaused(db, 'Silicon', false, now);
    expect(resumed).toMatchObject({ disabledAt: null, paused: false, nextPollAt: now });
  });

  it('does not guess between two feeds of the same name', async () => {
    const db = seededDb([]);
    await add(db, 'https://www.presse-cloud.fr/rss', 'LeMagIT');
    expect(findFeed(db, 'lemagit')).toBeNull();
    expect(() => setFeedPaused(db, 'lemagit', true, now)).toThrow(FeedAdminError);
  });
});

describe('trends and stats', () => {
  it('counts topics and terms over the period and the one before', () => {
    const db = seededDb();
    const trends = trendsBetween(db, '2026-02-23T07:00:00.000Z', NOW.toISOString());
    expect(trends.articles).toEqual({ count: 2, previous: 1 });
    expect(trends.topics.find((t) => t.id === 'hebergement')).toEqual({
      id: 'hebergement',
      count: 1,
      previous: 0,
    });
    expect(trends.topics.find((t) => t.id === 'certification')).toEqual({
      id: 'certification',
      count: 0,
      previous: 1,
    });
    expect(trends.terms.map((t) => [t.id, t.count, t.previous])).toEqual([
      ['health-data-hub', 1, 0],
      ['secnumcloud', 1, 1],
      ['ugap', 1, 0],
    ]);
  });

  it('refuses an empty period', () => {
    const db = openDb(':memory:');
    expect(() => trendsBetween(db, NOW.toISOString(), NOW.toISOString())).toThrow(RangeError);
  });

  it('sorts feeds into ok, failing, disabled and paused, and counts what waits', () => {
    const db = seededDb(STORIES);
    const [lemagit, silicon] = listFeeds(db);
    recordPollFailure(db, silicon?.id ?? 0, {
      now: '2026-03-02T06:45:00.000Z',
      nextPollAt: '2026-03-02T07:15:00.000Z',
      code: 'FETCH_TIMEOUT',
      message: 'timeout',
      disable: false,
    });
    setFeedPaused(db, String(lemagit?.id), true, NOW.toISOString());

    expect(storeStats(db)).toEqual({
      feeds: { total: 2, ok: 0, failing: 1, disabled: 0, paused: 1 },
      articles: 3,
      lastPollAt: '2026-03-02T06:45:00.000Z',
      nextFeedDueAt: '2026-03-02T07:15:00.000Z',
      deliveries: { pending: 0, failed: 0, waitingForDigest: 2 },
    });
  });
});
