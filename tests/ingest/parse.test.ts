import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeDocument } from '../../src/ingest/decode.ts';
import { detectFormat, FeedParseError, parseFeed, repairXml } from '../../src/ingest/parse.ts';

const fetchedAt = '2026-03-02T07:00:00.000Z';

function fixture(name: string, contentType: string | null = null): string {
  const bytes = readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url));
  return decodeDocument(bytes, contentType, 'xml').text;
}

describe('parseFeed: RSS 2.0', () => {
  it('decodes entities once, trims titles and keeps the no-break space', async () => {
    const feed = await parseFeed(fixture('entity-title.xml'), { fetchedAt });
    expect(feed.format).toBe('rss2');
    expect(feed.title).toBe("L'Observatoire du cloud public");
    expect(feed.items.map((item) => item.title)).toEqual([
      'C’est officiel : l’UGAP ouvre son catalogue SecNumCloud',
      'Health Data Hub\u00a0: la migration vers un cloud qualifié décalée',
      'Le code &eacute; reste écrit tel quel & c’est voulu',
      'R&D publique : l’ANSSI et l’UGAP cosignent une charte',
    ]);
  });

  it('survives an XML-illegal character reference (&#x1F;) instead of rejecting the feed', async () => {
    const feed = await parseFeed(fixture('entity-title.xml'), { fetchedAt });
    // The description is escaped HTML: &amp;eacute; is XML for the HTML entity of « é ».
    expect(feed.items[1]?.summary).toBe('La R&D du ministère évalue trois scénarios.');
  });

  it('turns description HTML into plain text without script content', async () => {
    const feed = await parseFeed(fixture('entity-title.xml'), { fetchedAt });
    expect(feed.items[0]?.summary).toBe(
      'Le catalogue de l’UGAP s’enrichit.\nTrois offres qualifiées.',
    );
    expect(feed.items[0]?.contentHtml).toBeNull();
  });

  it('maps guid, author and de-duplicated categories', async () => {
    const [first, , third] = (await parseFeed(fixture('entity-title.xml'), { fetchedAt })).items;
    expect(first?.guid).toBe('https://observatoire-cloud.example.fr/?p=4521');
    expect(first?.author).toBe('Hélène Marchal');
    expect(first?.categories).toEqual(['Commande publique', 'Cloud']);
    expect(third?.guid).toBe('observatoire-4523');
  });

  it('drops a javascript: link and falls back to a permalink guid for a missing one', async () => {
    const items = (await parseFeed(fixture('entity-title.xml'), { fetchedAt })).items;
    expect(items[2]?.url).toBeNull();
    expect(items[3]?.url).toBe('https://observatoire-cloud.example.fr/?p=4524');
  });

  it('reads a windows-1252 feed once decoded, ’ and € included', async () => {
    const feed = await parseFeed(fixture('windows-1252-quotes-euro.xml'), { fetchedAt });
    expect(feed.title).toBe('L’Écho des achats publics');
    expect(feed.items[0]?.title).toBe('L’UGAP relève à 120 M€ son accord-cadre de cloud qualifié');
    expect(feed.items[0]?.summary).toContain('« SecNum Cloud » à 120 M€');
    expect(feed.items.map((item) => item.publishedAt)).toEqual([
      '2026-03-02T06:30:00.000Z',
      '2026-02-27T11:00:00.000Z',
    ]);
  });
});

describe('parseFeed: dates', () => {
  it('reads French, bare-Z and zone-less dates, clamps the future, leaves nonsense null', async () => {
    const feed = await parseFeed(fixture('french-dates.xml'), { fetchedAt });
    expect(feed.items.map((item) => item.publishedAt)).toEqual([
      '2022-06-08T14:26:54.000Z',
      '2022-02-22T20:04:25.000Z',
      '2014-05-15T02:11:21.000Z',
      '2022-09-13T16:41:30.000Z',
      fetchedAt,
      null,
    ]);
  });

  it('falls back from an unreadable Atom published date to updated, keeping the feed', async () => {
    const feed = await parseFeed(fixture('atom.xml'), { fetchedAt });
    expect(feed.items[1]?.publishedAt).toBe('2026-02-26T08:00:00.000Z');
  });

  it('reads a date from a namespaced element (a10:updated, dcterms:created)', async () => {
    const xml = `<rss version="2.0" xmlns:a10="http://www.w3.org/2005/Atom"
      xmlns:dcterms="http://purl.org/dc/terms/"><channel><title>Brèves</title>
      <item><title>L’UGAP recrute</title><a10:updated>2026-02-28T10:00:00Z</a10:updated></item>
      <item><title>HDH</title><dcterms:created>2026-02-27T09:00:00+01:00</dcterms:created></item>
      </channel></rss>`;
    const feed = await parseFeed(xml, { fetchedAt });
    expect(feed.items.map((item) => item.publishedAt)).toEqual([
      '2026-02-28T10:00:00.000Z',
      '2026-02-27T08:00:00.000Z',
    ]);
  });
});

