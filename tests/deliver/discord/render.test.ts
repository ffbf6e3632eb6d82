import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TERM_IDS, TOPIC_IDS } from '../../../src/analyze/types.ts';
import { limitViolations } from '../../../src/deliver/discord/limits.ts';
import {
  renderAlert,
  renderDigest,
  renderDigestText,
} from '../../../src/deliver/discord/render.ts';
import type { DiscordMessage } from '../../../src/deliver/discord/types.ts';
import type { ArticleView, DigestView } from '../../../src/deliver/types.ts';

// Digest window pinned at 2026-03-02 08:00 Paris (07:00 UTC).
const UNTIL = '2026-03-02T07:00:00.000Z';
const SINCE = '2026-03-02T05:00:00.000Z';

function article(overrides: Partial<ArticleView> & { id: number }): ArticleView {
  return {
    title: 'L’UGAP référence une offre de cloud qualifiée SecNumCloud',
    url: `https://www.example.fr/actualites/${overrides.id}`,
    publishedAt: '2026-03-02T06:30:00.000Z',
    sources: [{ name: 'LeMagIT', url: 'https://www.lemagit.fr/rss', publishedAt: null }],
    terms: ['ugap', 'secnumcloud'],
    topics: ['commande-publique', 'hebergement'],
    snippet: 'La centrale d’achat ⟦l’UGAP⟧ ajoute à son catalogue une offre ⟦SecNum Cloud⟧.',
    amounts: [],
    deadlines: [],
    ...overrides,
  };
}

function view(articles: ArticleView[], failingFeeds: DigestView['failingFeeds'] = []): DigestView {
  return { since: SINCE, until: UNTIL, articles, failingFeeds };
}

const descriptions = (messages: DiscordMessage[]) =>
  messages.flatMap((m) => (m.embeds ?? []).map((e) => e.description ?? '')).join('\n\n');

