import * as cheerio from 'cheerio';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderDailyEmail } from '../../../src/deliver/email/render.ts';
import type { EmailView } from '../../../src/deliver/email/types.ts';
import { article, cloudSouverain, emailView, marcheUgap, migrationHdh } from './fixtures.ts';

const fr = { lang: 'fr', timeZone: 'Europe/Paris' } as const;
const en = { lang: 'en', timeZone: 'Europe/Paris' } as const;

/** Deep-frozen copy, so a renderer that mutates its input throws. */
function frozen<T>(value: T): T {
  const copy = structuredClone(value);
  const freeze = (v: unknown) => {
    if (v && typeof v === 'object') {
      Object.freeze(v);
      for (const child of Object.values(v)) freeze(child);
    }
  };
  freeze(copy);
  return copy;
}

function sevenArticles(): EmailView {
  return emailView([
    cloudSouverain,
    marcheUgap,
    migrationHdh,
    article({ id: 201, terms: ['ugap'], topics: ['commande-publique'] }),
    article({ id: 202, terms: ['secnumcloud'], topics: ['certification'] }),
    article({ id: 203, terms: ['ugap'], topics: ['finances'] }),
    article({ id: 204, terms: ['health-data-hub'], topics: [] }),
  ]);
}

describe('renderDailyEmail subject', () => {
  it('gives the count, the terms present and the French date of the day reported', () => {
    expect(renderDailyEmail(sevenArticles(), fr).subject).toBe(
      'Vigie — 7 articles HDH · SecNumCloud · UGAP — lundi 23 novembre 2026',
    );
  });

  it('names only the terms the articles carry, in the watch-list order', () => {
    const view = emailView([
      article({ terms: ['ugap'] }),
      article({ terms: ['ugap', 'health-data-hub'] }),
    ]);
    expect(renderDailyEmail(view, fr).subject).toBe(
      'Vigie — 2 articles HDH · UGAP — lundi 23 novembre 2026',
    );
  });

  it('says "1 article" in the singular, in French and in English', () => {
    const view = emailView([article({ terms: ['secnumcloud'] })]);
    expect(renderDailyEmail(view, fr).subject).toBe(
      'Vigie — 1 article SecNumCloud — lundi 23 novembre 2026',
    );
    expect(renderDailyEmail(view, en).subject).toBe(
      'Vigie — 1 article SecNumCloud — Monday, 23 November 2026',
    );
  });

  it('counts a story seen on two outlets, or twice in the view, once', () => {
    const view = emailView([cloudSouverain, cloudSouverain, marcheUgap]);
    expect(renderDailyEmail(view, fr).subject).toMatch(/^Vigie — 2 articles /);
  });

  it('says there is nothing new on an empty day', () => {
    const view = emailView([], { termCounts: [] });
    expect(renderDailyEmail(view, fr).subject).toBe(
      'Vigie — aucun nouvel article — lundi 23 novembre 2026',
    );
    expect(renderDailyEmail(view, en).subject).toBe(
      'Vigie — no new articles — Monday, 23 November 2026',
    );
  });

  it('rejects a day that is not YYYY-MM-DD', () => {
    expect(() => renderDailyEmail(emailView([], { date: '23/11/2026' }), fr)).toThrow(RangeError);
    expect(() => renderDailyEmail(emailView([], { date: '2026-02-30' }), fr)).toThrow(RangeError);
  });
});

