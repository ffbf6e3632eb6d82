/**
 * Issue 10, "Property tests": random bytes and random-but-valid feeds through decode → parse →
 * analyze never throw anything but a FeedParseError and finish within a bound; canonical URLs
 * are idempotent; no input makes a rendered Discord message exceed a limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/analyze.ts';
import { defaultAnalysisRules } from '../../src/analyze/load.ts';
import { TERM_IDS, TOPIC_IDS } from '../../src/analyze/types.ts';
import { limitViolations } from '../../src/deliver/discord/limits.ts';
import { renderAlert, renderDigest } from '../../src/deliver/discord/render.ts';
import type { ArticleView } from '../../src/deliver/types.ts';
import { decodeDocument } from '../../src/ingest/decode.ts';
import { isFeedParseError, itemText, parseFeed } from '../../src/ingest/parse.ts';
import { canonicalUrl } from '../../src/ingest/url.ts';
import { atomFeed, rssFeed } from '../support/feed-builder.ts';
import { FIXED_NOW } from '../support/hostile.ts';

const rules = defaultAnalysisRules();
const fetchedAt = FIXED_NOW.toISOString();
const PER_DOCUMENT_MS = 2_000;

/** Runs the pipeline on bytes; resolves to the item count, or -1 for a clean parse refusal. */
async function pipeline(bytes: Uint8Array, contentType: string | null): Promise<number> {
  const { text } = decodeDocument(bytes, contentType, 'xml');
  try {
    const feed = await parseFeed(text, { fetchedAt, baseUrl: 'https://www.lemagit.fr/rss' });
    for (const item of feed.items)
      analyze(
        { title: item.title, text: itemText(item), url: item.url, publishedAt: item.publishedAt },
        rules,
      );
    return feed.items.length;
  } catch (error) {
    if (isFeedParseError(error)) return -1;
    throw error;
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

// French-looking text with the characters feeds get wrong: accents, apostrophes, entities,
// markup, controls, RTL marks, emoji and the watch terms themselves.
const frenchText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'l’UGAP',
        'SecNum Cloud',
        'Health Data Hub',
        'HDH',
        'hôpital de jour',
        'Plateforme des données de santé',
        'é',
        '&amp;',
        '&eacute;',
        '<b>',
        ']]>',
        '\u0000',
        '\u001F',
        '\u202E',
        '🚀',
        '"',
        "'",
        '\uFFFE',
      ),
      fc.string({ maxLength: 30 }),
    ),
    { maxLength: 25 },
  )
  .map((parts) => parts.join(' '));

const builtItem = fc.record({
  title: frenchText,
  link: fc.webUrl({ withQueryParameters: true, withFragments: true }),
  guid: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }),
  description: fc.option(frenchText, { nil: undefined }),
  contentHtml: fc.option(frenchText, { nil: undefined }),
  publishedAt: fc.option(
    fc
      .date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((date) => date.toISOString()),
    { nil: undefined },
  ),
  categories: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
});

