import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { registerFeedsSubcommands } from '../../src/cli/opml.ts';
import { sourcesSchema } from '../../src/config/schema.ts';
import { mergeIntoSourcesYaml, OpmlError, parseOpml, serializeOpml } from '../../src/feeds/opml.ts';

// What a feed reader exports: feeds nested in folders, names with entities and numeric references.
const READER_EXPORT = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Abonnements de Camille &amp; co</title></head>
  <body>
    <outline text="Cloud public" title="Cloud public">
      <outline type="rss" text="Le Journal du Cloud" title="Le Journal du Cloud"
        xmlUrl="https://journal-du-cloud.example.fr/feed?format=rss&amp;lang=fr"
        htmlUrl="https://journal-du-cloud.example.fr/" language="fr-FR"/>
      <outline type="rss" text="L&#8217;Hebdo des achats publics"
        xmlUrl="https://achats-publics.example.fr/rss.xml"/>
    </outline>
    <outline type="rss" text="Santé numérique" xmlUrl="https://sante-numerique.example.fr/atom"/>
    <outline type="link" text="Site de l’UGAP (pas un flux)" url="https://www.ugap.fr/"/>
  </body>
</opml>
`;

const SOURCES = `# Flux suivis par Vigie : garder ce commentaire
feeds:
  - name: LeMagIT
    url: https://www.lemagit.fr/rss/ContentSyndication.xml
    lang: fr # fil principal
  - name: Le Journal du Cloud
    url: https://JOURNAL-DU-CLOUD.example.fr:443/feed?format=rss&lang=fr
`;

describe('parseOpml', () => {
  it('reads feeds nested in folders, in document order, with entities decoded', () => {
    const opml = parseOpml(READER_EXPORT);
    expect(opml.title).toBe('Abonnements de Camille & co');
    expect(opml.feeds).toEqual([
      {
        name: 'Le Journal du Cloud',
        url: 'https://journal-du-cloud.example.fr/feed?format=rss&lang=fr',
        lang: 'fr',
      },
      { name: 'L’Hebdo des achats publics', url: 'https://achats-publics.example.fr/rss.xml' },
      { name: 'Santé numérique', url: 'https://sante-numerique.example.fr/atom' },
    ]);
  });

  it('names an outline without title or text after its host', () => {
    const opml = parseOpml(
      '<opml version="1.0"><body><outline xmlUrl="https://secnumcloud.example.org/flux.xml"/></body></opml>',
    );
    expect(opml.feeds).toEqual([
      { name: 'secnumcloud.example.org', url: 'https://secnumcloud.example.org/flux.xml' },
    ]);
  });

  it('fails naming the file and the line when the XML is not well-formed', () => {
    const broken =
      '<opml version="2.0">\n<body>\n<outline text="UGAP" xmlUrl="https://a.fr/rss">\n</body></opml>';
    expect(() => parseOpml(broken, 'abonnements.opml')).toThrow(OpmlError);
    expect(() => parseOpml(broken, 'abonnements.opml')).toThrow(/^abonnements\.opml: line \d+/);
  });

  it('refuses a well-formed document that is not OPML', () => {
    const rss = '<rss version="2.0"><channel><title>Next</title></channel></rss>';
    try {
      parseOpml(rss, 'next.xml');
      expect.unreachable('an RSS document is not a subscription list');
    } catch (error) {
      expect(error).toBeInstanceOf(OpmlError);
      expect((error as OpmlError).code).toBe('OPML_INVALID');
      expect((error as OpmlError).file).toBe('next.xml');
    }
  });

  it('leaves entities declared in a DTD unexpanded (billion laughs stays small)', () => {
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE opml [
  <!ENTITY a "UGAP UGAP UGAP UGAP UGAP UGAP UGAP UGAP UGAP UGAP">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<opml version="2.0"><head><title>&d;</title></head>
<body><outline text="&d;" xmlUrl="https://ugap.example.fr/rss"/></body></opml>`;
    const opml = parseOpml(laughs);
    expect(opml.feeds).toHaveLength(1);
    expect(opml.feeds[0]?.name.length).toBeLessThan(20);
    expect(opml.title?.length ?? 0).toBeLessThan(20);
  });
});

describe('serializeOpml', () => {
  it('writes OPML 2.0 that parses back to the same feeds, hostile names escaped', () => {
    const feeds = [
      {
        name: 'L’Usine <Digitale> & "Cloud"',
        url: 'https://www.usine-digitale.fr/rss?a=1&b=2',
        lang: 'fr',
      },
      { name: 'Next\u0007 INpact', url: 'https://next.ink/feed/' },
    ];
    const xml = serializeOpml(feeds, {
      title: 'Vigie — flux suivis',
      dateCreated: new Date('2026-03-02T07:00:00Z'),
    });
    expect(xml).toContain('<opml version="2.0">');
    expect(xml).toContain('<dateCreated>Mon, 02 Mar 2026 07:00:00 GMT</dateCreated>');
    expect(xml).not.toContain('\u0007');
    const back = parseOpml(xml);
    expect(back.title).toBe('Vigie — flux suivis');
    expect(back.feeds).toEqual([feeds[0], { name: 'Next INpact', url: 'https://next.ink/feed/' }]);
  });
});