describe('renderDailyEmail header', () => {
  it('shows each term’s count and its change from the previous week in both parts', () => {
    const { text, html } = renderDailyEmail(sevenArticles(), fr);
    expect(text).toContain('Health Data Hub : 2 (stable sur une semaine)');
    expect(text).toContain('SecNumCloud : 3 (+2 par rapport à la semaine précédente)');
    expect(text).toContain('UGAP : 2 (\u22123 par rapport à la semaine précédente)');
    const $ = cheerio.load(html);
    const rows = $('table[aria-label="Termes"] tr')
      .map((_, tr) => $(tr).text())
      .get();
    expect(rows).toEqual([
      'Health Data Hub2stable sur une semaine',
      'SecNumCloud3+2 par rapport à la semaine précédente',
      'UGAP2\u22123 par rapport à la semaine précédente',
    ]);
  });

  it('writes the header in English with lang en', () => {
    const { text } = renderDailyEmail(sevenArticles(), en);
    expect(text).toContain('SecNumCloud: 3 (+2 on the previous week)');
    expect(text).toContain('Health Data Hub: 2 (unchanged from the previous week)');
    expect(text).toMatch(/^Vigie daily — Monday, 23 November 2026\n7 articles, from /);
  });
});

describe('renderDailyEmail body', () => {
  it('groups articles under their top topic only, each story once', () => {
    const { text, html } = renderDailyEmail(
      emailView([cloudSouverain, marcheUgap, migrationHdh]),
      fr,
    );
    const headings = text.split('\n').filter((line) => line.startsWith('== '));
    expect(headings).toEqual([
      '== Certification (1) ==',
      '== Commande publique (1) ==',
      '== Données de santé (1) ==',
      '== À venir ==',
    ]);
    const $ = cheerio.load(html);
    expect(
      $('h2')
        .map((_, h) => $(h).text())
        .get(),
    ).toEqual(['Certification (1)', 'Commande publique (1)', 'Données de santé (1)', 'À venir']);
    expect(html.split(cloudSouverain.title).length - 1).toBe(1);
  });

  it('links each title and each outlet of a story seen on several outlets', () => {
    const { text, html } = renderDailyEmail(emailView([cloudSouverain]), fr);
    const $ = cheerio.load(html);
    const links = $('a')
      .map((_, a) => ({ text: $(a).text(), href: $(a).attr('href') }))
      .get();
    expect(links).toEqual([
      { text: cloudSouverain.title, href: cloudSouverain.url },
      {
        text: 'Le Monde Numérique',
        href: 'https://www.lemonde-numerique.fr/cloud/secnumcloud-troisieme-hebergeur',
      },
      {
        text: 'Silicon Exemple',
        href: 'https://www.silicon-exemple.fr/secnumcloud-qualification-42',
      },
    ]);
    expect(text).toContain('  Le Monde Numérique, Silicon Exemple · 22 nov. 2026, 10:30');
    expect(text).toContain(
      '    - Silicon Exemple : https://www.silicon-exemple.fr/secnumcloud-qualification-42',
    );
  });

  it('bolds the snippet hits in HTML and leaves them plain in text', () => {
    const { text, html } = renderDailyEmail(emailView([marcheUgap]), fr);
    expect(html).toContain(
      'La centrale d’achat <strong>l’UGAP</strong> exige des offres qualifiées <strong>SecNumCloud</strong> pour les données sensibles.',
    );
    expect(text).toContain(
      '« La centrale d’achat l’UGAP exige des offres qualifiées SecNumCloud pour les données sensibles. »',
    );
    expect(text).not.toMatch(/[⟦⟧]/);
  });

  it('shows publication times in the time zone asked for', () => {
    const late = article({ publishedAt: '2026-11-22T23:30:00Z' });
    expect(renderDailyEmail(emailView([late]), fr).text).toContain('23 nov. 2026, 00:30');
    const newYork = renderDailyEmail(emailView([late]), {
      lang: 'fr',
      timeZone: 'America/New_York',
    });
    expect(newYork.text).toContain('22 nov. 2026, 18:30');
  });

  it('lists deadlines from the day reported on, soonest first, under "À venir"', () => {
    const { text } = renderDailyEmail(emailView([cloudSouverain, marcheUgap, migrationHdh]), fr);
    const upcoming = text.slice(text.indexOf('== À venir =='), text.indexOf('\n-- \n'));
    const days = upcoming.split('\n').filter((line) => line.startsWith('- '));
    expect(days).toEqual([
      `- lundi 23 novembre 2026 : calendrier présenté le 23 novembre — ${migrationHdh.title}`,
      `- mardi 15 décembre 2026 : les candidatures sont ouvertes jusqu’au 15 décembre — ${marcheUgap.title}`,
      `- vendredi 31 décembre 2027 : migration achevée avant fin 2027 — ${migrationHdh.title}`,
    ]);
    expect(text).not.toContain('2 novembre');
  });

  it('names the failing feeds in the footer of both parts', () => {
    const view = emailView([marcheUgap], {
      failingFeeds: [
        {
          name: 'Journal du Cloud',
          url: 'https://journal-du-cloud.example/rss',
          consecutiveFailures: 4,
          lastError: 'FEED_TIMEOUT: pas de réponse en 15 s',
          disabled: false,
        },
        {
          name: 'Hebdo Santé',
          url: 'https://hebdo-sante.example/feed',
          consecutiveFailures: 12,
          lastError: null,
          disabled: true,
        },
      ],
    });
    const { text, html } = renderDailyEmail(view, fr);
    const footer = text.slice(text.indexOf('\n-- \n'));
    expect(footer).toContain('Flux en échec :\n');
    expect(footer).toContain(
      '- Journal du Cloud (4 échecs) : FEED_TIMEOUT: pas de réponse en 15 s\n',
    );
    expect(footer).toContain('- Hebdo Santé (désactivé)\n');
    expect(html).toContain('Journal du Cloud (4 échecs) : FEED_TIMEOUT: pas de réponse en 15 s');
    expect(html).toContain('Hebdo Santé (désactivé)');
  });

  it('renders an empty day as a short message with the header and no sections', () => {
    const { text, html } = renderDailyEmail(emailView([]), fr);
    expect(text).toContain('Aucun nouvel article depuis le dernier envoi.');
    expect(text).not.toContain('== ');
    expect(cheerio.load(html)('h2').length).toBe(0);
    expect(html).toContain('Aucun nouvel article depuis le dernier envoi.');
  });

  it('renders the whole body in English with lang en', () => {
    const { text, html } = renderDailyEmail(emailView([cloudSouverain, marcheUgap]), en);
    expect(text).toContain('== Public procurement (1) ==');
    expect(text).toContain('== Coming up ==');
    expect(text).toContain('- Tuesday, 15 December 2026: ');
    expect(text).toContain('Terms: UGAP, SecNumCloud · Public procurement, Hosting');
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
  });

  it('keeps a busy day under Gmail’s 102 KB clipping limit by showing 60 articles', () => {
    const busy = Array.from({ length: 90 }, (_, i) =>
      article({
        id: 1000 + i,
        title: `Cloud de confiance : le ministère n°${i} choisit une offre qualifiée via l’UGAP`,
        sources: [
          {
            name: 'Presse Exemple',
            url: `https://www.exemple-presse.fr/n/${i}`,
            publishedAt: null,
          },
          { name: 'Autre Titre', url: `https://www.autre-titre.fr/n/${i}`, publishedAt: null },
        ],
        terms: ['ugap', 'secnumcloud'],
        topics: ['commande-publique', 'hebergement', 'souverainete'],
        snippet: `Le marché passé par ⟦l’UGAP⟧ impose un hébergement ⟦SecNumCloud⟧ pour les données des agents du ministère n°${i}.`,
      }),
    );
    const { text, html } = renderDailyEmail(emailView(busy), fr);
    expect(text.match(/^\* /gm)).toHaveLength(60);
    expect(text).toContain('… et 30 autres articles');
    expect(Buffer.byteLength(html)).toBeLessThan(102 * 1024);
  });

  it('notes how many articles were left out beyond maxArticles', () => {
    const view = emailView([cloudSouverain, marcheUgap, migrationHdh]);
    const { text } = renderDailyEmail(view, { ...fr, maxArticles: 1 });
    expect(text).toContain('… et 2 autres articles, à retrouver avec « vigie search ».');
    expect(text).toContain('\n3 articles, du ');
    expect(text.match(/^\* /gm)).toHaveLength(1);
  });
});

