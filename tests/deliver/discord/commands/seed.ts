/**
 * A small archive for slash command tests: French press articles written for these tests, two
 * configured outlets, an injected DNS resolver (no real query) and the deps a worker would pass.
 */
import { vi } from 'vitest';
import type { TermId, TopicId } from '../../../../src/analyze/types.ts';
import type { CommandDeps } from '../../../../src/deliver/discord/commands/types.ts';
import { saveMatchedArticle } from '../../../../src/store/articles.ts';
import { type Db, openDb } from '../../../../src/store/db.ts';
import type { Resolver } from '../../../../src/store/feed-admin.ts';
import { listFeeds, syncConfiguredFeeds } from '../../../../src/store/feeds.ts';
import { analysisOf, article } from '../../../store/fixtures.ts';

export const NOW = new Date('2026-03-02T07:00:00.000Z');

export const SOURCES = [
  { name: 'LeMagIT', url: 'https://www.lemagit.fr/rss/ContentSyndication.xml' },
  { name: 'Silicon', url: 'https://www.silicon.fr/feed' },
];

interface Story {
  title: string;
  text: string;
  slug: string;
  terms: TermId[];
  topics: TopicId[];
  source: 'LeMagIT' | 'Silicon';
  publishedAt: string;
  /** When Vigie first saw it; default an hour before NOW. */
  seenAt?: string;
  digest?: boolean;
}

export const STORIES: Story[] = [
  {
    title: 'L’UGAP référence une offre de cloud qualifiée SecNumCloud',
    text: 'La centrale d’achat public ouvre aux collectivités un marché d’hébergement souverain. Les ministères pourront commander sans nouvel appel d’offres.',
    slug: 'ugap-offre-cloud',
    terms: ['ugap', 'secnumcloud'],
    topics: ['commande-publique', 'hebergement'],
    source: 'LeMagIT',
    publishedAt: '2026-02-27T09:30:00.000Z',
    digest: true,
  },
  {
    title: 'Health Data Hub : la migration vers un hébergeur européen encore repoussée',
    text: 'La plateforme des données de santé attend toujours un hébergeur qualifié. Le calendrier de sortie de Microsoft Azure glisse à nouveau, au nom de la souveraineté.',
    slug: 'hdh-migration',
    terms: ['health-data-hub'],
    topics: ['donnees-sante', 'souverainete'],
    source: 'Silicon',
    publishedAt: '2026-02-25T14:00:00.000Z',
    digest: true,
  },
  {
    title: 'L’ANSSI publie la nouvelle version de son référentiel',
    text: 'Le document précise les exigences de la qualification SecNumCloud pour les prestataires d’informatique en nuage, notamment l’immunité aux lois extraterritoriales.',
    slug: 'anssi-referentiel',
    terms: ['secnumcloud'],
    topics: ['certification', 'cybersecurite'],
    source: 'LeMagIT',
    publishedAt: '2026-02-20T08:00:00.000Z',
    seenAt: '2026-02-20T08:30:00.000Z',
  },
];

/** `count` procurement stories, for pagination. */
export function procurementStories(count: number): Story[] {
  return Array.from({ length: count }, (_, i) => ({
    title: `Marché UGAP n°${i + 1} : un lot de postes de travail pour la fonction publique`,
    text: `L’UGAP attribue le lot ${i + 1} à un intégrateur régional. Les établissements publics pourront passer commande dès le ${i + 1} avril.`,
    slug: `ugap-lot-${i + 1}`,
    terms: ['ugap'],
    topics: ['commande-publique'],
    source: i % 2 ? 'Silicon' : 'LeMagIT',
    publishedAt: new Date(Date.UTC(2026, 1, 1 + i, 10)).toISOString(),
  }));
}

/** An in-memory database with the two outlets and `stories` stored. */
export function seededDb(stories: Story[] = STORIES): Db {
  const db = openDb(':memory:');
  syncConfiguredFeeds(db, SOURCES, NOW.toISOString());
  const feedIds = new Map(listFeeds(db).map((feed) => [feed.name, feed.id]));
  for (const story of stories) {
    const url = `https://www.example.fr/actualites/${story.slug}`;
    saveMatchedArticle(
      db,
      article({
        title: story.title,
        text: story.text,
        url,
        publishedAt: story.publishedAt,
        analysis: analysisOf(story.terms, story.topics),
      }),
      {
        feedId: feedIds.get(story.source) as number,
        itemKey: url,
        itemUrl: url,
        publishedAt: story.publishedAt,
      },
      { digest: story.digest ?? false, alerts: [] },
      story.seenAt ?? new Date(NOW.getTime() - 3_600_000).toISOString(),
    );
  }
  return db;
}

/**
 * A resolver answering from `table` (host → addresses) and recording what it was asked;
 * unknown hosts fail like getaddrinfo's ENOTFOUND.
 */
export function fakeResolver(table: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (host: string) => {
    asked.push(host);
    const addresses = table[host];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

export const RESOLVER_TABLE: Record<string, string[]> = {
  // Public-looking documentation addresses (RFC 5737 / RFC 3849 are not in the block list).
  'www.presse-cloud.fr': ['203.0.113.10', '2001:db8::10'],
  // A name pointing inside: what a DNS-rebinding or internal host looks like.
  'intranet.presse-cloud.fr': ['10.20.30.40'],
  'mixte.presse-cloud.fr': ['203.0.113.11', '192.168.1.12'],
  localhost: ['127.0.0.1', '::1'],
};

export type TestDeps = CommandDeps & {
  dispatch: ReturnType<typeof vi.fn>;
  resolver: ReturnType<typeof fakeResolver>;
  setNow(date: Date): void;
};

/** The deps a worker would pass, with a settable clock, a fake resolver and a recorded dispatch. */
export function testDeps(db: Db, overrides: Partial<CommandDeps> = {}): TestDeps {
  let now = NOW;
  const dispatch = vi.fn(async () => undefined);
  const resolver = fakeResolver(RESOLVER_TABLE);
  return {
    db,
    lang: 'fr',
    clock: () => now,
    allowPrivateFeeds: false,
    resolve: resolver,
    digest: { destination: 'console', maxArticles: 60, timeZone: 'Europe/Paris', dispatch },
    nextRuns: () => ({
      poll: new Date('2026-03-02T07:01:00.000Z'),
      digest: new Date('2026-03-02T09:00:00.000Z'),
      email: new Date('2026-03-03T07:00:00.000Z'),
    }),
    ...overrides,
    dispatch,
    resolver,
    setNow: (date) => {
      now = date;
    },
  };
}
