/**
 * Every slash command end to end through the fake Discord: INTERACTION_CREATE in over the
 * gateway, the interaction callback out over REST.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DISCORD_LIMITS, limitViolations } from '../../../../src/deliver/discord/limits.ts';
import type { Embed } from '../../../../src/deliver/discord/types.ts';
import type { Db } from '../../../../src/store/db.ts';
import { listFeeds } from '../../../../src/store/feeds.ts';
import { type Harness, startHarness } from './harness.ts';
import { NOW, procurementStories, STORIES, seededDb, type TestDeps, testDeps } from './seed.ts';

const EPHEMERAL = 64;

let db: Db;
let deps: TestDeps;
let harness: Harness;

beforeAll(async () => {
  db = seededDb([...STORIES, ...procurementStories(12)]);
  deps = testDeps(db);
  harness = await startHarness(deps);
});

afterAll(async () => {
  await harness.close();
});

beforeEach(() => {
  deps.setNow(NOW);
  harness.route(deps);
  harness.logger.error.mockClear();
});

interface ReplyData {
  content?: string;
  embeds?: Embed[];
  components?: Array<{
    components: Array<{ custom_id: string; disabled?: boolean; label: string }>;
  }>;
  flags?: number;
  allowed_mentions?: unknown;
}

const dataOf = (callback: { data: Record<string, unknown> | undefined }) =>
  (callback.data ?? {}) as ReplyData;

function expectValidReply(data: ReplyData) {
  expect(data.allowed_mentions).toEqual({ parse: [] });
  expect(
    limitViolations({
      content: data.content,
      embeds: data.embeds,
      allowedMentions: { parse: [] },
    }),
  ).toEqual([]);
}

const str = (name: string, value: string, focused = false) => ({
  name,
  type: 3,
  value,
  ...(focused ? { focused: true } : {}),
});
const sub = (name: string, options: unknown[] = []) => ({ name, type: 1, options });

describe('/search', () => {
  it('answers the first page with highlighted snippets, outlets and no mentions', async () => {
    const { callback } = await harness.command('search', [str('query', 'SecNumCloud')]);
    const data = dataOf(callback);

    expect(callback.type).toBe(4);
    expect(data.flags ?? 0).toBe(0);
    expect(data.content).toBe('🔎 **2 résultats** pour « SecNumCloud »');
    expect(data.embeds?.[0]?.title).toBe(
      'L’UGAP référence une offre de cloud qualifiée SecNumCloud',
    );
    expect(data.embeds?.[0]?.url).toBe('https://www.example.fr/actualites/ugap-offre-cloud');
    expect(data.embeds?.[1]?.description).toContain('**SecNumCloud**');
    expect(data.embeds?.[1]?.description).toContain('LeMagIT');
    expect(data.components ?? []).toEqual([]);
    expectValidReply(data);
  });

  it('pages with Next then Previous, the state surviving in the database', async () => {
    const first = await harness.command('search', [str('query', 'UGAP')]);
    const page1 = dataOf(first.callback);
    expect(page1.content).toBe('🔎 **13 résultats** pour « UGAP » · 1–5');
    const [previous, next] = page1.components?.[0]?.components ?? [];
    expect(previous).toMatchObject({ label: 'Précédent', disabled: true });
    expect(next).toMatchObject({ label: 'Suivant', disabled: false });
    expect(next?.custom_id.length).toBeLessThanOrEqual(100);

    const second = await harness.press(first.id, next?.custom_id ?? '');
    const page2 = dataOf(second.callback);
    expect(second.callback.type).toBe(7);
    expect(page2.content).toBe('🔎 **13 résultats** pour « UGAP » · 6–10');
    const page1Titles = page1.embeds?.map((e) => e.title);
    expect(page2.embeds?.some((e) => page1Titles?.includes(e.title))).toBe(false);

    const buttons = page2.components?.[0]?.components ?? [];
    expect(buttons[0]?.disabled).toBe(false);
    const back = await harness.press(first.id, buttons[0]?.custom_id ?? '');
    expect(dataOf(back.callback).embeds?.map((e) => e.title)).toEqual(page1Titles);
  });

  it('answers an expired button with a clear ephemeral message', async () => {
    const first = await harness.command('search', [str('query', 'UGAP')]);
    const next = dataOf(first.callback).components?.[0]?.components[1];
    deps.setNow(new Date(NOW.getTime() + 25 * 3_600_000));

    const pressed = await harness.press(first.id, next?.custom_id ?? '');

    expect(pressed.callback.type).toBe(4);
    expect(dataOf(pressed.callback)).toMatchObject({
      content: '⚠️ Cette recherche a expiré : relancez /search.',
      flags: EPHEMERAL,
    });
  });

  it('filters by term, topic label, date and outlet', async () => {
    const { callback } = await harness.command('search', [
      str('query', 'hébergement'),
      str('term', 'ugap'),
      str('topic', 'Commande publique'),
      str('since', '2026-02-26'),
      str('source', 'lemagit'),
    ]);
    const data = dataOf(callback);
    expect(data.content).toBe('🔎 **1 résultat** pour « hébergement »');
    expect(data.embeds?.[0]?.url).toBe('https://www.example.fr/actualites/ugap-offre-cloud');
  });

  it.each([
    ['NEAR(', 'NEAR('],
    ['an unbalanced quote', '"SecNumCloud'],
    ['a lone star', '*'],
    ['a lone minus', '-'],
    ['FTS column syntax', 'title:UGAP^'],
    ['boolean keywords', 'UGAP AND OR NOT NEAR'],
    ['SQL metacharacters', "'; DROP TABLE articles; --"],
    ['a NUL and backslashes', 'UGAP\u0000\\\\'],
  ])('answers %s as plain words, never a syntax error', async (_case, query) => {
    const { callback } = await harness.command('search', [str('query', query)]);
    const data = dataOf(callback);

    expect(callback.type).toBe(4);
    expect(data.content).toMatch(/^🔎 /);
    expect(data.content).not.toMatch(/syntax|erreur|error/i);
    expect(harness.logger.error).not.toHaveBeenCalled();
    expectValidReply(data);
    expect((db.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n).toBe(15);
  });

  it('refuses a 6000-character query with a clear ephemeral message', async () => {
    const { callback } = await harness.command('search', [
      str('query', 'SecNumCloud '.repeat(500)),
    ]);
    expect(dataOf(callback)).toMatchObject({
      content: '⚠️ L’option « query » dépasse 200 caractères.',
      flags: EPHEMERAL,
    });
  });

  it('refuses an unknown topic, listing the valid ones', async () => {
    const { callback } = await harness.command('search', [
      str('query', 'cloud'),
      str('topic', 'hôpital de jour'),
    ]);
    expect(dataOf(callback).content).toContain(
      '« hôpital de jour » n’est pas une valeur de « topic »',
    );
    expect(dataOf(callback).flags).toBe(EPHEMERAL);
  });

  it('answers in English to an English-speaking user', async () => {
    const { callback } = await harness.command('search', [str('query', 'UGAP')], {
      locale: 'en-GB',
    });
    expect(dataOf(callback).content).toBe('🔎 **13 results** for “UGAP” · 1–5');
  });
});

describe('autocomplete', () => {
  it('suggests topics from a prefix typed without accents, in French', async () => {
    const choices = await harness.autocomplete('search', [
      str('query', 'cloud'),
      str('topic', 'donnees', true),
    ]);
    expect(choices).toEqual([{ name: 'Données de santé', value: 'donnees-sante' }]);
  });

  it('suggests watch terms from a partial label', async () => {
    const choices = await harness.autocomplete('recent', [str('term', 'secnum', true)]);
    expect(choices).toEqual([{ name: 'SecNumCloud', value: 'secnumcloud' }]);
  });

  it('suggests outlets from the feeds table', async () => {
    const choices = await harness.autocomplete('search', [
      str('query', 'cloud'),
      str('source', 'sili', true),
    ]);
    expect(choices).toEqual([{ name: 'Silicon', value: 'Silicon' }]);
  });

  it('suggests feeds by id for /feeds remove', async () => {
    const choices = await harness.autocomplete('feeds', [
      sub('remove', [str('feed', 'mag', true)]),
    ]);
    const lemagit = listFeeds(db).find((feed) => feed.name === 'LeMagIT');
    expect(choices).toEqual([{ name: `LeMagIT (#${lemagit?.id})`, value: String(lemagit?.id) }]);
  });
});

describe('/recent, /topics, /stats', () => {
  it('/recent lists the newest stories of a term', async () => {
    const { callback } = await harness.command('recent', [
      str('term', 'health-data-hub'),
      { name: 'count', type: 4, value: 3 },
    ]);
    const data = dataOf(callback);
    expect(data.content).toBe('🕒 **Dernières histoires** — Health Data Hub (1 histoire)');
    expect(data.embeds?.[0]?.title).toBe(
      'Health Data Hub : la migration vers un hébergeur européen encore repoussée',
    );
    expectValidReply(data);
  });

  it('/recent refuses a count Discord would not allow', async () => {
    const { callback } = await harness.command('recent', [{ name: 'count', type: 4, value: 50 }]);
    expect(dataOf(callback)).toMatchObject({
      content: '⚠️ L’option « count » attend un nombre entre 1 et 10.',
      flags: EPHEMERAL,
    });
  });

  it('/topics counts per topic and term with the change from the week before', async () => {
    const { callback } = await harness.command('topics', [{ name: 'days', type: 4, value: 7 }]);
    const embed = dataOf(callback).embeds?.[0];
    expect(embed?.title).toBe('📊 Sujets des 7 derniers jours');
    const [topics, terms] = embed?.fields ?? [];
    expect(topics?.value.split('\n')[0]).toBe('Commande publique : **13** (▲ +13)');
    expect(topics?.value).toContain('Certification : **0** (▼ −1)');
    expect(terms?.value).toContain('SecNumCloud : **1** (=)');
    expect(embed?.footer?.text).toBe('14 articles (1 les 7 jours précédents)');
  });

  it('/topics attaches the 8-week chart as a PNG file', async () => {
    const { id } = await harness.command('topics', [{ name: 'days', type: 4, value: 7 }]);
    const sent = harness.fake.requests.find(
      (request) => request.method === 'POST' && request.path.includes(`/interactions/${id}/`),
    );
    expect(sent?.headers['content-type']).toMatch(/^multipart\/form-data/);
  });

  it('/stats shows feeds, articles, polls and the next digest', async () => {
    const { callback } = await harness.command('stats');
    const fields = dataOf(callback).embeds?.[0]?.fields ?? [];
    const field = (name: string) => fields.find((f) => f.name === name)?.value;
    expect(field('Flux')).toBe('2 · 2 ok · 0 en échec · 0 désactivé · 0 en pause');
    expect(field('Articles en base')).toBe('15');
    expect(field('Dernière relève')).toBe('jamais');
    expect(field('Prochain résumé')).toBe(`<t:${Date.parse('2026-03-02T09:00:00Z') / 1000}:R>`);
    expect(field('Envois')).toBe('0 en attente · 0 en échec · 2 articles pour le prochain résumé');
  });
});

describe('admin commands', () => {
  it('refuses /feeds add to a member without Manage Server, even with the definition bypassed', async () => {
    const before = listFeeds(db).length;
    const { callback } = await harness.command(
      'feeds',
      [sub('add', [str('url', 'https://www.presse-cloud.fr/rss')])],
      { as: 'member' },
    );

    expect(dataOf(callback)).toMatchObject({
      content: '⚠️ Cette commande demande la permission « Gérer le serveur ».',
      flags: EPHEMERAL,
    });
    expect(listFeeds(db)).toHaveLength(before);
    expect(deps.resolver.asked).toEqual([]);
  });

  it('refuses /digest to a member and queues nothing', async () => {
    const { callback } = await harness.command('digest', [], { as: 'member' });
    expect(dataOf(callback).flags).toBe(EPHEMERAL);
    expect(deps.dispatch).not.toHaveBeenCalled();
  });

  it('/feeds list answers ephemerally with each feed’s state', async () => {
    const { callback } = await harness.command('feeds', [sub('list')]);
    const data = dataOf(callback);
    expect(data.flags).toBe(EPHEMERAL);
    expect(data.embeds?.[0]?.title).toBe('2 flux suivis');
    expect(data.embeds?.[0]?.description).toMatch(/^🟢 `#\d+` \*\*LeMagIT\*\* · https:/);
  });

  it.each([
    ['loopback', 'http://127.0.0.1:8080/rss'],
    ['a private 10.x address', 'http://10.0.0.5/feed.xml'],
    ['the cloud metadata endpoint', 'http://169.254.169.254/latest/meta-data/'],
    ['IPv6 loopback', 'http://[::1]/rss'],
    ['an IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/rss'],
    ['a name resolving to a private address', 'https://intranet.presse-cloud.fr/rss'],
    ['a name with one private address among public ones', 'https://mixte.presse-cloud.fr/rss'],
    ['localhost', 'http://localhost:9464/metrics'],
  ])('/feeds add refuses %s', async (_case, url) => {
    const before = listFeeds(db).length;
    const { callback } = await harness.command('feeds', [sub('add', [str('url', url)])]);
    expect(dataOf(callback)).toMatchObject({
      content:
        '⚠️ Adresse refusée : elle pointe vers le réseau local ou une adresse privée (réglage allowPrivateFeeds).',
      flags: EPHEMERAL,
    });
    expect(listFeeds(db)).toHaveLength(before);
  });

  it.each([
    ['file://', 'file:///etc/passwd'],
    ['gopher://', 'gopher://127.0.0.1:6379/_INFO'],
    ['ftp://', 'ftp://ftp.presse-cloud.fr/rss.xml'],
  ])('/feeds add refuses %s URLs without resolving anything', async (_case, url) => {
    deps.resolver.asked.length = 0;
    const { callback } = await harness.command('feeds', [sub('add', [str('url', url)])]);
    expect(dataOf(callback).content).toBe(
      '⚠️ Seules les adresses http:// et https:// sont acceptées.',
    );
    expect(deps.resolver.asked).toEqual([]);
  });

  it('/feeds add accepts a public feed, then pause, resume and remove manage it', async () => {
    const added = await harness.command('feeds', [
      sub('add', [str('url', 'https://www.presse-cloud.fr/rss'), str('name', 'Presse Cloud')]),
    ]);
    expect(dataOf(added.callback)).toMatchObject({
      content:
        'Flux ajouté : **Presse Cloud** (https://www.presse-cloud.fr/rss). Première relève sous peu.',
      flags: EPHEMERAL,
    });
    const feed = listFeeds(db).find((f) => f.name === 'Presse Cloud');
    expect(feed).toMatchObject({ origin: 'runtime', paused: false, nextPollAt: NOW.toISOString() });
    expect(deps.resolver.asked).toContain('www.presse-cloud.fr');

    await harness.command('feeds', [sub('pause', [str('feed', String(feed?.id))])]);
    expect(listFeeds(db).find((f) => f.id === feed?.id)?.paused).toBe(true);
    await harness.command('feeds', [sub('resume', [str('feed', 'presse cloud')])]);
    expect(listFeeds(db).find((f) => f.id === feed?.id)?.paused).toBe(false);
    const removed = await harness.command('feeds', [
      sub('remove', [str('feed', String(feed?.id))]),
    ]);
    expect(dataOf(removed.callback).content).toBe(
      'Flux retiré : **Presse Cloud**. Ses articles restent en base.',
    );
    expect(listFeeds(db).some((f) => f.id === feed?.id)).toBe(false);
  });

  it('/feeds remove refuses a feed of sources.yml and says to pause it', async () => {
    const { callback } = await harness.command('feeds', [sub('remove', [str('feed', 'LeMagIT')])]);
    expect(dataOf(callback).content).toBe(
      '⚠️ Ce flux vient de sources.yml : mettez-le en pause, ou retirez-le du fichier.',
    );
    expect(listFeeds(db).some((f) => f.name === 'LeMagIT')).toBe(true);
  });

  it('defers /feeds add while DNS is slow, then edits the ephemeral reply in', async () => {
    const slow = testDeps(db, {
      resolve: async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return [{ address: '203.0.113.20', family: 4 }];
      },
    });
    harness.route(slow, { deferAfterMs: 50 });

    const { id, callback } = await harness.command('feeds', [
      sub('add', [str('url', 'https://lent.presse-cloud.fr/feed')]),
    ]);
    expect(callback).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    const edit = await harness.edit(id);
    expect((edit.body as ReplyData).content).toMatch(
      /^Flux ajouté : \*\*lent\.presse-cloud\.fr\*\*/,
    );
    expect((edit.body as ReplyData).allowed_mentions).toEqual({ parse: [] });
  });

  it('/digest queues the pending articles and dispatches them', async () => {
    const { callback } = await harness.command('digest');
    expect(dataOf(callback)).toMatchObject({
      content: 'Résumé de 2 articles envoyé. Les échecs d’envoi sont réessayés ; voir /stats.',
      flags: EPHEMERAL,
    });
    expect(deps.dispatch).toHaveBeenCalledTimes(1);
    const queued = db.prepare(`SELECT count(*) AS n FROM outbox WHERE kind = 'digest'`).get() as {
      n: number;
    };
    expect(queued.n).toBe(1);

    const again = await harness.command('digest');
    expect(dataOf(again.callback).content).toBe(
      'Aucun nouvel article depuis le dernier résumé : rien à publier.',
    );
  });
});

describe('replies stay within Discord limits', () => {
  it('keeps ten long results under the 6000-character embed total', async () => {
    const { callback } = await harness.command('recent', [{ name: 'count', type: 4, value: 10 }]);
    const embeds = dataOf(callback).embeds ?? [];
    expect(embeds).toHaveLength(10);
    const total = embeds.reduce(
      (sum, e) => sum + (e.title?.length ?? 0) + (e.description?.length ?? 0),
      0,
    );
    expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
  });
});
