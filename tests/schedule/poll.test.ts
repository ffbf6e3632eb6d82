import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Settings, settingsSchema } from '../../src/config/schema.ts';
import { createFetcher, type Fetcher, type FetchSuccess } from '../../src/ingest/fetch.ts';
import { type PollContext, runPollCycle } from '../../src/schedule/poll.ts';
import { countArticles } from '../../src/store/articles.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { addRuntimeFeed } from '../../src/store/feed-admin.ts';
import {
  activeFeeds,
  type FeedRow,
  listFeeds,
  syncConfiguredFeeds,
} from '../../src/store/feeds.ts';
import { pendingItems } from '../../src/store/outbox.ts';
import { searchArticles } from '../../src/store/search.ts';
import { articleViews } from '../../src/store/views.ts';
import { articlePage, atomFeed, type BuiltItem, rssFeed } from '../support/feed-builder.ts';
import { type FeedServer, startFeedServer } from '../support/feed-server.ts';
import { testPollContext } from '../support/poll-context.ts';

// Full text long enough that the feed entry counts as the whole article (no page fetch).
const hdhStory = [
  'Le ministère de la Santé a confirmé lundi que le Health Data Hub quittera Microsoft Azure.',
  'La Plateforme des données de santé sera hébergée par un prestataire qualifié SecNumCloud par l’ANSSI, au terme d’un appel d’offres lancé à l’automne.',
  'La migration doit s’achever avant la fin de l’année prochaine, selon la direction de la plateforme, qui promet une continuité de service pour les projets de recherche en cours.',
  'Les associations de patients saluent une décision attendue depuis la délibération de la CNIL, tandis que plusieurs hébergeurs français se disent prêts à accueillir les données.',
  'Le coût de l’opération n’a pas été communiqué. Les équipes techniques devront transférer plusieurs pétaoctets de données pseudonymisées issues de l’Assurance maladie.',
]
  .map((p) => `<p>${p}</p>`)
  .join('\n');

const fixedNow = new Date('2026-03-02T08:00:00+01:00');

/** A poll context on `db`, its clock stopped at `fixedNow`. */
function pollContext(db: Db, fetcher: Fetcher, settings?: Settings): PollContext {
  return testPollContext(db, fetcher, fixedNow, settings);
}

/** A fetcher that answers every URL with `answer(url)`, without any network. */
function fakeFetcher(answer: (url: string) => Promise<Partial<FetchSuccess>>): Fetcher {
  return {
    fetch: async (url) => ({
      ok: true,
      status: 200,
      url,
      body: Buffer.alloc(0),
      contentType: null,
      etag: null,
      lastModified: null,
      permanentRedirect: null,
      ...(await answer(url)),
    }),
    close: async () => {},
  };
}

