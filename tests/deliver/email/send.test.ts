import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderDailyEmail } from '../../../src/deliver/email/render.ts';
import {
  createSmtpSender,
  dailyMessageId,
  type SmtpSender,
  writeEml,
} from '../../../src/deliver/email/send.ts';
import { DeliveryError } from '../../../src/deliver/errors.ts';
import { type SmtpSink, startSmtpSink } from '../../support/smtp-sink.ts';
import { article, cloudSouverain, emailView, marcheUgap, migrationHdh } from './fixtures.ts';

const FROM = 'Vigie <vigie@exemple-veille.fr>';
const TEAM = 'equipe-cloud@exemple-ministere.fr';

const hostile = article({
  id: 301,
  title: '<script>alert(1)</script> L’UGAP relance son marché\r\nBcc: intrus@example.net',
  terms: ['ugap'],
  topics: ['commande-publique'],
});

function rendered(lang: 'fr' | 'en' = 'fr') {
  const view = emailView([cloudSouverain, marcheUgap, migrationHdh, hostile]);
  return renderDailyEmail(view, { lang, timeZone: 'Europe/Paris' });
}

/** The rejection of `promise`, which must be a DeliveryError. */
async function deliveryError(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('createSmtpSender against the loopback sink', () => {
  let sink: SmtpSink;
  let sender: SmtpSender;

  beforeEach(async () => {
    sink = await startSmtpSink();
    sender = createSmtpSender({ url: sink.url, from: FROM });
  });

  afterEach(async () => {
    await sender.close();
    await sink.close();
  });

  it('delivers the subject, both parts and a stable Message-ID', async () => {
    const email = rendered();
    const messageId = dailyMessageId('2026-11-23', [TEAM]);
    const result = await sender.send({ to: [TEAM], ...email, messageId });

    expect(result).toEqual({ messageId, rejected: [] });
    expect(sink.messages).toHaveLength(1);
    const [mail] = sink.messages;
    expect(mail?.subject).toBe(
      'Vigie — 4 articles HDH · SecNumCloud · UGAP — lundi 23 novembre 2026',
    );
    expect(mail?.messageId).toBe(messageId);
    expect(mail?.from?.value).toEqual([{ name: 'Vigie', address: 'vigie@exemple-veille.fr' }]);
    expect(mail?.text?.trimEnd()).toBe(email.text.trimEnd());
    expect(mail?.html).toBe(email.html);
    expect(mail?.headers.get('auto-submitted')).toBe('auto-generated');
    expect(sink.received[0]?.envelope).toEqual({ from: 'vigie@exemple-veille.fr', to: [TEAM] });
  });

  it('keeps the grouping, the links and the escaping of hostile titles through the wire', async () => {
    await sender.send({ to: [TEAM], ...rendered() });
    const $ = cheerio.load(sink.messages[0]?.html || '');
    expect(
      $('h2')
        .map((_, h) => $(h).text())
        .get(),
    ).toEqual(['Commande publique (2)', 'Certification (1)', 'Données de santé (1)', 'À venir']);
    const hrefs = $('a')
      .map((_, a) => $(a).attr('href'))
      .get();
    // Commande publique first (two stories, newest first), then Certification: title links lead.
    expect([...new Set(hrefs)].slice(0, 3)).toEqual([
      hostile.url,
      marcheUgap.url,
      cloudSouverain.url,
    ]);
    expect($('script')).toHaveLength(0);
    expect($(`a[href="${hostile.url}"]`).first().text()).toBe(
      '<script>alert(1)</script> L’UGAP relance son marché Bcc: intrus@example.net',
    );
    expect(sink.messages[0]?.text).toContain(
      '* <script>alert(1)</script> L’UGAP relance son marché Bcc: intrus@example.net\n',
    );
  });

  it('keeps CR/LF that reached the subject from forging a header or a recipient', async () => {
    await sender.send({
      to: [TEAM],
      subject: `Vigie — ${hostile.title}`,
      text: 'corps',
      html: '<p>corps</p>',
    });
    const [received] = sink.received;
    expect(received?.envelope.to).toEqual([TEAM]);
    expect(received?.parsed.bcc).toBeUndefined();
    expect(received?.parsed.subject).toBe(
      'Vigie — <script>alert(1)</script> L’UGAP relance son marché Bcc: intrus@example.net',
    );
    const head = received?.raw.toString('latin1').split('\r\n\r\n')[0] ?? '';
    expect(head).not.toMatch(/^bcc:/im);
  });

  it('refuses a recipient carrying a header before anything is sent', async () => {
    const error = await deliveryError(
      sender.send({ to: [`${TEAM}\r\nBcc: intrus@example.net`], ...rendered() }),
    );
    expect(error.code).toBe('EMAIL_BAD_ADDRESS');
    expect(error.permanent).toBe(true);
    expect(sink.received).toHaveLength(0);
  });

  it('reports a 421 as transient, then delivers on the retry', async () => {
    sink.failNext(421);
    const error = await deliveryError(sender.send({ to: [TEAM], ...rendered() }));
    expect(error.code).toBe('SMTP_DEFERRED');
    expect(error.permanent).toBe(false);
    expect(error.message).toContain('421');
    expect(sink.messages).toHaveLength(0);

    await sender.send({ to: [TEAM], ...rendered() });
    expect(sink.messages).toHaveLength(1);
  });

  it('reports a 550 on the recipient as permanent', async () => {
    sink.failNext(550, 1, 'rcpt');
    const error = await deliveryError(sender.send({ to: [TEAM], ...rendered() }));
    expect(error.code).toBe('SMTP_REJECTED');
    expect(error.permanent).toBe(true);
    expect(error.message).toContain(TEAM);
    expect(sink.messages).toHaveLength(0);
  });

  it('reports a 554 after the data as permanent', async () => {
    sink.failNext(554, 1, 'data');
    const error = await deliveryError(sender.send({ to: [TEAM], ...rendered() }));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('554');
  });

  it('treats 503 (bad sequence) as transient, as RFC 5321 allows a new session to pass', async () => {
    sink.failNext(503);
    const error = await deliveryError(sender.send({ to: [TEAM], ...rendered() }));
    expect(error.permanent).toBe(false);
  });

  it('delivers to the accepted recipients and names the refused one', async () => {
    sink.failNext(550, 1, 'rcpt');
    const result = await sender.send({
      to: ['ancien-agent@exemple-ministere.fr', TEAM],
      ...rendered(),
    });
    expect(result.rejected).toEqual(['ancien-agent@exemple-ministere.fr']);
    expect(sink.received[0]?.envelope.to).toEqual([TEAM]);
  });
});

describe('createSmtpSender connection and configuration', () => {
  it('authenticates with the credentials of the URL', async () => {
    const sink = await startSmtpSink({ auth: { user: 'vigie', pass: 'p@ss:wörd' } });
    const sender = createSmtpSender({ url: sink.url, from: 'vigie@exemple-veille.fr' });
    try {
      await sender.send({ to: [TEAM], ...rendered('en') });
      expect(sink.messages[0]?.subject).toBe(
        'Vigie — 4 articles HDH · SecNumCloud · UGAP — Monday, 23 November 2026',
      );
    } finally {
      await sender.close();
      await sink.close();
    }
  });

  it('reports wrong credentials as permanent without printing the password', async () => {
    const sink = await startSmtpSink({ auth: { user: 'vigie', pass: 'bon-secret' } });
    const sender = createSmtpSender({
      url: `smtp://vigie:mauvais-secret@127.0.0.1:${sink.port}`,
      from: 'vigie@exemple-veille.fr',
    });
    try {
      const error = await deliveryError(sender.send({ to: [TEAM], ...rendered() }));
      expect(error.code).toBe('SMTP_AUTH_FAILED');
      expect(error.permanent).toBe(true);
      expect(error.message).not.toContain('mauvais-secret');
      expect(sink.messages).toHaveLength(0);
    } finally {
      await sender.close();
      await sink.close();
    }
  });

  it('reports a refused connection as transient', async () => {
    const sink = await startSmtpSink();
    await sink.close();
    const sender = createSmtpSender({
      url: `smtp://vigie:secret-du-relais@127.0.0.1:${sink.port}`,
      from: FROM,
    });
    const error = await deliveryError(sender.send({ to: [TEAM], ...rendered() }));
    expect(error.code).toBe('SMTP_UNREACHABLE');
    expect(error.permanent).toBe(false);
    expect(error.message).toContain(`smtp://127.0.0.1:${sink.port}`);
    expect(error.message).not.toContain('secret-du-relais');
    await sender.close();
  });

  it('speaks TLS from the first byte with smtps://', async () => {
    const sink = await startSmtpSink();
    const sender = createSmtpSender({
      url: `smtps://127.0.0.1:${sink.port}`,
      from: FROM,
      connectTimeoutMs: 2000,
    });
    try {
      const error = await deliveryError(sender.send({ to: [TEAM], ...rendered() }));
      // The plain-text sink answers a TLS ClientHello with its greeting: OpenSSL's complaint.
      expect(error.message).toMatch(/wrong version number|SSL|TLS/i);
      expect(sink.messages).toHaveLength(0);
    } finally {
      await sender.close();
      await sink.close();
    }
  });

  it('refuses a URL that is not smtp(s) and a sender that is not an address', () => {
    expect(() => createSmtpSender({ url: 'https://relais.exemple.fr', from: FROM })).toThrow(
      expect.objectContaining({ code: 'SMTP_BAD_CONFIG', permanent: true }),
    );
    expect(() =>
      createSmtpSender({ url: 'smtp://relais.exemple.fr', from: 'Vigie\r\nBcc: x@y.fr' }),
    ).toThrow(expect.objectContaining({ code: 'SMTP_BAD_CONFIG' }));
  });
});

describe('dailyMessageId', () => {
  it('is the same for the same day and recipients, whatever their order or case', () => {
    const a = dailyMessageId('2026-11-23', [TEAM, 'dsi@exemple-ministere.fr']);
    const b = dailyMessageId('2026-11-23', ['DSI@exemple-ministere.fr', TEAM, TEAM]);
    expect(a).toBe(b);
    expect(a).toMatch(/^<vigie-2026-11-23-[0-9a-f]{16}@vigie\.local>$/);
  });

  it('differs for another day or another recipient', () => {
    const base = dailyMessageId('2026-11-23', [TEAM]);
    expect(dailyMessageId('2026-11-24', [TEAM])).not.toBe(base);
    expect(dailyMessageId('2026-11-23', ['dsi@exemple-ministere.fr'])).not.toBe(base);
  });
});

describe('writeEml', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigie-eml-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an RFC 5322 file that parses back with the same subject and both parts', async () => {
    const email = rendered();
    const messageId = dailyMessageId('2026-11-23', [TEAM]);
    const outbox = path.join(dir, 'storage', 'outbox', 'mail');
    const file = await writeEml(outbox, '2026-11-23', {
      from: FROM,
      to: [TEAM],
      ...email,
      messageId,
      sentAt: new Date('2026-11-23T07:00:00Z'),
    });

    expect(file).toBe(path.join(outbox, '2026-11-23.eml'));
    const raw = await readFile(file);
    expect(raw.toString('latin1')).not.toMatch(/[^\r]\n/);
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe(email.subject);
    expect(mail.text?.trimEnd()).toBe(email.text.trimEnd());
    expect(mail.html).toBe(email.html);
    expect(mail.messageId).toBe(messageId);
    expect(mail.date?.toISOString()).toBe('2026-11-23T07:00:00.000Z');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : null).toBe(TEAM);
    expect(await readdir(outbox)).toEqual(['2026-11-23.eml']);
  });

  it('replaces the file when the same day is written again', async () => {
    await writeEml(dir, '2026-11-23', { from: FROM, to: [TEAM], ...rendered('fr') });
    const file = await writeEml(dir, '2026-11-23', { from: FROM, to: [TEAM], ...rendered('en') });
    const mail = await simpleParser(await readFile(file));
    expect(mail.subject).toContain('Monday, 23 November 2026');
    expect(await readdir(dir)).toEqual(['2026-11-23.eml']);
  });

  it('refuses a date that would name another path', async () => {
    const error = await deliveryError(
      writeEml(dir, '../../etc/passwd', { from: FROM, to: [TEAM], ...rendered() }),
    );
    expect(error.code).toBe('EML_BAD_DATE');
    expect(error.permanent).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a folder it cannot create (a file is in the way) as permanent', async () => {
    await writeEml(dir, '2026-11-22', { from: FROM, to: [TEAM], ...rendered() });
    const error = await deliveryError(
      writeEml(path.join(dir, '2026-11-22.eml', 'mail'), '2026-11-23', {
        from: FROM,
        to: [TEAM],
        ...rendered(),
      }),
    );
    expect(error.code).toBe('EML_WRITE_FAILED');
    expect(error.message).toContain('2026-11-23.eml');
    expect(error.permanent).toBe(true);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOTDIR');
  });
});