describe('decode → parse → analyze on anything', () => {
  it('random bytes: only a FeedParseError, within the bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4_096 }),
        fc.constantFrom(
          null,
          'application/rss+xml',
          'text/xml; charset=iso-8859-1',
          'text/html; charset=utf-16',
        ),
        async (bytes, contentType) => {
          const { ms } = await timed(() => pipeline(bytes, contentType));
          expect(ms).toBeLessThan(PER_DOCUMENT_MS);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random bytes inside a feed envelope: only a FeedParseError, within the bound', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2_048 }), async (noise) => {
        const bytes = Buffer.concat([
          Buffer.from(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Bruit</title><item><title>',
          ),
          Buffer.from(noise),
          Buffer.from('</title></item></channel></rss>'),
        ]);
        const { ms } = await timed(() => pipeline(bytes, 'application/rss+xml'));
        expect(ms).toBeLessThan(PER_DOCUMENT_MS);
      }),
      { numRuns: 150 },
    );
  });

  it('random valid RSS and Atom feeds: every item read, nothing thrown', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(builtItem, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (items, atom) => {
          const feed = {
            title: 'Le Journal du Cloud',
            link: 'https://journal-du-cloud.example/',
            items,
          };
          const xml = atom ? atomFeed(feed) : rssFeed(feed);
          const { value, ms } = await timed(() => pipeline(Buffer.from(xml), 'application/xml'));
          expect(value).toBe(items.length);
          expect(ms).toBeLessThan(PER_DOCUMENT_MS);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('canonical URLs', () => {
  const trackedUrl = fc
    .tuple(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.array(
        fc.tuple(
          fc.constantFrom(
            'utm_source',
            'utm_medium',
            'xtor',
            'fbclid',
            'at_medium',
            'page',
            'id',
            'q',
          ),
          fc.string({ maxLength: 12 }),
        ),
        { maxLength: 4 },
      ),
    )
    .map(([base, params]) => {
      const url = new URL(base);
      for (const [name, value] of params) url.searchParams.append(name, value);
      return url.href;
    });

  it('canonicalUrl(canonicalUrl(u)) = canonicalUrl(u)', () => {
    fc.assert(
      fc.property(trackedUrl, (url) => {
        const once = canonicalUrl(url);
        expect(once).not.toBeNull();
        expect(canonicalUrl(once)).toBe(once);
        expect(once).not.toMatch(/[?&](utm_|xtor=|fbclid=|at_medium=)/);
      }),
      { numRuns: 500 },
    );
  });

  it('any string is either refused or canonical and stable', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const once = canonicalUrl(text);
        if (once !== null) expect(canonicalUrl(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Discord rendering within limits', () => {
  const anyText = fc.oneof(
    frenchText,
    fc.string({ maxLength: 3_000 }),
    fc.string({ minLength: 5_000, maxLength: 12_000 }),
    fc.constantFrom(
      '`'.repeat(3000),
      '*'.repeat(5000),
      '\\'.repeat(4000),
      '@everyone '.repeat(400),
    ),
  );
  const article = fc.record({
    id: fc.nat(),
    title: anyText,
    url: fc.oneof(
      fc.webUrl(),
      fc.string({ maxLength: 3_000 }),
      fc.webUrl().map((u) => `${u}/${'x'.repeat(3_000)}`),
    ),
    publishedAt: fc.option(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      { nil: null },
    ),
    sources: fc.array(
      fc.record({ name: anyText, url: fc.webUrl(), publishedAt: fc.constant(null) }),
      { maxLength: 12 },
    ),
    terms: fc.subarray([...TERM_IDS]),
    topics: fc.subarray([...TOPIC_IDS]),
    snippet: fc.option(anyText, { nil: null }),
    amounts: fc.constant([]),
    deadlines: fc.constant([]),
  }) as fc.Arbitrary<ArticleView>;

  it('a digest of any articles never breaks a Discord limit', () => {
    fc.assert(
      fc.property(
        fc.array(article, { maxLength: 80 }),
        fc.integer({ min: 1, max: 500 }),
        fc.array(
          fc.record({
            name: anyText,
            url: fc.webUrl(),
            consecutiveFailures: fc.nat(),
            lastError: fc.option(anyText, { nil: null }),
            disabled: fc.boolean(),
          }),
          { maxLength: 30 },
        ),
        (articles, maxArticles, failingFeeds) => {
          const messages = renderDigest(
            { since: null, until: FIXED_NOW.toISOString(), articles, failingFeeds },
            { lang: 'fr', maxArticles },
          );
          for (const message of messages) expect(limitViolations(message)).toEqual([]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('an alert for any article never breaks a Discord limit', () => {
    fc.assert(
      fc.property(article, anyText, (view, ruleName) => {
        expect(limitViolations(renderAlert(view, { lang: 'en', ruleName }))).toEqual([]);
      }),
      { numRuns: 80 },
    );
  });
});
