import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueDigest } from '../../src/deliver/digest.ts';
import { createBotSender } from '../../src/deliver/discord/bot.ts';
import { dispatchDue, retryDelayMs, type Sinks } from '../../src/deliver/dispatch.ts';
import { silentLogger } from '../../src/log.ts';
import { saveMatchedArticle } from '../../src/store/articles.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { listFeeds, syncConfiguredFeeds } from '../../src/store/feeds.ts';
import { claimDue, confirmPart, outboxStats, recoverInFlight } from '../../src/store/outbox.ts';
import { analysisOf, article } from '../store/fixtures.ts';
import { type FakeDiscord, startFakeDiscord } from '../support/fake-discord.ts';

const CHANNEL = '200000000000000001';
const ROUTE = 'POST /channels/:channelId/messages';
let clock = new Date('2026-03-02T08:00:00+01:00');
const now = () => clock;

function seed(
  db: Db,
  count: number,
  title = (i: number) => `Le Health Data Hub, épisode ${i}`,
  withAlert = false,
): void {
  syncConfiguredFeeds(
    db,
    [{ name: 'LeMagIT', url: 'https://www.lemagit.fr/rss' }],
    clock.toISOString(),
  );
  const feedId = listFeeds(db)[0]?.id as number;
  for (let i = 1; i <= count; i += 1) {
    saveMatchedArticle(
      db,
      article({
        url: `https://www.lemagit.fr/actualites/${i}`,
        title: title(i),
        text: `La Plateforme des données de santé, article numéro ${i}.`,
        analysis: analysisOf(['health-data-hub'], ['hebergement']),
      }),
      { feedId, itemKey: `g${i}`, itemUrl: null, publishedAt: null },
      {
        digest: true,
        alerts: withAlert && i === 1 ? [{ rule: 'hdh', destination: `discord:${CHANNEL}` }] : [],
      },
      clock.toISOString(),
    );
  }
}

describe('outbox → Discord bot, exactly once', () => {
  let fake: FakeDiscord;
  let db: Db;
  let sinks: Sinks & { close(): Promise<void> };
  const options = () => ({ now, logger: silentLogger(), lang: 'fr' as const });
  const posted = () => fake.messages.get(CHANNEL) ?? [];

  beforeEach(async () => {
    clock = new Date('2026-03-02T08:00:00+01:00');
    fake = await startFakeDiscord({ channelIds: [CHANNEL] });
    const bot = createBotSender({ token: fake.token, apiBase: fake.apiBase });
    sinks = { bot, console: () => {}, eml: async () => '', close: () => bot.close() };
    db = openDb(':memory:');
  });
  afterEach(async () => {
    await sinks.close();
    await fake.close();
    db.close();
  });

  it('posts a digest and an alert once, with no mentions allowed', async () => {
    seed(db, 3, undefined, true);
    expect(
      queueDigest(db, `discord:${CHANNEL}`, {
        now: clock,
        lang: 'fr',
        maxArticles: 60,
        timeZone: 'Europe/Paris',
      }),
    ).toMatchObject({ articles: 3 });
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(posted()).toHaveLength(2);
    const bodies = fake.requests
      .filter((r) => r.method === 'POST')
      .map((r) => r.body as Record<string, unknown>);
    for (const body of bodies) {
      expect(body.allowed_mentions).toEqual({ parse: [] });
      expect(body.enforce_nonce).toBe(true);
    }
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(
      queueDigest(db, `discord:${CHANNEL}`, {
        now: clock,
        lang: 'fr',
        maxArticles: 60,
        timeZone: 'Europe/Paris',
      }),
    ).toBeNull();
  });

  it('splits a 300-article digest across messages and resumes where a crash stopped it', async () => {
    seed(db, 300);
    queueDigest(db, `discord:${CHANNEL}`, {
      now: clock,
      lang: 'fr',
      maxArticles: 300,
      timeZone: 'Europe/Paris',
    });
    const [row] = claimDue(db, ['digest'], clock.toISOString());
    const payload = JSON.parse(row?.payload ?? '{}') as { messages: unknown[] };
    expect(payload.messages.length).toBeGreaterThan(5);
    // Send the first two parts, then "crash" after sending the second but before marking it.
    const bot = sinks.bot;
    if (!bot || !row) throw new Error('setup');
    await bot.send(CHANNEL, payload.messages[0] as never, { nonce: `vigie-${row.id}-0` });
    confirmPart(db, row.id, 'x');
    await bot.send(CHANNEL, payload.messages[1] as never, { nonce: `vigie-${row.id}-1` });
    expect(recoverInFlight(db)).toBe(1);

    await dispatchDue(db, sinks, options());
    expect(posted()).toHaveLength(payload.messages.length);
    const contents = posted().map((m) => JSON.stringify(m.embeds));
    expect(new Set(contents).size).toBe(payload.messages.length);
  });

  it('waits as a 429 asks, then sends', async () => {
    seed(db, 1, undefined, true);
    queueDigest(db, `discord:${CHANNEL}`, {
      now: clock,
      lang: 'fr',
      maxArticles: 60,
      timeZone: 'Europe/Paris',
    });
    fake.setNextResponses(ROUTE, [
      {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: 90, global: false },
        headers: { 'retry-after': '90' },
      },
    ]);
    const first = await dispatchDue(db, sinks, options());
    expect(first.retried).toBeGreaterThan(0);
    expect(await dispatchDue(db, sinks, options())).toMatchObject({ sent: 0 });
    clock = new Date(clock.getTime() + 91_000);
    expect((await dispatchDue(db, sinks, options())).sent).toBe(first.retried);
    expect(posted()).toHaveLength(2);
  });

  it('retries a 500 after a backoff', async () => {
    seed(db, 1, undefined, true);
    fake.setNextResponses(ROUTE, [{ status: 500, body: { message: 'Internal Server Error' } }]);
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 0, retried: 1, failed: 0 });
    clock = new Date(clock.getTime() + retryDelayMs(1, null));
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 1, retried: 0, failed: 0 });
  });

  it('does not retry a 403 Missing Access and reports it', async () => {
    seed(db, 1, undefined, true);
    fake.setNextResponses(ROUTE, [
      { status: 403, body: { message: 'Missing Access', code: 50001 } },
    ]);
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 0, retried: 0, failed: 1 });
    clock = new Date(clock.getTime() + 86_400_000);
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(outboxStats(db)).toMatchObject({ failed: 1 });
    expect(outboxStats(db).lastFailures[0]?.error).toMatch(/Missing Access|50001/);
  });

  it('keeps @everyone and masked links in titles harmless', async () => {
    seed(db, 1, () => '@everyone [cliquez ici](https://evil.example) <@123456789012345678> le HDH');
    queueDigest(db, `discord:${CHANNEL}`, {
      now: clock,
      lang: 'fr',
      maxArticles: 60,
      timeZone: 'Europe/Paris',
    });
    await dispatchDue(db, sinks, options());
    const text = JSON.stringify(posted().map((m) => [m.content, m.embeds]));
    expect(text).not.toMatch(/(?<!\\u200b)@everyone/);
    expect(text).not.toContain('[cliquez ici](https://evil.example)');
  });
});
