/**
 * The benchmark feeds: N outlets' feeds of 50 full-text items each (2 % mentioning a watch
 * term, every body unique), built with the test feed builder and served on 127.0.0.1 by the
 * test feed server. Feeds are spread over several servers, five feeds per port, because the
 * fetcher caps requests per host: one port for 500 feeds would be one giant outlet, which no
 * real sources.yml is.
 */
import { atomFeed, type BuiltItem, rssFeed } from '../tests/support/feed-builder.ts';
import { type FeedServer, startFeedServer } from '../tests/support/feed-server.ts';
import { articleHtml, frenchArticle, seededRandom } from './french.ts';

export const ITEMS_PER_FEED = 50;
/** One item in 50 mentions a watch term (issue 15: 2 % matching). */
const MATCH_EVERY = 50;
const FEEDS_PER_SERVER = 5;

/**
 * `count` items for feed number `feed`, linking under `origin`. Each carries its whole article
 * (1,500 to 2,600 characters, above `fullTextMinChars`, so no page is fetched) and a summary.
 * Item `i` of feed `f` matches when `(f * count + i) % 50 === 0`. Pure per arguments.
 */
export function benchItems(feed: number, count: number, origin: string): BuiltItem[] {
  const random = seededRandom(1_000_003 * (feed + 1));
  const base = Date.parse('2026-03-02T07:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const serial = feed * count + i;
    const article = frenchArticle(random, serial, {
      chars: 1_500 + Math.floor(random() * 1_100),
      matching: serial % MATCH_EVERY === 0,
    });
    return {
      title: article.title,
      link: `${origin}/articles/${feed}/${i}-${serial}.html`,
      guid: `bench-${feed}-${i}`,
      description: (article.paragraphs[0] ?? '').slice(0, 280),
      contentHtml: articleHtml(article),
      publishedAt: new Date(base - serial * 60_000).toISOString(),
      author: 'Rédaction',
      categories: ['Cloud', 'Secteur public'],
    };
  });
}

/** One feed document (every fourth one Atom, the rest RSS 2.0) as served bytes. Pure. */
export function benchFeedDocument(feed: number, origin: string): { body: Buffer; atom: boolean } {
  const atom = feed % 4 === 3;
  const built = {
    title: `Média ${feed}`,
    link: `${origin}/`,
    items: benchItems(feed, ITEMS_PER_FEED, origin),
  };
  return { body: Buffer.from(atom ? atomFeed(built) : rssFeed(built)), atom };
}

export interface ServedFeeds {
  feeds: { name: string; url: string }[];
  /** Total bytes of all feed documents. */
  bytes: number;
  servers: FeedServer[];
  close(): Promise<void>;
}

/** Starts the servers and installs `count` feeds (ETag'd, so a second poll gets 304s). */
export async function serveBenchFeeds(count: number): Promise<ServedFeeds> {
  const servers: FeedServer[] = [];
  const feeds: ServedFeeds['feeds'] = [];
  let bytes = 0;
  for (let feed = 0; feed < count; feed += 1) {
    if (feed % FEEDS_PER_SERVER === 0) servers.push(await startFeedServer());
    const server = servers[servers.length - 1] as FeedServer;
    const { body, atom } = benchFeedDocument(feed, server.origin);
    const route = `/feed-${feed}.${atom ? 'atom' : 'xml'}`;
    server.set(route, {
      contentType: atom ? 'application/atom+xml' : 'application/rss+xml; charset=utf-8',
      etag: `"bench-${feed}-v1"`,
      body,
    });
    bytes += body.length;
    feeds.push({ name: `Média ${feed}`, url: server.url(route) });
  }
  return {
    feeds,
    bytes,
    servers,
    close: async () => {
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}