describe('parseFeed: RSS 1.0, RSS 0.9x, Atom', () => {
  it('maps RSS 1.0 (RDF) items that sit beside the channel', async () => {
    const feed = await parseFeed(fixture('rss1-rdf.xml'), { fetchedAt });
    expect(feed.format).toBe('rss1');
    expect(feed.link).toBe('https://veille-cloud.example.fr/');
    const [first, second] = feed.items;
    expect(first).toEqual({
      guid: 'https://veille-cloud.example.fr/2026/02/secnumcloud-trois-nouveaux-qualifies',
      url: 'https://veille-cloud.example.fr/2026/02/secnumcloud-trois-nouveaux-qualifies',
      title: 'SecNumCloud : trois nouveaux prestataires qualifiés par l’ANSSI',
      summary:
        'La liste des offres qualifiées s’allonge, mais les hyperscalers restent à la porte.',
      contentHtml:
        '<p>La <strong>qualification SecNumCloud</strong> compte désormais trois offres de plus.</p>',
      author: 'Camille Verdier',
      publishedAt: '2026-02-24T08:15:00.000Z',
      categories: ['Cybersécurité', 'Souveraineté'],
    });
    expect(second?.url).toBe('https://veille-cloud.example.fr/2026/02/hdh-migration');
    expect(second?.publishedAt).toBe('2026-02-20T00:00:00.000Z');
  });

  it('reads RSS 0.91 with HTML entities outside CDATA and a Netscape DOCTYPE', async () => {
    const feed = await parseFeed(fixture('rss091.xml', 'application/rss+xml'), { fetchedAt });
    expect(feed.format).toBe('rss09');
    expect(feed.items.map((item) => item.title)).toEqual([
      "Achats publics : l'UGAP décroche un marché de postes de travail",
      'Le SecNumCloud expliqué aux élus locaux',
    ]);
    expect(feed.items[0]?.summary).toBe('Le marché couvre trois ans & vingt ministères.');
    expect(feed.items[0]?.guid).toBeNull();
    expect(feed.items[0]?.publishedAt).toBeNull();
  });

  it('recognizes Netscape RSS 0.90 (rdf:RDF) as rss09', async () => {
    const xml = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
      xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>Dépêches</title>
      <link>https://depeches.example.fr/</link></channel>
      <item><title>L’UGAP publie son bilan</title><link>https://depeches.example.fr/1</link></item>
      </rdf:RDF>`;
    const feed = await parseFeed(xml, { fetchedAt });
    expect(feed.format).toBe('rss09');
    expect(feed.items[0]?.title).toBe('L’UGAP publie son bilan');
  });

  it('maps Atom 1.0: html title, relative alternate link, xhtml content, categories', async () => {
    const feed = await parseFeed(fixture('atom.xml'), {
      fetchedAt,
      baseUrl: 'https://journal-cloud.example.fr/atom.xml',
    });
    expect(feed.format).toBe('atom');
    expect(feed.title).toBe('Le Journal du Cloud Souverain');
    const [first, second] = feed.items;
    expect(first?.title).toBe('L’UGAP référence une offre SecNum Cloud pour les hôpitaux');
    expect(first?.url).toBe(
      'https://journal-cloud.example.fr/2026/02/27/ugap-offre-secnumcloud-hopitaux',
    );
    expect(first?.guid).toBe('tag:journal-cloud.example.fr,2026:ugap-secnumcloud');
    expect(first?.author).toBe('Léa Fontaine');
    expect(first?.publishedAt).toBe('2026-02-27T16:45:00.000Z');
    expect(first?.summary).toBe('La centrale d’achat public ouvre un lot dédié au cloud qualifié.');
    expect(first?.contentHtml).toContain('sans nouvel appel d’offres');
    expect(first?.categories).toEqual(['Commande publique', 'hebergement']);
    expect(second?.contentHtml).toBe('Avis favorable sous réserves &amp; recommandations');
  });

  it('maps Atom 0.3 (issued, modified) entries', async () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
      <feed version="0.3" xmlns="http://purl.org/atom/ns#">
      <title>Carnet d’un DSI</title><link rel="alternate" type="text/html" href="https://dsi.example.fr/"/>
      <entry><title>SecNumCloud, enfin</title><link rel="alternate" href="https://dsi.example.fr/snc"/>
      <id>tag:dsi.example.fr,2006:1</id><issued>2006-01-23T05:04:42+01:00</issued>
      <modified>2006-01-24T00:00:00Z</modified>
      <content type="text/html" mode="escaped">&lt;p&gt;Qualification obtenue.&lt;/p&gt;</content></entry>
      </feed>`;
    const feed = await parseFeed(xml, { fetchedAt });
    expect(feed.format).toBe('atom');
    expect(feed.items[0]).toMatchObject({
      title: 'SecNumCloud, enfin',
      url: 'https://dsi.example.fr/snc',
      publishedAt: '2006-01-23T04:04:42.000Z',
      contentHtml: '<p>Qualification obtenue.</p>',
    });
  });

  it('keeps an Atom entry whose link has no attributes', async () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>
      <entry><title>Note sur l’UGAP</title><link>https://blog.example.fr/ugap</link>
      <id>n1</id><updated>2026-01-05T10:00:00Z</updated></entry></feed>`;
    const feed = await parseFeed(xml, { fetchedAt });
    expect(feed.items[0]?.url).toBe('https://blog.example.fr/ugap');
  });
});

describe('parseFeed: hostile and broken input', () => {
  it('leaves billion-laughs entities unexpanded and external entities unread', async () => {
    const started = performance.now();
    const feed = await parseFeed(fixture('billion-laughs.xml'), { fetchedAt });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(feed.title).toBe('Flux piégé &lol9;');
    expect(feed.items[0]?.title).toBe('SecNumCloud &lol9;');
    expect(feed.items[0]?.summary).toBe('&secret;');
    expect(JSON.stringify(feed)).not.toContain('lollol');
    expect(JSON.stringify(feed)).not.toContain('root:');
  });

  it('rejects an HTML page with FEED_PARSE', async () => {
    const page = '<!doctype html><html><body><h1>Erreur 404 : page introuvable</h1></body></html>';
    const error = await parseFeed(page, { fetchedAt, baseUrl: 'https://presse.example.fr/rss' })
      .then(() => null)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FeedParseError);
    expect(error).toMatchObject({ code: 'FEED_PARSE', url: 'https://presse.example.fr/rss' });
  });

  it('rejects truncated XML with FEED_PARSE and the parser error as cause', async () => {
    const truncated = '<rss version="2.0"><channel><title>Coupé</title><item><title>L’UGAP';
    const error = await parseFeed(truncated, { fetchedAt })
      .then(() => null)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FeedParseError);
    expect((error as FeedParseError).code).toBe('FEED_PARSE');
    expect((error as FeedParseError).cause).toBeInstanceOf(Error);
  });

  it('reads an RSS feed without a version attribute as RSS 2.0', async () => {
    const xml =
      '<rss><channel><title>Sans version</title><item><title>HDH</title></item></channel></rss>';
    const feed = await parseFeed(xml, { fetchedAt });
    expect(feed.format).toBe('rss2');
    expect(feed.items).toHaveLength(1);
  });
});

describe('repairXml', () => {
  it('rewrites what strict XML rejects and leaves CDATA alone', () => {
    expect(repairXml('<t>R&D &eacute;t&eacute; &#x1F;&#0; &#233; &amp;</t>')).toBe(
      '<t>R&amp;D &#233;t&#233;  &#233; &amp;</t>',
    );
    expect(repairXml('<t><![CDATA[C&rsquo;est R&D]]></t>')).toBe(
      '<t><![CDATA[C&rsquo;est R&D]]></t>',
    );
    expect(repairXml('<t>&inconnu; \u0007</t>')).toBe('<t>&amp;inconnu; </t>');
  });
});

describe('detectFormat', () => {
  it.each([
    ['<?xml version="1.0"?>\n<!-- <feed> --><rss version="2.0">', 'rss2'],
    ['<rss version="0.92">', 'rss09'],
    ['<rdf:RDF xmlns="http://purl.org/rss/1.0/">', 'rss1'],
    ['<feed xmlns="http://www.w3.org/2005/Atom">', 'atom'],
    ['<opml version="2.0">', null],
  ])('reads the root of %j as %s', (xml, format) => {
    expect(detectFormat(xml)).toBe(format);
  });
});