describe('poll cycle against the loopback feed server', () => {
  let server: FeedServer;
  let db: Db;
  let context: PollContext;
  const fetcher = createFetcher({ totalTimeoutMs: 5_000 });

  const hdhItem = (origin: string): BuiltItem => ({
    title: 'Le Health Data Hub quitte Azure pour un cloud SecNumCloud',
    link: `${origin}/articles/hdh-quitte-azure?utm_source=rss`,
    guid: 'lemagit-1001',
    description: 'Le ministère confirme le départ de Microsoft.',
    contentHtml: hdhStory,
    publishedAt: '2026-03-01T09:30:00Z',
  });

  beforeAll(async () => {
    server = await startFeedServer();
    const origin = server.origin;
    server.set('/articles/ugap-cloud', {
      contentType: 'text/html; charset=utf-8',
      body: articlePage({
        title: 'Cloud : une centrale d’achat élargit son catalogue',
        paragraphs: [
          'La centrale d’achat public a annoncé l’ajout de nouvelles offres d’hébergement à son catalogue.',
          'Les collectivités pourront commander sans publier leur propre appel d’offres, explique l’Union des groupements d’achats publics (UGAP), qui revendique une économie de procédure.',
        ],
      }),
    });
    server.set('/articles/stockage', {
      contentType: 'text/html; charset=utf-8',
      body: articlePage({
        title: 'Un nouveau service de stockage objet',
        paragraphs: ['Un fournisseur lance une offre de stockage compatible S3 pour les PME.'],
      }),
    });
    server.set('/lemagit.xml', {
      contentType: 'application/rss+xml; charset=utf-8',
      etag: '"lemagit-v1"',
      body: rssFeed({
        title: 'LeMagIT',
        link: origin,
        items: [
          hdhItem(origin),
          {
            title: 'Cloud : une centrale d’achat élargit son catalogue',
            link: `${origin}/articles/ugap-cloud`,
            description: 'Nouvelles offres d’hébergement pour les collectivités.',
            publishedAt: '2026-03-01T10:00:00Z',
          },
          {
            title: 'Un nouveau service de stockage objet',
            link: `${origin}/articles/stockage`,
            description: 'Une offre compatible S3.',
            publishedAt: '2026-03-01T11:00:00Z',
          },
        ],
      }),
    });
    server.set('/silicon.atom', {
      contentType: 'application/atom+xml',
      lastModified: 'Sun, 01 Mar 2026 12:00:00 GMT',
      body: atomFeed({
        title: 'Silicon',
        link: origin,
        items: [
          {
            ...hdhItem(origin),
            guid: 'urn:silicon:77',
            link: `${origin}/articles/hdh-quitte-azure#xtor=RSS`,
          },
        ],
      }),
    });
    server.set('/broken.xml', { status: 500 });

    db = openDb(':memory:');
    syncConfiguredFeeds(
      db,
      [
        { name: 'LeMagIT', url: server.url('/lemagit.xml') },
        { name: 'Silicon', url: server.url('/silicon.atom') },
        { name: 'En panne', url: server.url('/broken.xml') },
      ],
      fixedNow.toISOString(),
    );
    context = pollContext(db, fetcher);
  });

  afterAll(async () => {
    await fetcher.close();
    await server.close();
    db.close();
  });

  it('stores what matches on the first cycle, without announcing it', async () => {
    const summary = await runPollCycle(context, activeFeeds(db));
    expect(summary).toMatchObject({
      feeds: 3,
      fetched: 2,
      notModified: 0,
      failed: 1,
      newItems: 4,
      matched: 3,
    });
    expect(countArticles(db)).toBe(2);
    expect(pendingItems(db, 'digest-item')).toEqual([]);
  });

  it('finds a watch term only present in the article page', () => {
    const page = searchArticles(db, { term: 'ugap' });
    expect(page.results.map((r) => r.url)).toEqual([server.url('/articles/ugap-cloud')]);
  });

  it('stores an article seen on two feeds once, with both sources', () => {
    const [result] = searchArticles(db, { term: 'health-data-hub' }).results;
    expect(result).toBeDefined();
    const [view] = articleViews(db, [result?.id as number]);
    expect(view?.sources.map((s) => s.name)).toEqual(['LeMagIT', 'Silicon']);
  });

  it('asks again with validators and gets 304s, storing nothing', async () => {
    const before = server.requests.length;
    const summary = await runPollCycle(context, activeFeeds(db));
    expect(summary).toMatchObject({
      fetched: 0,
      notModified: 2,
      failed: 1,
      newItems: 0,
      matched: 0,
    });
    const feedRequests = server.requests.slice(before).filter((r) => r.path !== '/broken.xml');
    expect(
      feedRequests.map((r) => r.headers['if-none-match'] ?? r.headers['if-modified-since']),
    ).toEqual(expect.arrayContaining(['"lemagit-v1"', 'Sun, 01 Mar 2026 12:00:00 GMT']));
    expect(server.hits('/articles/stockage')).toBe(1);
  });

  it('records the broken feed failure and backs it off', () => {
    const broken = listFeeds(db).find((feed) => feed.name === 'En panne');
    expect(broken).toMatchObject({ consecutiveFailures: 2, lastErrorCode: 'FETCH_HTTP' });
    expect(Date.parse(broken?.nextPollAt ?? '')).toBeGreaterThan(fixedNow.getTime() + 15 * 60_000);
  });

  it('announces a new matching item once the feed is known', async () => {
    const origin = server.origin;
    server.set('/lemagit.xml', {
      contentType: 'application/rss+xml; charset=utf-8',
      etag: '"lemagit-v2"',
      body: rssFeed({
        title: 'LeMagIT',
        link: origin,
        items: [
          {
            title: 'SecNum Cloud : un troisième acteur qualifié',
            link: `${origin}/articles/secnumcloud-3`,
            description: `L’ANSSI a délivré la qualification SecNumCloud à un nouvel hébergeur. ${'Les détails du référentiel sont publiés. '.repeat(40)}`,
            publishedAt: '2026-03-02T06:00:00Z',
          },
          hdhItem(origin),
        ],
      }),
    });
    const summary = await runPollCycle(context, activeFeeds(db));
    expect(summary).toMatchObject({ fetched: 1, newItems: 1, matched: 1 });
    expect(pendingItems(db, 'digest-item')).toHaveLength(1);
  });
});