describe('renderDigest', () => {
  it('renders a small digest as one exact payload', () => {
    const messages = renderDigest(
      view(
        [
          article({
            id: 1,
            sources: [
              { name: 'LeMagIT', url: 'https://www.lemagit.fr/rss', publishedAt: null },
              { name: 'Silicon', url: 'https://www.silicon.fr/feed', publishedAt: null },
            ],
            amounts: [{ eur: 12_000_000, text: '12 millions d’euros' }],
            deadlines: [{ date: '2026-04-30', text: 'avant le 30 avril' }],
          }),
          article({
            id: 2,
            title: 'Le Health Data Hub quitte Azure pour un hébergeur SecNumCloud',
            url: 'https://www.example.fr/hdh-azure',
            publishedAt: '2026-03-02T05:45:00.000Z',
            terms: ['health-data-hub', 'secnumcloud'],
            topics: ['hebergement', 'souverainete'],
            snippet:
              'Le ⟦Health Data Hub⟧ migrera ses données vers un cloud ⟦SecNumCloud⟧ d’ici 2026.',
          }),
        ],
        [
          {
            name: 'Next',
            url: 'https://next.ink/feed',
            consecutiveFailures: 4,
            lastError: 'timeout',
            disabled: false,
          },
        ],
      ),
      { lang: 'fr' },
    );

    expect(messages).toEqual([
      {
        content: '📰 **Veille Vigie** — 2 articles du <t:1772427600:f> au <t:1772434800:f>',
        embeds: [
          {
            title: 'Hébergement — 1 article',
            color: 0x3b82f6,
            description: [
              '**[Le Health Data Hub quitte Azure pour un hébergeur SecNumCloud](https://www.example.fr/hdh-azure)**',
              'LeMagIT · <t:1772430300:R>',
              '`Health Data Hub` `SecNumCloud` · Hébergement, Souveraineté',
              '> Le **Health Data Hub** migrera ses données vers un cloud **SecNumCloud** d’ici 2026.',
            ].join('\n'),
          },
          {
            // Groups of equal size follow DESIGN.md's topic order.
            title: 'Commande publique — 1 article',
            color: 0xf59e0b,
            description: [
              '**[L’UGAP référence une offre de cloud qualifiée SecNumCloud](https://www.example.fr/actualites/1)**',
              'LeMagIT, Silicon · <t:1772433000:R>',
              '`UGAP` `SecNumCloud` · Commande publique, Hébergement',
              '> La centrale d’achat **l’UGAP** ajoute à son catalogue une offre **SecNum Cloud**.',
              '💶 12\u00a0M\u00a0€ · 📅 échéance 30 avr. 2026',
            ].join('\n'),
            footer: { text: '2 articles · 2 médias · ⚠ 1 flux en échec : Next (4 échecs)' },
            timestamp: UNTIL,
          },
        ],
        allowedMentions: { parse: [] },
      },
    ]);
  });

  it('shows an article seen on two outlets once, under its top topic only', () => {
    const shared = article({
      id: 7,
      sources: [
        { name: 'LeMagIT', url: 'https://www.lemagit.fr/rss', publishedAt: null },
        { name: 'Silicon', url: 'https://www.silicon.fr/feed', publishedAt: null },
        { name: 'silicon ', url: 'https://www.silicon.fr/feed', publishedAt: null },
      ],
    });

    const messages = renderDigest(view([shared, shared]), { lang: 'fr' });

    const text = descriptions(messages);
    expect(text.match(/actualites\/7/g)).toHaveLength(1);
    expect(text).toContain('LeMagIT, Silicon · ');
    expect(messages[0]?.embeds?.map((e) => e.title)).toEqual(['Commande publique — 1 article']);
  });

  it('keeps titles and snippets from feeds inert: no forged link, no mention, no Markdown', () => {
    const hostile = article({
      id: 3,
      title: '[Cliquez ici](http://evil.example) @everyone <@123> <@&456> **urgent** _UGAP_',
      url: 'https://www.example.fr/a_(b)',
      snippet: '@here ⟦l’UGAP⟧ `code` ||spoiler|| ~~barré~~ [lien](https://phish.example)',
    });

    const [message] = renderDigest(view([hostile]), { lang: 'fr' });
    const description = message?.embeds?.[0]?.description ?? '';

    expect(message?.allowedMentions).toEqual({ parse: [] });
    expect(description.split('\n')[0]).toBe(
      '**[\\[Cliquez ici\\]\\(http://evil.example\\) @\u200beveryone \\<@123\\> \\<@&456\\> \\*\\*urgent\\*\\* \\_UGAP\\_](https://www.example.fr/a_%28b%29)**',
    );
    expect(description).toContain(
      '> @\u200bhere **l’UGAP** \\`code\\` \\|\\|spoiler\\|\\| \\~\\~barré\\~\\~ \\[lien\\]\\(https://phish.example\\)',
    );
    // The only masked link left is the one we built.
    expect(description.match(/(?<!\\)\]\(/g)).toHaveLength(1);
    expect(description).not.toMatch(/(?<!\\)<@/);
    expect(description).not.toMatch(/@(everyone|here)/);
  });

  it('shows the title without a link when the URL is not http(s)', () => {
    const [message] = renderDigest(view([article({ id: 4, url: 'javascript:alert(1)' })]), {
      lang: 'fr',
    });
    expect(message?.embeds?.[0]?.description?.split('\n')[0]).toBe(
      '**L’UGAP référence une offre de cloud qualifiée SecNumCloud**',
    );
  });

  it('cuts an overlong title at a word boundary, never inside a word or the link', () => {
    const words = 'Marché UGAP hébergement souverain qualifié SecNumCloud pour les hôpitaux'.split(
      ' ',
    );
    const title = Array.from({ length: 60 }, (_, i) => words[i % words.length]).join(' ');
    const [message] = renderDigest(view([article({ id: 5, title })]), { lang: 'fr' });

    const heading = message?.embeds?.[0]?.description?.split('\n')[0] ?? '';
    const shown = /^\*\*\[(.*)…\]\((.*)\)\*\*$/.exec(heading);
    expect(shown?.[2]).toBe('https://www.example.fr/actualites/5');
    expect(shown?.[1]?.length).toBeLessThanOrEqual(240);
    expect(title.startsWith(`${shown?.[1]} `)).toBe(true);
  });

  it('splits a 300-article digest at article boundaries within every Discord limit', () => {
    const longSnippet = `${'Selon la Cnil, le ⟦Health Data Hub⟧ doit encore obtenir un hébergement qualifié ⟦SecNumCloud⟧ ; '.repeat(8)}fin.`;
    const articles = Array.from({ length: 300 }, (_, i) =>
      article({
        id: i + 1,
        title: `${i + 1}. ${'Cloud de confiance : l’UGAP, le Health Data Hub et la qualification SecNumCloud '.repeat(4)}`,
        url: `https://www.example.fr/actualites/2026/03/02/article-${i + 1}?utm_source=rss&utm_medium=flux`,
        publishedAt: new Date(Date.parse(UNTIL) - i * 60_000).toISOString(),
        sources: Array.from({ length: 6 }, (_, s) => ({
          name: `Média régional numéro ${s + 1}`,
          url: `https://media${s}.example.fr/rss`,
          publishedAt: null,
        })),
        terms: [...TERM_IDS],
        topics: [
          TOPIC_IDS[i % TOPIC_IDS.length] as (typeof TOPIC_IDS)[number],
          'souverainete',
          'regulation',
          'finances',
        ],
        snippet: longSnippet,
        amounts: [
          { eur: 45_000_000, text: '45 M€' },
          { eur: 1_200_000_000, text: '1,2 Md€' },
          { eur: 3, text: '3 €' },
        ],
        deadlines: [{ date: '2026-06-30', text: 'd’ici fin juin' }],
      }),
    );

    const messages = renderDigest(view(articles), { lang: 'fr', maxArticles: 300 });

    expect(messages.length).toBeGreaterThan(30);
    for (const message of messages) {
      expect(limitViolations(message)).toEqual([]);
      expect(message.allowedMentions).toEqual({ parse: [] });
    }
    const blocks = descriptions(messages).split('\n\n');
    expect(blocks).toHaveLength(300);
    for (const block of blocks) {
      expect(block).toMatch(
        /^\*\*\[\d+\\\. Cloud de confiance .*…\]\(https:\/\/www\.example\.fr\/actualites\/2026\/03\/02\/article-\d+\?utm_source=rss&utm_medium=flux\)\*\*\n/,
      );
      expect(block).toContain(
        'Média régional numéro 1, Média régional numéro 2, Média régional numéro 3, Média régional numéro 4, +2',
      );
    }
    const lastEmbeds = messages.at(-1)?.embeds ?? [];
    expect(lastEmbeds.at(-1)?.footer?.text).toBe('300 articles · 6 médias');
    expect(messages.slice(0, -1).every((m) => m.embeds?.every((e) => !e.footer))).toBe(true);
  });

  it('ends past maxArticles with "+N" and the /search hint', () => {
    const articles = Array.from({ length: 300 }, (_, i) =>
      article({ id: i + 1, publishedAt: new Date(Date.parse(UNTIL) - i * 60_000).toISOString() }),
    );

    const messages = renderDigest(view(articles), {
      lang: 'fr',
      maxArticles: 60,
      searchHint: '/search since:2026-03-02',
    });

    const text = descriptions(messages);
    expect(text.split('\n\n')).toHaveLength(60);
    expect(text).toContain('actualites/1)');
    expect(text).not.toContain('actualites/61)');
    expect(messages.at(-1)?.content).toMatch(
      /… et 240 autres articles : utilisez `\/search since:2026-03-02` pour les voir\.$/,
    );
    expect(messages.at(-1)?.embeds?.at(-1)?.footer?.text).toBe('300 articles · 1 média');
  });

  it('writes English when asked', () => {
    const [message] = renderDigest(view([article({ id: 1 }), article({ id: 2, topics: [] })]), {
      lang: 'en',
    });
    expect(message?.content).toBe(
      '📰 **Vigie digest** — 2 articles from <t:1772427600:f> to <t:1772434800:f>',
    );
    expect(message?.embeds?.map((e) => e.title)).toEqual([
      'Public procurement — 1 article',
      'Other subjects — 1 article',
    ]);
  });

  it('says so when nothing is new, still listing failing feeds', () => {
    const messages = renderDigest(
      view(
        [],
        [
          {
            name: 'ZDNet France',
            url: 'https://www.zdnet.fr/feeds/rss/',
            consecutiveFailures: 20,
            lastError: 'HTTP 410',
            disabled: true,
          },
        ],
      ),
      { lang: 'fr' },
    );
    expect(messages).toEqual([
      {
        content: '📰 **Veille Vigie** — Aucun nouvel article.',
        embeds: [
          {
            description: 'Aucun nouvel article.',
            footer: { text: '0 article · 0 média · ⚠ 1 flux en échec : ZDNet France (désactivé)' },
            color: 0x6b7280,
            timestamp: UNTIL,
          },
        ],
        allowedMentions: { parse: [] },
      },
    ]);
  });

  it('never exceeds a Discord limit, whatever the feeds contain', () => {
    const text = fc.string({ unit: 'binary', maxLength: 600 });
    const wordy = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            'l’UGAP',
            '@everyone',
            '<@123>',
            '[x](http://evil)',
            '**',
            '⟦',
            '⟧',
            '\n',
            'é',
          ),
          fc.string({ maxLength: 30 }),
        ),
        { maxLength: 120 },
      )
      .map((parts) => parts.join(' '));
    const arbitraryArticle = fc.record({
      id: fc.integer({ min: 1, max: 50 }),
      title: fc.oneof(text, wordy),
      url: fc.oneof(
        fc.webUrl(),
        fc.string({ maxLength: 2000 }),
        fc.constant(`https://www.example.fr/${'a'.repeat(3000)}`),
      ),
      publishedAt: fc.oneof(
        fc.constant(null),
        fc.constant('pas une date'),
        fc
          .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString()),
      ),
      sources: fc.array(
        fc.record({
          name: fc.oneof(text, wordy),
          url: fc.constant('https://www.example.fr/rss'),
          publishedAt: fc.constant(null),
        }),
        { maxLength: 12 },
      ),
      terms: fc.subarray([...TERM_IDS]),
      topics: fc.subarray([...TOPIC_IDS]),
      snippet: fc.oneof(fc.constant(null), text, wordy),
      amounts: fc.array(fc.record({ eur: fc.double(), text: fc.string() }), { maxLength: 5 }),
      deadlines: fc.array(
        fc.record({ date: fc.oneof(fc.string(), fc.constant('2026-04-30')), text: fc.string() }),
        { maxLength: 5 },
      ),
    });
    const failing = fc.array(
      fc.record({
        name: fc.oneof(text, wordy),
        url: fc.constant('https://www.example.fr/rss'),
        consecutiveFailures: fc.nat(),
        lastError: fc.constant(null),
        disabled: fc.boolean(),
      }),
      { maxLength: 80 },
    );

    fc.assert(
      fc.property(
        fc.array(arbitraryArticle, { maxLength: 60 }),
        failing,
        fc.constantFrom('fr' as const, 'en' as const),
        fc.integer({ min: 1, max: 80 }),
        fc.string({ maxLength: 300 }),
        (articles, failingFeeds, lang, maxArticles, searchHint) => {
          const messages = renderDigest(view(articles, failingFeeds), {
            lang,
            maxArticles,
            searchHint,
          });
          expect(messages.length).toBeGreaterThan(0);
          for (const message of messages) {
            expect(limitViolations(message)).toEqual([]);
            expect(message.allowedMentions).toEqual({ parse: [] });
          }
          const shown = new Set(articles.map((a) => a.id)).size;
          expect(
            descriptions(messages)
              .split('\n\n')
              .filter((b) => b.startsWith('**')),
          ).toHaveLength(Math.min(shown, maxArticles));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('renderAlert', () => {
  it('puts the article in one embed with the rule that fired', () => {
    const message = renderAlert(
      article({
        id: 11,
        title: 'SecNum Cloud : l’Anssi qualifie un nouveau fournisseur',
        terms: ['secnumcloud'],
        topics: ['certification'],
        snippet: 'L’Anssi a délivré la qualification ⟦SecNum Cloud⟧ à un troisième acteur.',
      }),
      { lang: 'fr', ruleName: 'SecNumCloud' },
    );

    expect(message).toEqual({
      content: '🔔 **Alerte Vigie** · règle « SecNumCloud »',
      embeds: [
        {
          title: 'SecNum Cloud : l’Anssi qualifie un nouveau fournisseur',
          url: 'https://www.example.fr/actualites/11',
          description: [
            'LeMagIT · <t:1772433000:R>',
            '`SecNumCloud` · Certification',
            '> L’Anssi a délivré la qualification **SecNum Cloud** à un troisième acteur.',
          ].join('\n'),
          color: 0x10b981,
          timestamp: '2026-03-02T06:30:00.000Z',
        },
      ],
      allowedMentions: { parse: [] },
    });
  });

  it('stays within the limits for an absurdly long title', () => {
    const message = renderAlert(article({ id: 12, title: 'UGAP '.repeat(2000) }), { lang: 'en' });
    expect(limitViolations(message)).toEqual([]);
    expect(message.embeds?.[0]?.title?.endsWith('UGAP…')).toBe(true);
  });
});

describe('renderDigestText', () => {
  it('prints the digest for a terminal without the escape sequences a feed may carry', () => {
    const text = renderDigestText(
      view([
        article({
          id: 21,
          title: 'L’UGAP \u001b[31mrouge\u001b[0m et le cloud',
          snippet: 'Un marché de ⟦l’UGAP⟧ pour les hôpitaux.',
          amounts: [{ eur: 2_500_000, text: '2,5 M€' }],
        }),
      ]),
      { lang: 'fr', timeZone: 'Europe/Paris' },
    );

    expect(text).toBe(
      [
        'Veille Vigie — 1 article, du 02/03/2026 06:00 au 02/03/2026 08:00',
        '',
        '== Commande publique (1) ==',
        '• L’UGAP [31mrouge [0m et le cloud',
        '  https://www.example.fr/actualites/21',
        '  LeMagIT · 02/03/2026 07:30',
        '  [UGAP] [SecNumCloud] · Commande publique, Hébergement',
        '  « Un marché de *l’UGAP* pour les hôpitaux. »',
        '  💶 2,5\u00a0M\u00a0€',
        '',
        '1 article · 1 média',
        '',
      ].join('\n'),
    );
    expect(text).not.toContain('\u001b');
  });
});
