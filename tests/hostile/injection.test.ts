/**
 * Issue 10, "Injection": text from feeds is data. Mentions, Markdown, masked links and HTML in
 * titles and snippets stay inert in Discord and email; CR/LF never reaches a header; FTS5 syntax
 * and SQL metacharacters in searches are words; oversized options and members without Manage
 * Server are refused cleanly; `/feeds add` refuses loopback, private, link-local and metadata
 * addresses.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TermId } from '../../src/analyze/types.ts';
import { loadCommands } from '../../src/deliver/discord/commands/index.ts';
import * as search from '../../src/deliver/discord/commands/search.ts';
import { CommandError } from '../../src/deliver/discord/commands/types.ts';
import { renderAlert, renderDigest } from '../../src/deliver/discord/render.ts';
import type { DiscordMessage } from '../../src/deliver/discord/types.ts';
import { renderDailyEmail } from '../../src/deliver/email/render.ts';
import type { ArticleView } from '../../src/deliver/types.ts';
import { countArticles } from '../../src/store/articles.ts';
import type { Db } from '../../src/store/db.ts';
import { listFeeds } from '../../src/store/feeds.ts';
import { searchArticles } from '../../src/store/search.ts';
import { seededDb, testDeps } from '../deliver/discord/commands/seed.ts';
import { type CompiledVigie, compileVigie, FIXED_NOW } from '../support/hostile.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

const HOSTILE_TITLES = [
  '@everyone l’UGAP ouvre son catalogue @here',
  'Alerte <@123456789012345678> et <@&234567890123456789> : SecNumCloud',
  '**Urgent** __SecNum Cloud__ ~~faux~~ `code` ||spoiler|| # titre',
  '[Cliquez ici](https://piege.example/vol) pour le Health Data Hub',
  '<script>alert("HDH")</script><img src=x onerror=alert(1)> UGAP',
  'Objet\r\nBcc: victime@example.org\r\n\r\nCorps forgé UGAP',
];

function view(title: string, index: number): ArticleView {
  return {
    id: index + 1,
    title,
    url:
      index === 3
        ? 'javascript:alert(document.cookie)'
        : `https://www.lemagit.fr/actualites/${index + 1}`,
    publishedAt: '2026-03-01T09:00:00.000Z',
    sources: [
      { name: `<b>LeMagIT</b> @everyone`, url: 'https://www.lemagit.fr/rss', publishedAt: null },
    ],
    terms: ['ugap' as TermId],
    topics: ['commande-publique'],
    snippet: `Extrait ${title} avec ⟦l’UGAP⟧ et [lien](https://piege.example) <@&1>`,
    amounts: [],
    deadlines: [],
  };
}

const articles = HOSTILE_TITLES.map(view);

/** Every string Discord will render as Markdown in a message. */
function renderedTexts(message: DiscordMessage): string[] {
  return [
    message.content ?? '',
    ...(message.embeds ?? []).flatMap((embed) => [
      embed.title ?? '',
      embed.description ?? '',
      embed.footer?.text ?? '',
      embed.author?.name ?? '',
      ...(embed.fields ?? []).flatMap((field) => [field.name, field.value]),
    ]),
  ];
}

describe('hostile titles and snippets on Discord', () => {
  const messages = [
    ...renderDigest(
      { since: null, until: FIXED_NOW.toISOString(), articles, failingFeeds: [] },
      { lang: 'fr' },
    ),
    ...articles.map((article) => renderAlert(article, { lang: 'fr' })),
  ];

  it('never allows a mention to ping', () => {
    for (const message of messages) expect(message.allowedMentions).toEqual({ parse: [] });
  });

  it('defuses @everyone, user and role mentions in the text itself', () => {
    for (const text of messages.flatMap(renderedTexts)) {
      expect(text).not.toMatch(/@(everyone|here)/);
      expect(text).not.toMatch(/(?<!\\)<@&?\d+(?<!\\)>/);
    }
  });

  it('keeps feed text from forming masked links or Markdown of its own', () => {
    for (const text of messages.flatMap(renderedTexts)) {
      expect(text).not.toContain('[Cliquez ici](https://piege.example');
      expect(text).not.toContain('[lien](https://piege.example)');
      expect(text).not.toContain('**Urgent**');
    }
  });

  it('never links to a javascript: URL', () => {
    const json = JSON.stringify(messages);
    expect(json).not.toMatch(/javascript:/i);
  });
});