describe('a feed that keeps failing', () => {
  it('is disabled after disableAfterFailures failures while the others keep being polled, and a success re-enables it', async () => {
    const server = await startFeedServer({
      '/ok.xml': {
        contentType: 'application/rss+xml',
        etag: '"ok"',
        body: rssFeed({ title: 'OK', link: 'https://example.org', items: [] }),
      },
      '/down.xml': { status: 503 },
    });
    const db = openDb(':memory:');
    const fetcher = createFetcher({ totalTimeoutMs: 5_000 });
    syncConfiguredFeeds(
      db,
      [
        { name: 'Toujours là', url: server.url('/ok.xml') },
        { name: 'En panne', url: server.url('/down.xml') },
      ],
      fixedNow.toISOString(),
    );
    const context = pollContext(
      db,
      fetcher,
      settingsSchema.parse({ poll: { disableAfterFailures: 3 } }),
    );
    try {
      for (let cycle = 1; cycle <= 4; cycle += 1) {
        const summary = await runPollCycle(context, activeFeeds(db));
        expect(summary.feeds).toBe(cycle <= 3 ? 2 : 1);
      }
      const down = listFeeds(db).find((feed) => feed.name === 'En panne');
      expect(down).toMatchObject({ consecutiveFailures: 3, disabledAt: fixedNow.toISOString() });
      expect(server.hits('/down.xml')).toBe(3);
      expect(server.hits('/ok.xml')).toBe(4);

      server.set('/down.xml', {
        contentType: 'application/rss+xml',
        body: rssFeed({ title: 'De retour', link: 'https://example.org', items: [] }),
      });
      await runPollCycle(context, [down as FeedRow]);
      expect(
        activeFeeds(db)
          .map((feed) => feed.name)
          .sort(),
      ).toEqual(['En panne', 'Toujours là']);
    } finally {
      await fetcher.close();
      await server.close();
      db.close();
    }
  });
});

describe('poll cycle pipeline', () => {
  it('keeps a feed in its slot until it is recorded, so fetched bodies cannot pile up', async () => {
    const db = openDb(':memory:');
    const feeds = ['a', 'b', 'c', 'd'].map((name) => ({
      name,
      url: `http://127.0.0.1:9/${name}.xml`,
    }));
    syncConfiguredFeeds(db, feeds, fixedNow.toISOString());
    // At each request: how many feeds of the cycle were already recorded.
    const recordedAtRequest: number[] = [];
    const fetcher = fakeFetcher(async (url) => {
      recordedAtRequest.push(listFeeds(db).filter((feed) => feed.lastPolledAt).length);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return {
        body: Buffer.from(rssFeed({ title: 'Vide', link: url, items: [] })),
        contentType: 'application/rss+xml',
      };
    });
    const summary = await runPollCycle(
      pollContext(db, fetcher, settingsSchema.parse({ poll: { concurrency: 1 } })),
      activeFeeds(db),
    );
    db.close();
    expect(summary.fetched).toBe(4);
    expect(recordedAtRequest).toEqual([0, 1, 2, 3]);
  });

  it('records every unchanged feed by the end of the cycle, 304s being committed in batches', async () => {
    const db = openDb(':memory:');
    const feeds = Array.from({ length: 70 }, (_, i) => ({
      name: `f${i}`,
      url: `http://127.0.0.1:9/${i}.xml`,
    }));
    syncConfiguredFeeds(db, feeds, fixedNow.toISOString());
    const fetcher = fakeFetcher(async (url) => ({ status: 304, etag: `"v2-${url}"` }));
    const summary = await runPollCycle(pollContext(db, fetcher), activeFeeds(db));
    const recorded = listFeeds(db);
    db.close();
    expect(summary.notModified).toBe(70);
    expect(recorded.filter((feed) => feed.lastPolledAt === fixedNow.toISOString())).toHaveLength(
      70,
    );
    expect(recorded.every((feed) => feed.etag === `"v2-${feed.url}"`)).toBe(true);
  });
});

