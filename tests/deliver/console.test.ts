import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeDigest } from '../../src/deliver/console.ts';
import { DeliveryError } from '../../src/deliver/errors.ts';
import type { DigestView } from '../../src/deliver/types.ts';

const digest: DigestView = {
  since: null,
  until: '2026-03-02T07:00:00.000Z',
  articles: [
    {
      id: 1,
      title: 'Le Health Data Hub choisit un hébergeur qualifié SecNumCloud',
      url: 'https://www.example.fr/hdh',
      publishedAt: '2026-03-02T06:00:00.000Z',
      sources: [{ name: 'Silicon', url: 'https://www.silicon.fr/feed', publishedAt: null }],
      terms: ['health-data-hub', 'secnumcloud'],
      topics: ['hebergement'],
      snippet: 'Le ⟦Health Data Hub⟧ annonce son choix.',
      amounts: [],
      deadlines: [],
    },
  ],
  failingFeeds: [],
};

describe('console sink', () => {
  it('writes the text digest to the stream it is given', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));

    await writeDigest(stream, digest, { lang: 'en', timeZone: 'Europe/Paris' });

    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.split('\n').slice(0, 4)).toEqual([
      'Vigie digest — 1 article, until 02/03/2026, 08:00',
      '',
      '== Hosting (1) ==',
      '• Le Health Data Hub choisit un hébergeur qualifié SecNumCloud',
    ]);
    expect(text).toContain('  « Le *Health Data Hub* annonce son choix. »\n');
    expect(text.endsWith('1 article · 1 outlet\n')).toBe(true);
  });

  it('rejects with a transient DeliveryError when the stream fails', async () => {
    const broken = new Writable({
      write: (_chunk, _encoding, callback) => callback(new Error('EPIPE: broken pipe')),
    });
    broken.on('error', () => undefined);

    const error = await writeDigest(broken, digest, { lang: 'fr' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ code: 'CONSOLE_WRITE_FAILED', permanent: false });
  });
});