describe('hostile titles in the daily email', () => {
  const email = renderDailyEmail(
    {
      since: '2026-03-01T07:00:00.000Z',
      until: FIXED_NOW.toISOString(),
      articles,
      failingFeeds: [
        {
          name: '<img src=x onerror=alert(2)>',
          url: 'https://flux.example/rss',
          consecutiveFailures: 3,
          lastError: '</td><script>alert(3)</script>',
          disabled: false,
        },
      ],
      date: '2026-03-02',
      termCounts: [{ id: 'ugap', count: 6, previousWeek: 1 }],
    },
    { lang: 'fr', timeZone: 'Europe/Paris' },
  );
  const $ = cheerio.load(email.html);

  it('escapes HTML and script from titles, sources and errors', () => {
    expect($('script')).toHaveLength(0);
    expect($('[onerror]')).toHaveLength(0);
    expect($('img[src="x"]')).toHaveLength(0);
    expect($.text()).toContain('<script>alert("HDH")</script>');
  });

  it('links only to http(s)', () => {
    const hrefs = $('a[href]')
      .map((_, a) => $(a).attr('href'))
      .get();
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^https?:\/\//);
  });

  it('keeps the subject on one line', () => {
    expect(email.subject).not.toMatch(/[\r\n]/);
  });
});

describe('FTS5 syntax and SQL metacharacters in searches', () => {
  let db: Db;
  const QUERIES = [
    '"',
    '""',
    '"non fermé',
    '*',
    'UGAP*',
    '^UGAP',
    'NEAR(UGAP cloud, 2)',
    'title:UGAP',
    '{title text}: UGAP',
    'UGAP AND OR NOT',
    '(UGAP',
    'UGAP)',
    '-',
    '- -UGAP',
    "l'UGAP' OR '1'='1",
    "'; DROP TABLE articles; --",
    'UGAP; DELETE FROM articles',
    '%_\\',
    '\u0000UGAP',
    'UGAP '.repeat(5_000),
    '🚀 ☁️',
  ];

  beforeAll(() => {
    db = seededDb();
  });
  afterAll(() => db.close());

  it.each(QUERIES.map((query) => [query.slice(0, 40), query]))(
    'store search treats %j as words',
    (_, query) => {
      const before = countArticles(db);
      expect(() => searchArticles(db, { query })).not.toThrow();
      expect(countArticles(db)).toBe(before);
    },
  );

  it('finds l’UGAP through a query full of quotes, brackets and carets', () => {
    expect(searchArticles(db, { query: '"UGAP" (cloud* ^' }).total).toBeGreaterThan(0);
  });

  it.each(QUERIES.map((query) => [query.slice(0, 40), query]))(
    '/search answers %j without an internal error',
    async (_, query) => {
      const deps = testDeps(db);
      const reply = search
        .handler(
          deps,
          { subcommand: null, values: { query } },
          { lang: 'fr', canManageGuild: false },
        )
        .catch((error: unknown) => error);
      const result = await reply;
      if (result instanceof Error) {
        // Only a refusal the user can read: the 200-character cap on the query.
        expect(result).toBeInstanceOf(CommandError);
        expect((result as CommandError).code).toBe('OPTION_TOO_LONG');
      } else expect(result).toMatchObject({ allowedMentions: { parse: [] } });
    },
  );
});

