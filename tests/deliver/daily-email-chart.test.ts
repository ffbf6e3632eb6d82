import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { queueDailyEmail } from '../../src/deliver/daily-email.ts';
import type { EmailAttachment } from '../../src/deliver/email/types.ts';
import { saveMatchedArticle } from '../../src/store/articles.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { listFeeds, syncConfiguredFeeds } from '../../src/store/feeds.ts';
import { analysisOf, article } from '../store/fixtures.ts';

const monday = new Date('2026-03-02T08:00:00+01:00');
const tuesday = new Date('2026-03-03T08:00:00+01:00');

function seeded(now: Date): Db {
  const db = openDb(':memory:');
  syncConfiguredFeeds(
    db,
    [{ name: 'Silicon', url: 'https://www.silicon.fr/feed' }],
    now.toISOString(),
  );
  saveMatchedArticle(
    db,
    article({
      url: 'https://www.silicon.fr/ugap-catalogue-cloud',
      title: 'L’UGAP ouvre son catalogue à trois offres SecNum Cloud',
      text: 'La centrale d’achat public référence trois offres de cloud qualifiées.',
      analysis: analysisOf(['ugap', 'secnumcloud'], ['commande-publique']),
    }),
    { feedId: listFeeds(db)[0]?.id as number, itemKey: 'ugap', itemUrl: null, publishedAt: null },
    { digest: true, alerts: [] },
    new Date(now.getTime() - 3_600_000).toISOString(),
  );
  return db;
}

function queuedPayload(db: Db, now: Date) {
  queueDailyEmail(db, {
    now,
    timeZone: 'Europe/Paris',
    lang: 'fr',
    destinations: ['eml'],
    recipients: ['equipe@example.org'],
    sendEmpty: false,
    weeklyChart: true,
  });
  const row = db.prepare(`SELECT payload FROM outbox WHERE kind = 'email'`).get() as {
    payload: string;
  };
  return JSON.parse(row.payload) as {
    html: string;
    text: string;
    attachments?: EmailAttachment[];
  };
}

describe('Monday email chart', () => {
  it('embeds the 8-week chart inline on Monday, with its text in the text part', async () => {
    const payload = queuedPayload(seeded(monday), monday);
    expect(payload.html).toContain('src="cid:vigie-trends@vigie.local"');
    expect(payload.text).toContain('== Les 8 dernières semaines ==');
    expect(payload.text).toMatch(/UGAP [▁-█]{8} 1 cette semaine/);
    const [attachment] = payload.attachments ?? [];
    expect(attachment?.cid).toBe('vigie-trends@vigie.local');
    // The payload is what nodemailer takes: composed, the PNG is a related inline part.
    const composer = nodemailer.createTransport({ streamTransport: true, buffer: true });
    const info = await composer.sendMail({
      from: 'vigie@example.org',
      to: 'equipe@example.org',
      html: payload.html,
      attachments: payload.attachments,
    });
    const parsed = await simpleParser(info.message as Buffer);
    const png = parsed.attachments.find((a) => a.contentId === '<vigie-trends@vigie.local>');
    expect(png?.contentType).toBe('image/png');
    expect(png?.content.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('carries no chart on other days', () => {
    const payload = queuedPayload(seeded(tuesday), tuesday);
    expect(payload.html).not.toContain('cid:');
    expect(payload.attachments).toBeUndefined();
  });
});
