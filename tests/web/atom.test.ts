import { XMLValidator } from 'fast-xml-parser';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArticleView } from '../../src/deliver/types.ts';
import { entryId, feedId, renderAtom, TERM_SCHEME, TOPIC_SCHEME } from '../../src/web/atom.ts';
import { HOSTILE_TITLE, NOW, seededDb, startWebServer, type TestServer, webDeps } from './seed.ts';

interface AtomCategory {
  $: { scheme: string; term: string; label: string };
}
interface AtomItem {
  id?: string;
  title?: string;
  link?: string;
  updated?: string;
  published?: string;
  summary?: string;
  author?: string;
  categories?: AtomCategory[];
}
interface AtomFeed {
  id?: string;
  title?: string;
  updated?: string;
  feedUrl?: string;
  link?: string;
}

const parser = new Parser<AtomFeed, AtomItem>({
  customFields: {
    feed: ['id', 'updated'],
    item: [['category', 'categories', { keepArray: true }], 'published', 'updated', 'summary'],
  },
});

/** Code points XML 1.0 forbids (C0 controls but tab, LF, CR; U+FFFE, U+FFFF) found in `text`. */
function xmlForbiddenCharacters(text: string): number[] {
  return [...text]
    .map((char) => char.codePointAt(0) ?? 0)
    .filter(
      (code) =>
        (code < 0x20 && ![0x09, 0x0a, 0x0d].includes(code)) || code === 0xfffe || code === 0xffff,
    );
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

describe('/feed.atom', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startWebServer(webDeps(seededDb()));
  });
  afterAll(() => server.close());

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}${path}`, { headers });
    return { response, body: await response.text() };
  };

  it('is well-formed Atom with the elements RFC 4287 requires of a feed and its entries', async () => {
    const { response, body } = await get('/feed.atom');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(XMLValidator.validate(body)).toBe(true);
    const feed = await parser.parseString(body);
    expect(feed.id).toBe('tag:vigie,2026:feed');
    expect(feed.title).toBe('Vigie — veille HDH, SecNumCloud, UGAP');
    expect(feed.updated).toMatch(RFC3339);
    expect(feed.feedUrl).toBe(`${server.url}/feed.atom`);
    expect(feed.link).toBe(`${server.url}/`);
    expect(feed.items).toHaveLength(4);
    for (const item of feed.items) {
      expect(item.id).toMatch(/^tag:vigie,2026:article:\d+$/);
      expect(item.title).toBeTruthy();
      expect(item.updated).toMatch(RFC3339);
      expect(item.link).toMatch(/^https:\/\//);
    }
    // The feed's updated is its newest entry's, not the time of the request.
    expect(feed.updated).toBe('2026-03-01T07:00:00.000Z');
  });

  it('describes an entry: link to the article, outlet as author, snippet as HTML, categories', async () => {
    const feed = await parser.parseString((await get('/feed.atom?term=ugap')).body);
    expect(feed.items).toHaveLength(1);
    const [entry] = feed.items;
    expect(entry?.title).toBe(
      'L’UGAP référence une offre cloud qualifiée SecNumCloud pour les collectivités',
    );
    expect(entry?.link).toBe('https://www.lemagit.example/cloud/ugap-offre-secnumcloud');
    expect(entry?.author).toBe('LeMagIT');
    expect(entry?.published).toBe('2026-03-01T07:00:00.000Z');
    expect(entry?.summary).toBe(
      'La centrale d’achat <strong>l’UGAP</strong> ouvre aux collectivités un marché d’hébergement.',
    );
    expect(entry?.categories?.map((category) => category.$)).toEqual([
      { scheme: TERM_SCHEME, term: 'ugap', label: 'UGAP' },
      { scheme: TERM_SCHEME, term: 'secnumcloud', label: 'SecNumCloud' },
      { scheme: TOPIC_SCHEME, term: 'commande-publique', label: 'Commande publique' },
      { scheme: TOPIC_SCHEME, term: 'hebergement', label: 'Hébergement' },
    ]);
  });

  it('filters by term and topic, each selection with its own feed id and title', async () => {
    const both = await parser.parseString(
      (await get('/feed.atom?term=secnumcloud&topic=certification')).body,
    );
    expect(both.id).toBe('tag:vigie,2026:feed?term=secnumcloud&topic=certification');
    expect(both.title).toBe('Vigie — SecNumCloud · Certification');
    expect(both.items.map((item) => item.title)).toEqual([
      expect.stringContaining('SecNumCloud &'),
      'Cybersécurité : l’ANSSI renforce les exigences du référentiel SecNumCloud',
    ]);
    const health = await parser.parseString((await get('/feed.atom?topic=donnees-sante')).body);
    expect(health.items.map((item) => item.title)).toEqual([
      'Health Data Hub : la migration vers un hébergeur souverain repoussée',
    ]);
  });

  it('searches with q like the page does', async () => {
    const feed = await parser.parseString((await get('/feed.atom?q=hebergeur')).body);
    expect(feed.items.map((item) => item.id)).toEqual(['tag:vigie,2026:article:2']);
  });

  it('keeps entry ids stable whatever the filter', async () => {
    const all = await parser.parseString((await get('/feed.atom')).body);
    const filtered = await parser.parseString((await get('/feed.atom?term=health-data-hub')).body);
    const hdh = all.items.find((item) => item.title?.startsWith('Health Data Hub'));
    expect(filtered.items[0]?.id).toBe(hdh?.id);
  });

  it('escapes a hostile title and drops the control characters XML forbids', async () => {
    const { body } = await get('/feed.atom?topic=certification');
    expect(body).not.toContain('<script>');
    expect(body).not.toContain('<img');
    expect(xmlForbiddenCharacters(body)).toEqual([]);
    const feed = await parser.parseString(body);
    const hostile = feed.items.find((item) => item.title?.includes('pwned'));
    expect(hostile?.title).toBe(
      '<script>alert("pwned")</script> SecNumCloud & <img src=x onerror=alert(1)> fin',
    );
    expect(HOSTILE_TITLE).toContain('\u0001');
    // In the HTML summary, only the hit is markup: the feed's own tags stay text.
    expect(hostile?.summary).toBe(
      'La qualification <strong>SecNum Cloud</strong> &lt;b&gt;en gras&lt;/b&gt; &amp; « guillemets ».',
    );
  });

  it('answers 304 to a reader that already has this version', async () => {
    const first = await get('/feed.atom?term=ugap');
    const etag = first.response.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get('/feed.atom?term=ugap', { 'if-none-match': etag ?? '' });
    expect(again.response.status).toBe(304);
    expect(again.body).toBe('');
    const other = await get('/feed.atom?term=secnumcloud', { 'if-none-match': etag ?? '' });
    expect(other.response.status).toBe(200);
  });

  it('refuses an unknown term with a 400 naming the parameter', async () => {
    const { response, body } = await get('/feed.atom?term=hds');
    expect(response.status).toBe(400);
    expect(body).toContain('term: expected one of health-data-hub, secnumcloud, ugap');
  });

  it('builds its self link from the reverse proxy headers when they are sane', async () => {
    const proxied = await parser.parseString(
      (
        await get('/feed.atom?term=ugap', {
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'veille.example.org',
          'x-forwarded-prefix': '/vigie/',
        })
      ).body,
    );
    expect(proxied.feedUrl).toBe('https://veille.example.org/vigie/feed.atom?term=ugap');
    const forged = await parser.parseString(
      (
        await get('/feed.atom', {
          'x-forwarded-proto': 'javascript',
          'x-forwarded-host': 'evil.example"><x',
          'x-forwarded-prefix': '/a"b',
        })
      ).body,
    );
    expect(forged.feedUrl).toBe(`${server.url}/feed.atom`);
  });

  it('an empty selection is still a valid feed, updated at the rendering time', async () => {
    const feed = await parser.parseString((await get('/feed.atom?q=zzzintrouvable')).body);
    expect(feed.items).toEqual([]);
    expect(feed.updated).toBe(NOW.toISOString());
  });
});

describe('renderAtom', () => {
  const view = (overrides: Partial<ArticleView>): ArticleView => ({
    id: 7,
    title: 'SecNumCloud : un nouveau prestataire qualifié',
    url: 'https://www.silicon.example/secnumcloud-prestataire',
    publishedAt: '2026-02-27T16:30:00+01:00',
    sources: [{ name: 'Silicon', url: 'https://www.silicon.example/x', publishedAt: null }],
    terms: ['secnumcloud'],
    topics: [],
    snippet: null,
    amounts: [],
    deadlines: [],
    ...overrides,
  });
  const options = {
    selfUrl: 'https://veille.example.org/feed.atom',
    pageUrl: 'https://veille.example.org/',
    filters: { q: '', term: null, topic: null, page: 1 },
    now: NOW,
    lang: 'fr' as const,
  };

  it('writes dates as UTC RFC 3339 whatever offset they were stored with', () => {
    expect(renderAtom([view({})], options)).toContain(
      '<updated>2026-02-27T15:30:00.000Z</updated>',
    );
  });

  it('gives an entry whose URL is not http(s) content instead of a link (RFC 4287 §4.1.1.1)', () => {
    const xml = renderAtom([view({ url: 'javascript:alert(1)' })], options);
    expect(xml).not.toContain('javascript:');
    expect(xml).toContain(
      '<content type="text">SecNumCloud : un nouveau prestataire qualifié</content>',
    );
    expect(XMLValidator.validate(xml)).toBe(true);
  });

  it('leaves out a summary that only repeats the title', () => {
    const title = 'SecNum Cloud : l’ANSSI qualifie une offre IaaS lyonnaise';
    const repeat = renderAtom(
      [view({ title, snippet: '⟦SecNum Cloud⟧ : l’ANSSI qualifie une offre IaaS lyonnaise' })],
      options,
    );
    expect(repeat).not.toContain('<summary');
    const more = renderAtom(
      [view({ title, snippet: 'La qualification ⟦SecNum Cloud⟧ couvre l’IaaS.' })],
      options,
    );
    expect(more).toContain(
      '<summary type="html">La qualification &lt;strong&gt;SecNum Cloud&lt;/strong&gt; couvre l’IaaS.</summary>',
    );
  });

  it('names entries and feeds by tag URIs', () => {
    expect(entryId(42)).toBe('tag:vigie,2026:article:42');
    expect(feedId({ q: 'cloud de confiance', term: 'ugap', topic: null, page: 3 })).toBe(
      'tag:vigie,2026:feed?q=cloud+de+confiance&term=ugap',
    );
  });
});