describe('`vigie search` from the shell', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-injection-'));
  // The sources compiled once: each `vigie` starts without the tsx loader.
  let compiled: CompiledVigie;
  beforeAll(async () => {
    compiled = await compileVigie();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    compiled?.remove();
  });

  const vigie = (...args: string[]) =>
    spawnSync(process.execPath, [compiled.entry('cli'), '--json', ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, VIGIE_DB: path.join(dir, 'vigie.db'), LOG_LEVEL: 'silent' },
      timeout: 20_000,
    });

  it('answers FTS syntax, SQL and oversized options with JSON or a clear error', () => {
    const seeded = seededDb();
    writeFileSync(path.join(dir, 'vigie.db'), seeded.serialize());
    seeded.close();
    const hostile = vigie('search', "'; DROP TABLE articles; --", 'NEAR(a b)', '"', '*');
    const oversized = vigie('search', 'UGAP '.repeat(20_000));
    const badLimit = vigie('search', 'UGAP', '--limit', '99999999999999999999');
    for (const run of [hostile, oversized, badLimit])
      expect(run.stderr).not.toMatch(/SqliteError|fts5: syntax error|at .*\.[jt]s:\d+/);
    expect(hostile.status).toBe(0);
    expect(JSON.parse(hostile.stdout)).toMatchObject({ total: expect.any(Number) });
    expect(oversized.status).toBe(0);
    expect(JSON.parse(oversized.stdout).total).toBeGreaterThan(0);
    expect(badLimit.status).not.toBe(0);
    expect(badLimit.stderr).toMatch(/--limit/);
  });
});

describe('admin commands and /feeds add', () => {
  const member = { lang: 'fr' as const, canManageGuild: false };
  const admin = { lang: 'fr' as const, canManageGuild: true };

  it.each([
    ['feeds', 'add', { url: 'https://www.presse-cloud.fr/rss' }],
    ['feeds', 'remove', { feed: 'LeMagIT' }],
    ['feeds', 'pause', { feed: 'LeMagIT' }],
    ['feeds', 'resume', { feed: 'LeMagIT' }],
    ['feeds', 'list', {}],
    ['digest', null, {}],
  ] as const)('refuses /%s %s to a member without Manage Server', async (name, sub, values) => {
    const command = loadCommands().get(name);
    expect(command?.admin).toBe(true);
    const deps = testDeps(seededDb([]));
    const before = JSON.stringify(listFeeds(deps.db));
    await expect(command?.handler(deps, { subcommand: sub, values }, member)).rejects.toMatchObject(
      { code: 'FORBIDDEN' },
    );
    expect(JSON.stringify(listFeeds(deps.db))).toBe(before);
    expect(deps.dispatch).not.toHaveBeenCalled();
  });

  it.each([
    'http://127.0.0.1/rss',
    'http://127.1/rss',
    'http://2130706433/rss',
    'http://0x7f000001/rss',
    'http://0.0.0.0/rss',
    'http://localhost:8080/rss',
    'http://[::1]/rss',
    'http://10.0.0.5/rss',
    'http://172.16.4.2/rss',
    'http://192.168.1.1/rss',
    'http://100.64.0.1/rss',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fe80::1]/rss',
    'http://[fd00::1]/rss',
    'http://[::ffff:10.0.0.1]/rss',
    'http://[::ffff:169.254.169.254]/',
    'http://intranet.presse-cloud.fr/rss',
    'http://mixte.presse-cloud.fr/rss',
    'file:///etc/passwd',
    'gopher://127.0.0.1:70/',
    'javascript:alert(1)',
    'http://admin:secret@www.presse-cloud.fr/rss',
    `https://www.presse-cloud.fr/${'a'.repeat(5_000)}`,
  ])('/feeds add refuses %s', async (url) => {
    const deps = testDeps(seededDb([]));
    const before = listFeeds(deps.db).length;
    const reply = loadCommands()
      .get('feeds')
      ?.handler(deps, { subcommand: 'add', values: { url } }, admin);
    await expect(reply).rejects.toBeInstanceOf(CommandError);
    expect(listFeeds(deps.db)).toHaveLength(before);
  });
});