describe('poll cycle: unchanged feeds', () => {
  it('ends the cycle when their states cannot be written: they are only asked again', async () => {
    const db = openDb(':memory:');
    syncConfiguredFeeds(
      db,
      ['a', 'b', 'c'].map((name) => ({ name, url: `http://127.0.0.1:9/${name}.xml` })),
      fixedNow.toISOString(),
    );
    // Every write of a feed's state fails, as under a lock held too long.
    db.exec(
      `CREATE TRIGGER refuse BEFORE UPDATE ON feeds BEGIN SELECT RAISE(ABORT, 'locked'); END`,
    );
    const fetcher = fakeFetcher(async () => ({ status: 304 }));
    const summary = await runPollCycle(pollContext(db, fetcher), activeFeeds(db));
    const feeds = listFeeds(db);
    db.close();
    expect(summary).toMatchObject({ notModified: 3, failed: 0 });
    expect(feeds.every((feed) => feed.lastPolledAt === null)).toBe(true);
  });
});

describe('poll cycle: private addresses', () => {
  let server: FeedServer;
  // Every name points at the loopback feed server, answered here (no DNS query leaves).
  const connectLookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
  };
  const fetcher = createFetcher({ totalTimeoutMs: 3_000, connectLookup });
  const byName = (name: string, path: string) => `http://${name}:${server.port}${path}`;
  const teaser = (link: string): BuiltItem => ({
    title: 'L’UGAP ouvre un marché de cloud qualifié SecNumCloud',
    link,
    description: 'Un nouveau marché.',
    publishedAt: '2026-03-01T09:30:00Z',
  });

  beforeAll(async () => {
    server = await startFeedServer();
    for (const feed of ['public', 'loopback', 'runtime']) {
      server.set(`/article-${feed}`, {
        contentType: 'text/html; charset=utf-8',
        body: articlePage({ title: 'Interne', paragraphs: ['Une page du réseau interne.'] }),
      });
      server.set(`/${feed}.xml`, {
        contentType: 'application/rss+xml',
        body: rssFeed({
          title: feed,
          link: server.origin,
          items: [teaser(server.url(`/article-${feed}`))],
        }),
      });
    }
  });
  afterAll(async () => {
    await fetcher.close();
    await server.close();
  });

  it('fetches article links only where the feed itself may point', async () => {
    const db = openDb(':memory:');
    syncConfiguredFeeds(
      db,
      [
        // A configured feed on a public-looking name: its item links into the loopback.
        { name: 'Public', url: byName('news.example.test', '/public.xml') },
        // A configured feed on the loopback itself: its links there are the operator's network.
        { name: 'Loopback', url: server.url('/loopback.xml') },
      ],
      fixedNow.toISOString(),
    );
    // Added at runtime while its name resolved to a public address; now it points inside.
    await addRuntimeFeed(db, {
      url: byName('rebound.example.test', '/runtime.xml'),
      now: fixedNow.toISOString(),
      allowPrivate: false,
      resolve: async () => [{ address: '192.0.2.10', family: 4 }],
    });
    const summary = await runPollCycle(pollContext(db, fetcher), activeFeeds(db));
    const feeds = listFeeds(db);
    db.close();

    expect(summary).toMatchObject({ fetched: 2, failed: 1 });
    expect(feeds.find((feed) => feed.origin === 'runtime')?.lastErrorCode).toBe('FETCH_PRIVATE');
    expect(server.hits('/runtime.xml')).toBe(0);
    expect(server.hits('/article-loopback')).toBe(1);
    expect(server.hits('/article-public')).toBe(0);
  });
});
