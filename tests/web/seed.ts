/** A small newsroom for the web tests: a database seeded with our own French articles, and a server. */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Analysis, TermId, TopicId } from '../../src/analyze/types.ts';
import { saveMatchedArticle } from '../../src/store/articles.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { listFeeds, syncConfiguredFeeds } from '../../src/store/feeds.ts';
import { handleWebRequest, type WebDeps } from '../../src/web/handler.ts';
import { article } from '../store/fixtures.ts';

/** The tests' "now": Monday 2 March 2026, 08:00 in Paris. */
export const NOW = new Date('2026-03-02T07:00:00.000Z');
const DAY = 86_400_000;

export const HOSTILE_TITLE =
  '<script>alert("pwned")</script> SecNumCloud & <img src=x onerror=alert(1)> \u0001fin\uFFFE';

interface SeedArticle {
  title: string;
  text: string;
  url: string;
  feed: string;
  daysAgo: number;
  terms: { id: TermId; snippet: string }[];
  topics: TopicId[];
}

export const ARTICLES: SeedArticle[] = [
  {
    title: 'L’UGAP référence une offre cloud qualifiée SecNumCloud pour les collectivités',
    text: 'La centrale d’achat public ouvre aux collectivités un marché d’hébergement qualifié SecNumCloud par l’ANSSI, sans mise en concurrence supplémentaire.',
    url: 'https://www.lemagit.example/cloud/ugap-offre-secnumcloud',
    feed: 'LeMagIT',
    daysAgo: 1,
    terms: [
      {
        id: 'ugap',
        snippet: 'La centrale d’achat ⟦l’UGAP⟧ ouvre aux collectivités un marché d’hébergement.',
      },
      { id: 'secnumcloud', snippet: 'Un marché qualifié ⟦SecNumCloud⟧ par l’ANSSI.' },
    ],
    topics: ['commande-publique', 'hebergement'],
  },
  {
    title: 'Health Data Hub : la migration vers un hébergeur souverain repoussée',
    text: 'La plateforme des données de santé attend toujours un hébergeur qualifié ; le ministère évoque un nouveau calendrier de migration.',
    url: 'https://www.usine-digitale.example/sante/hdh-migration',
    feed: 'L’Usine Digitale',
    daysAgo: 9,
    terms: [
      {
        id: 'health-data-hub',
        snippet: 'Le ⟦Health Data Hub⟧ attend toujours un hébergeur qualifié.',
      },
    ],
    topics: ['donnees-sante', 'souverainete'],
  },
  {
    title: HOSTILE_TITLE,
    text: 'Un titre piégé pour vérifier que le texte des flux reste du texte, qualification SecNum Cloud incluse.',
    url: 'https://piege.example/article?id=1&x="><script>alert(2)</script>',
    feed: 'Next',
    daysAgo: 20,
    terms: [
      {
        id: 'secnumcloud',
        snippet: 'La qualification ⟦SecNum Cloud⟧ <b>en gras</b> & « guillemets ».',
      },
    ],
    topics: ['certification'],
  },
  {
    title: 'Cybersécurité : l’ANSSI renforce les exigences du référentiel SecNumCloud',
    text: 'Le référentiel de qualification des prestataires de cloud évolue, avec des exigences accrues sur l’immunité aux lois extra-européennes.',
    url: 'https://next.example/secnumcloud-referentiel',
    feed: 'Next',
    daysAgo: 30,
    terms: [{ id: 'secnumcloud', snippet: 'Le référentiel ⟦SecNumCloud⟧ évolue.' }],
    topics: ['cybersecurite', 'certification'],
  },
];

export const FEEDS = [
  { name: 'LeMagIT', url: 'https://www.lemagit.example/rss' },
  { name: 'L’Usine Digitale', url: 'https://www.usine-digitale.example/rss' },
  { name: 'Next', url: 'https://next.example/feed/' },
];

function analysis(seed: SeedArticle): Analysis {
  return {
    terms: seed.terms.map((term, index) => ({
      id: term.id,
      count: seed.terms.length - index,
      snippets: [term.snippet],
    })),
    topics: seed.topics.map((id, index) => ({ id, score: 3 - index, reasons: [id] })),
    entities: [],
    amounts: [],
    deadlines: [],
  };
}

/** An in-memory database holding `articles` (default: ARTICLES), each first seen `daysAgo` before NOW. */
export function seededDb(articles: readonly SeedArticle[] = ARTICLES): Db {
  const db = openDb(':memory:');
  syncConfiguredFeeds(db, FEEDS, NOW.toISOString());
  const feedIds = new Map(listFeeds(db).map((feed) => [feed.name, feed.id]));
  articles.forEach((seed, index) => {
    const seen = new Date(NOW.getTime() - seed.daysAgo * DAY).toISOString();
    saveMatchedArticle(
      db,
      article({
        title: seed.title,
        text: seed.text,
        url: seed.url,
        publishedAt: seen,
        analysis: analysis(seed),
      }),
      {
        feedId: feedIds.get(seed.feed) ?? 0,
        itemKey: `item-${index}`,
        itemUrl: seed.url,
        publishedAt: seen,
      },
      { digest: false, alerts: [] },
      seen,
    );
  });
  return db;
}

export function webDeps(db: Db, extra: Partial<WebDeps> = {}): WebDeps {
  return { db, now: () => NOW, timeZone: 'Europe/Paris', lang: 'fr', ...extra };
}

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** The web routes on an ephemeral 127.0.0.1 port, other paths 404 (as the worker's server does). */
export async function startWebServer(deps: WebDeps): Promise<TestServer> {
  const server = http.createServer((req, res) => {
    if (!handleWebRequest(req, res, deps)) res.writeHead(404).end('not found');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