describe('mergeIntoSourcesYaml', () => {
  it('appends new feeds, skips known URLs (host case and default port ignored), keeps comments', () => {
    const { text, report } = mergeIntoSourcesYaml(SOURCES, parseOpml(READER_EXPORT).feeds);
    expect(report.added.map((feed) => feed.name)).toEqual([
      'L’Hebdo des achats publics',
      'Santé numérique',
    ]);
    expect(report.skipped).toEqual([
      {
        name: 'Le Journal du Cloud',
        url: 'https://journal-du-cloud.example.fr/feed?format=rss&lang=fr',
        reason: 'already in the sources',
      },
    ]);
    expect(report.invalid).toEqual([]);
    expect(text.startsWith(SOURCES)).toBe(true);
    expect(text).toContain('# Flux suivis par Vigie : garder ce commentaire');
    expect(text).toContain('lang: fr # fil principal');
    const feeds = sourcesSchema.parse(parseYaml(text)).feeds;
    expect(feeds.map((feed) => feed.url)).toEqual([
      'https://www.lemagit.fr/rss/ContentSyndication.xml',
      'https://JOURNAL-DU-CLOUD.example.fr:443/feed?format=rss&lang=fr',
      'https://achats-publics.example.fr/rss.xml',
      'https://sante-numerique.example.fr/atom',
    ]);
  });

  it('reports non-http URLs as invalid and a feed listed twice once', () => {
    const { report } = mergeIntoSourcesYaml(SOURCES, [
      { name: 'Lien piégé', url: 'javascript:alert(1)' },
      { name: 'Fichier local', url: 'file:///etc/passwd' },
      { name: 'Pas une URL', url: 'flux SecNumCloud' },
      { name: 'HDH actu', url: 'https://hdh.example.fr/rss' },
      { name: 'HDH actu (copie)', url: 'https://hdh.example.fr/rss' },
    ]);
    expect(report.invalid.map((feed) => [feed.name, feed.reason])).toEqual([
      ['Lien piégé', 'url: expected http(s) URL'],
      ['Fichier local', 'url: expected http(s) URL'],
      ['Pas une URL', 'url: expected http(s) URL'],
    ]);
    expect(report.added.map((feed) => feed.name)).toEqual(['HDH actu']);
    expect(report.skipped.map((feed) => feed.name)).toEqual(['HDH actu (copie)']);
  });

  it('returns the text unchanged when nothing is new', () => {
    const { text, report } = mergeIntoSourcesYaml(SOURCES, [
      { name: 'LeMagIT', url: 'https://www.lemagit.fr/rss/ContentSyndication.xml' },
    ]);
    expect(text).toBe(SOURCES);
    expect(report.added).toEqual([]);
  });

  it('turns an empty flow list into a block list', () => {
    const { text } = mergeIntoSourcesYaml('feeds: []\n', [
      { name: 'Silicon', url: 'https://www.silicon.fr/feed', lang: 'fr' },
    ]);
    expect(text).toBe(
      'feeds:\n  - name: Silicon\n    url: https://www.silicon.fr/feed\n    lang: fr\n',
    );
  });

  it('gives a comment-only file its feeds key', () => {
    const { text } = mergeIntoSourcesYaml('# à remplir\n', [
      { name: 'Silicon', url: 'https://www.silicon.fr/feed' },
    ]);
    expect(text).toContain('# à remplir');
    expect(parseYaml(text)).toEqual({
      feeds: [{ name: 'Silicon', url: 'https://www.silicon.fr/feed' }],
    });
  });

  it('fails naming the file when feeds is not a list', () => {
    expect(() =>
      mergeIntoSourcesYaml('feeds:\n  name: Silicon\n', [], 'feeds/sources.yml'),
    ).toThrow('feeds/sources.yml: feeds: expected a list');
  });
});

describe('vigie feeds import / export', () => {
  let dir: string;
  let output: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigie-opml-'));
    output = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      output += String(chunk);
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (...args: string[]) => {
    const program = new Command().option('--db <path>').option('--json').exitOverride();
    registerFeedsSubcommands(program.command('feeds'));
    await program.parseAsync(['node', 'vigie', '--db', path.join(dir, 'absent.db'), ...args]);
  };

  it('imports into the sources file and reports, then exports the merged list', async () => {
    const sources = path.join(dir, 'sources.yml');
    const opmlFile = path.join(dir, 'abonnements.opml');
    writeFileSync(sources, SOURCES);
    writeFileSync(opmlFile, READER_EXPORT);

    await run('--json', 'feeds', 'import', opmlFile, '--sources', sources);
    const summary = JSON.parse(output);
    expect(summary.written).toBe(true);
    expect(summary.added).toHaveLength(2);
    expect(summary.skipped).toHaveLength(1);
    expect(readFileSync(sources, 'utf8')).toContain('https://sante-numerique.example.fr/atom');

    output = '';
    await run('feeds', 'export', '--sources', sources);
    expect(parseOpml(output).feeds.map((feed) => feed.name)).toEqual([
      'LeMagIT',
      'Le Journal du Cloud',
      'L’Hebdo des achats publics',
      'Santé numérique',
    ]);

    output = '';
    await run('--json', 'feeds', 'export', '--sources', sources);
    expect(JSON.parse(output).feeds[0]).toEqual({
      name: 'LeMagIT',
      url: 'https://www.lemagit.fr/rss/ContentSyndication.xml',
      lang: 'fr',
    });
  });

  it('writes nothing on --dry-run', async () => {
    const sources = path.join(dir, 'sources.yml');
    const opmlFile = path.join(dir, 'abonnements.opml');
    writeFileSync(sources, SOURCES);
    writeFileSync(opmlFile, READER_EXPORT);
    await run('feeds', 'import', opmlFile, '--sources', sources, '--dry-run');
    expect(output).toMatch(/^would add 2, skipped 1, invalid 0/);
    expect(readFileSync(sources, 'utf8')).toBe(SOURCES);
  });
});