describe('renderDailyEmail safety', () => {
  const hostile = article({
    title: '<script>alert(1)</script> L’UGAP "cassée"\r\nBcc: intrus@example.net',
    url: 'https://www.exemple-presse.fr/a?x=1&y="><img src=x>',
    sources: [
      {
        name: 'Presse <b>Exemple</b>',
        url: 'javascript:alert(document.cookie)',
        publishedAt: null,
      },
    ],
    snippet: 'Selon ⟦<i>l’UGAP</i>⟧, le marché "<iframe>" est relancé.',
  });

  it('escapes hostile feed text in HTML and links only http(s) URLs', () => {
    const { html } = renderDailyEmail(emailView([hostile]), fr);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<iframe');
    expect(html).not.toContain('<i>');
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; L’UGAP &quot;cassée&quot; Bcc: intrus@example.net',
    );
    expect(html).toContain('<strong>&lt;i&gt;l’UGAP&lt;/i&gt;</strong>');
    const $ = cheerio.load(html);
    const hrefs = $('a')
      .map((_, a) => $(a).attr('href'))
      .get();
    expect(hrefs).toEqual(['https://www.exemple-presse.fr/a?x=1&y=%22%3E%3Cimg%20src=x%3E']);
    expect($('a').first().text()).toBe(
      '<script>alert(1)</script> L’UGAP "cassée" Bcc: intrus@example.net',
    );
  });

  it('keeps a title with CR/LF on one line in the text part', () => {
    const { text } = renderDailyEmail(emailView([hostile]), fr);
    expect(text).not.toContain('\r');
    expect(text).toContain('* <script>alert(1)</script> L’UGAP "cassée" Bcc: intrus@example.net\n');
    expect(text.split('\n').some((line) => line.startsWith('Bcc:'))).toBe(false);
  });

  it('loads nothing remote: no image, stylesheet, font or script', () => {
    const { html } = renderDailyEmail(sevenArticles(), fr);
    expect(html).not.toMatch(/<(img|link|script|style|iframe|object)\b|\bsrc=|url\(|@import/i);
  });

  it('is pure: same output twice and the view left untouched', () => {
    const view = frozen(sevenArticles());
    expect(renderDailyEmail(view, fr)).toEqual(renderDailyEmail(view, fr));
  });

  it('emits only its own tags and a one-line subject, whatever the feed text', () => {
    // Any code point, controls and lone surrogates included, mixed with markup-like pieces.
    const feedText = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc
        .array(
          fc.constantFrom('<', '>', '"', '&', '\r\n', '⟦', '⟧', 'script', '<img src=x>', 'UGAP '),
        )
        .map((parts) => parts.join('')),
    );
    const allowed = new Set([
      '!DOCTYPE',
      'html',
      'head',
      'meta',
      'title',
      'body',
      'table',
      'tr',
      'td',
      'h1',
      'h2',
      'p',
      'a',
      'span',
      'strong',
      'br',
    ]);
    fc.assert(
      fc.property(feedText, feedText, feedText, feedText, (title, name, snippet, dl) => {
        const view = emailView(
          [
            article({
              id: 1,
              title,
              sources: [{ name, url: 'https://exemple.fr/', publishedAt: null }],
              snippet,
              deadlines: [{ date: '2026-12-01', text: dl }],
            }),
          ],
          {
            failingFeeds: [
              { name, url: '', consecutiveFailures: 1, lastError: dl, disabled: false },
            ],
          },
        );
        const { subject, html } = renderDailyEmail(view, fr);
        expect(subject).not.toMatch(/\p{Cc}/u);
        for (const [, tag] of html.matchAll(/<\/?(!?[A-Za-z][A-Za-z0-9]*)/g))
          expect(allowed).toContain(tag);
      }),
      { numRuns: 300 },
    );
  });
});
