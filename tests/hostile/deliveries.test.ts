/**
 * Issue 10, "Deliveries": each Discord and SMTP fault, one after the other on the same outbox,
 * then the fault clears. Whatever happened, an announcement reaches its destination at most
 * once, and exactly once unless the failure was permanent. Single-fault mappings are already
 * in tests/deliver/; this suite chains them, adds the lost answer (Discord created the message
 * but the answer timed out) and checks that one broken destination never holds up another.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueDailyEmail } from '../../src/deliver/daily-email.ts';
import { queueDigest } from '../../src/deliver/digest.ts';
import { createBotSender } from '../../src/deliver/discord/bot.ts';
import { dispatchDue, type Sinks } from '../../src/deliver/dispatch.ts';
import { createSmtpSender } from '../../src/deliver/email/send.ts';
import { silentLogger } from '../../src/log.ts';
import { saveMatchedArticle } from '../../src/store/articles.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { listFeeds, syncConfiguredFeeds } from '../../src/store/feeds.ts';
import { analysisOf, article } from '../store/fixtures.ts';
import { type FakeDiscord, startFakeDiscord } from '../support/fake-discord.ts';
import { type DiscordGate, FIXED_NOW, startDiscordGate } from '../support/hostile.ts';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.ts';

const CHANNEL = '1300000000000000001';
const ROUTE = 'POST /channels/:channelId/messages';
const RECIPIENT = 'equipe@vigie.test';

describe('delivery faults in a row, then recovery', () => {
  let fake: FakeDiscord;
  let gate: DiscordGate;
  let smtp: SmtpSink;
  let db: Db;
  let sinks: Sinks & { close(): Promise<void> };
  let clock = FIXED_NOW;
  const options = () => ({ now: () => clock, logger: silentLogger(), lang: 'fr' as const });
  const posted = () => fake.messages.get(CHANNEL) ?? [];
  const status = () =>
    db
      .prepare(
        `SELECT kind, status, attempts FROM outbox WHERE kind IN ('digest', 'email', 'alert')`,
      )
      .all();
  /** Moves the clock past every retry time, as the dispatch job would wait. */
  const later = () => {
    clock = new Date(clock.getTime() + 2 * 3_600_000);
  };

  beforeEach(async () => {
    clock = FIXED_NOW;
    fake = await startFakeDiscord({ channelIds: [CHANNEL] });
    gate = await startDiscordGate(fake);
    smtp = await startSmtpSink();
    const bot = createBotSender({ token: fake.token, apiBase: gate.apiBase, timeoutMs: 400 });
    const mail = createSmtpSender({ url: smtp.url, from: 'Vigie <vigie@vigie.test>' });
    sinks = {
      bot,
      smtp: { send: (message) => mail.send(message) },
      console: () => {},
      eml: async () => '',
      close: async () => {
        await bot.close();
        await mail.close();
      },
    };
    db = openDb(':memory:');
    syncConfiguredFeeds(
      db,
      [{ name: 'LeMagIT', url: 'https://www.lemagit.fr/rss' }],
      clock.toISOString(),
    );
    const feedId = listFeeds(db)[0]?.id as number;
    saveMatchedArticle(
      db,
      article({
        url: 'https://www.lemagit.fr/actualites/ugap-cloud-souverain',
        title: 'L’UGAP référence trois offres de cloud souverain',
        text: 'La centrale d’achat public l’UGAP ouvre son catalogue à trois hébergeurs qualifiés.',
        analysis: analysisOf(['ugap'], ['commande-publique']),
      }),
      { feedId, itemKey: 'g1', itemUrl: null, publishedAt: null },
      { digest: true, alerts: [] },
      clock.toISOString(),
    );
    queueDigest(db, `discord:${CHANNEL}`, {
      now: clock,
      lang: 'fr',
      maxArticles: 60,
      timeZone: 'Europe/Paris',
    });
    queueDailyEmail(db, {
      now: clock,
      timeZone: 'Europe/Paris',
      lang: 'fr',
      destinations: [`smtp:${RECIPIENT}`],
      recipients: [RECIPIENT],
      sendEmpty: false,
    });
  });

  afterEach(async () => {
    await sinks.close();
    await gate.close();
    await fake.close();
    await smtp.close();
    db.close();
  });

  it('posts once after a 429, a 500, a timeout and a lost answer in a row', async () => {
    fake.setNextResponses(ROUTE, [
      {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: 1.5, global: false },
        headers: { 'retry-after': '2' },
      },
      { status: 500, body: { message: 'Internal Server Error', code: 0 } },
    ]);
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 1, retried: 1, failed: 0 });
    later();
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect(posted()).toHaveLength(0);

    // Swallowed: Discord never saw it; the client gives up after its 400 ms.
    const swallowed = gate.arm('swallow');
    later();
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 0, retried: 1, failed: 0 });
    await swallowed.reached;

    // Created, but the answer is held until the client has given up (closed the connection
    // after its 400 ms): the retry must not post again.
    const lost = gate.arm('after-send', ({ clientGone }) => clientGone);
    later();
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 0, retried: 1, failed: 0 });
    await lost.reached;
    expect(posted()).toHaveLength(1);

    later();
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(posted()).toHaveLength(1);
    expect(status()).toEqual([
      { kind: 'digest', status: 'sent', attempts: 5 },
      { kind: 'email', status: 'sent', attempts: 1 },
    ]);
  });

  it('gives up on 403 Missing Access at once while the email still goes out', async () => {
    fake.setNextResponses(ROUTE, [
      { status: 403, body: { message: 'Missing Access', code: 50001 } },
    ]);
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 1, retried: 0, failed: 1 });
    later();
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(posted()).toHaveLength(0);
    expect(smtp.messages).toHaveLength(1);
    const requests = fake.requests.filter((r) => r.route === ROUTE);
    expect(requests).toHaveLength(1);
  });

  it('retries SMTP 421 until accepted, sending one copy, while Discord is unaffected', async () => {
    smtp.failNext(421, 2);
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 1, retried: 1, failed: 0 });
    later();
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 0, retried: 1, failed: 0 });
    later();
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
    expect(posted()).toHaveLength(1);
  });

  it('never retries SMTP 550, at MAIL FROM or at RCPT TO', async () => {
    smtp.failNext(550, 1, 'rcpt');
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 1, retried: 0, failed: 1 });
    later();
    expect(await dispatchDue(db, sinks, options())).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(0);
    expect(db.prepare(`SELECT last_error AS error FROM outbox WHERE kind = 'email'`).get()).toEqual(
      { error: expect.stringMatching(/^SMTP_REJECTED: .*550/) },
    );
  });
});
