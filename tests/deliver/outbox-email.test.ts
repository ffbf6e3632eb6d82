import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localDay, queueDailyEmail } from '../../src/deliver/daily-email.ts';
import { dispatchDue, retryDelayMs, type Sinks } from '../../src/deliver/dispatch.ts';
import { createSmtpSender, writeEml } from '../../src/deliver/email/send.ts';
import { silentLogger } from '../../src/log.ts';
import { saveMatchedArticle } from '../../src/store/articles.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { listFeeds, syncConfiguredFeeds } from '../../src/store/feeds.ts';
import { analysisOf, article } from '../store/fixtures.ts';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.ts';

let clock = new Date('2026-03-02T08:00:00+01:00');
const FROM = 'Vigie <vigie@example.org>';

function seed(db: Db, titles: string[]): void {
  syncConfiguredFeeds(
    db,
    [{ name: 'Silicon', url: 'https://www.silicon.fr/feed' }],
    clock.toISOString(),
  );
  const feedId = listFeeds(db)[0]?.id as number;
  for (const [i, title] of titles.entries()) {
    saveMatchedArticle(
      db,
      article({
        url: `https://www.silicon.fr/a/${title.length}-${i}`,
        title,
        text: `${title}, texte ${i}.`,
        analysis: analysisOf(['ugap'], ['commande-publique']),
      }),
      { feedId, itemKey: `${title}-${i}`, itemUrl: null, publishedAt: null },
      { digest: true, alerts: [] },
      clock.toISOString(),
    );
  }
}

describe('daily email through the outbox', () => {
  let sink: SmtpSink;
  let db: Db;
  let sinks: Sinks;
  let mailDir: string;
  const emailOptions = (destinations: string[]) => ({
    now: clock,
    timeZone: 'Europe/Paris',
    lang: 'fr' as const,
    destinations,
    recipients: ['equipe@example.org'],
    sendEmpty: false,
  });
  const dispatch = () =>
    dispatchDue(db, sinks, { now: () => clock, logger: silentLogger(), lang: 'fr' });

  beforeEach(async () => {
    clock = new Date('2026-03-02T08:00:00+01:00');
    sink = await startSmtpSink();
    mailDir = mkdtempSync(path.join(tmpdir(), 'vigie-mail-'));
    const smtp = createSmtpSender({ url: sink.url, from: FROM });
    sinks = {
      console: () => {},
      smtp,
      eml: (payload) => writeEml(mailDir, payload.date, { from: FROM, ...payload }),
    };
    db = openDb(':memory:');
  });
  afterEach(async () => {
    await sink.close();
    db.close();
  });

  it('sends once per day and recipient, even when the job runs again', async () => {
    seed(db, ['L’UGAP ouvre un marché cloud', 'Nouveau catalogue UGAP']);
    expect(queueDailyEmail(db, emailOptions(['smtp:a@example.org', 'smtp:b@example.org']))).toEqual(
      { queued: 2, articles: 2 },
    );
    expect(await dispatch()).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(sink.messages.map((m) => m.subject)).toEqual([
      'Vigie — 2 articles UGAP — lundi 2 mars 2026',
      'Vigie — 2 articles UGAP — lundi 2 mars 2026',
    ]);
    seed(db, ['Une troisième annonce UGAP']);
    expect(queueDailyEmail(db, emailOptions(['smtp:a@example.org'])).queued).toBe(0);
    await dispatch();
    expect(sink.messages).toHaveLength(2);
  });

  it('embeds the 8-week chart inline in the Monday email', async () => {
    seed(db, ['L’UGAP ouvre un marché cloud']);
    queueDailyEmail(db, { ...emailOptions(['smtp:a@example.org']), weeklyChart: true });
    expect(await dispatch()).toEqual({ sent: 1, retried: 0, failed: 0 });
    const [mail] = sink.messages;
    const chart = mail?.attachments.find((attachment) => attachment.contentType === 'image/png');
    expect(chart?.cid).toBeTruthy();
    // mailparser inlines cid: images as data: URIs; the raw message carries the reference.
    expect(sink.received[0]?.raw.toString()).toContain(`cid:${chart?.cid}`);
  });

  it('sends nothing on a day with nothing new', async () => {
    expect(queueDailyEmail(db, emailOptions(['smtp:a@example.org']))).toEqual({
      queued: 0,
      articles: 0,
    });
  });

  it('retries after a 421 and does not retry a 550', async () => {
    seed(db, ['L’UGAP ouvre un marché cloud']);
    queueDailyEmail(db, emailOptions(['smtp:a@example.org', 'smtp:b@example.org']));
    sink.failNext(421, 1);
    expect(await dispatch()).toEqual({ sent: 1, retried: 1, failed: 0 });
    clock = new Date(clock.getTime() + retryDelayMs(1, null));
    expect(await dispatch()).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(sink.messages).toHaveLength(2);

    clock = new Date(clock.getTime() + 86_400_000);
    seed(db, ['Le lendemain, l’UGAP encore']);
    queueDailyEmail(db, { ...emailOptions(['smtp:c@example.org']), now: clock });
    sink.failNext(550, 1);
    expect(await dispatch()).toEqual({ sent: 0, retried: 0, failed: 1 });
  });

  it('writes an .eml that parses back when there is no SMTP', async () => {
    seed(db, ['<script>alert(1)</script> UGAP\r\nBcc: victim@example.org']);
    queueDailyEmail(db, emailOptions(['eml']));
    await dispatch();
    const file = path.join(mailDir, `${localDay(clock, 'Europe/Paris')}.eml`);
    const parsed = await simpleParser(readFileSync(file));
    expect(parsed.subject).toBe('Vigie — 1 article UGAP — lundi 2 mars 2026');
    expect(parsed.html).not.toContain('<script>');
    expect(parsed.text).toContain('alert(1)');
    expect(parsed.headers.has('bcc')).toBe(false);
  });
});
