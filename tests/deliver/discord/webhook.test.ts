import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiscordMessage, DiscordSender } from '../../../src/deliver/discord/types.ts';
import { createWebhookSender } from '../../../src/deliver/discord/webhook.ts';
import { DeliveryError } from '../../../src/deliver/errors.ts';
import { type FakeDiscord, startFakeDiscord } from '../../support/fake-discord.ts';

const ROUTE = 'POST /webhooks/:webhookId/:token';
const HOOK_ID = '1700000000000000001';
const HOOK_TOKEN = 'jeton-secret-du-webhook';

const digest: DiscordMessage = {
  content: '📰 **Veille Vigie** — 2 articles',
  embeds: [
    {
      title: 'Commande publique — 2 articles',
      description: '**[L’UGAP et le cloud](https://www.example.fr/a)**',
    },
  ],
  allowedMentions: { parse: [] },
};

let fake: FakeDiscord;
let url: string;
let clock: number;
let sleeps: number[];
let sender: DiscordSender;

beforeEach(async () => {
  fake = await startFakeDiscord();
  url = fake.webhookUrl(HOOK_ID, HOOK_TOKEN);
  clock = Date.parse('2026-03-02T07:00:00Z');
  sleeps = [];
  sender = createWebhookSender({
    url,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
  });
});

afterEach(async () => {
  await sender.close();
  await fake.close();
});

async function rejection(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

const posts = () => fake.requests.filter((r) => r.route === ROUTE);

describe('webhook sender', () => {
  it('posts with wait=true, without nonce, and returns the created message id', async () => {
    const { messageId } = await sender.send(null, digest, { nonce: 'vigie-9-0' });

    expect(posts()).toHaveLength(1);
    expect(posts()[0]?.query).toEqual({ wait: 'true' });
    expect(posts()[0]?.body).toEqual({
      content: digest.content,
      embeds: digest.embeds,
      allowed_mentions: { parse: [] },
    });
    const [posted] = fake.messages.get(fake.channelIds[0] as string) ?? [];
    expect(posted?.webhook_id).toBe(HOOK_ID);
    expect(messageId).toBe(posted?.id);
  });

  it('reports a 429 with the retry_after of the body, then waits it out before the next post', async () => {
    fake.setNextResponses(ROUTE, [
      {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: 1.5, global: false },
        headers: { 'retry-after': '2' },
      },
    ]);

    const limited = await rejection(sender.send(null, digest, { nonce: 'n' }));
    expect(limited).toMatchObject({
      code: 'DISCORD_RATE_LIMITED',
      permanent: false,
      retryAfterMs: 1500,
    });

    const { messageId } = await sender.send(null, digest, { nonce: 'n' });
    expect(sleeps).toEqual([1500]);
    expect(messageId).not.toBeNull();
    expect(posts()).toHaveLength(2);
  });

  it('waits for X-RateLimit-Reset-After when X-RateLimit-Remaining reached 0', async () => {
    fake.setNextResponses(ROUTE, [
      {
        status: 200,
        body: { id: '1800000000000000001' },
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '0.75' },
      },
    ]);

    expect(await sender.send(null, digest, { nonce: 'a' })).toEqual({
      messageId: '1800000000000000001',
    });
    await sender.send(null, digest, { nonce: 'b' });

    expect(sleeps).toEqual([750]);
  });

  it('rejects at once, without a request, when the bucket resets later than maxWaitMs', async () => {
    const patient = createWebhookSender({ url, maxWaitMs: 1_000, now: () => clock });
    fake.setNextResponses(ROUTE, [
      {
        status: 200,
        body: { id: '1' },
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '30' },
      },
    ]);
    await patient.send(null, digest, { nonce: 'a' });

    const limited = await rejection(patient.send(null, digest, { nonce: 'b' }));

    expect(limited).toMatchObject({ code: 'DISCORD_RATE_LIMITED', retryAfterMs: 30_000 });
    expect(posts()).toHaveLength(1);
  });

  it('reports a 502 as transient', async () => {
    fake.setNextResponses(ROUTE, [{ status: 502, body: '<html>Bad Gateway</html>' }]);

    const failure = await rejection(sender.send(null, digest, { nonce: 'n' }));

    expect(failure).toMatchObject({ code: 'DISCORD_SERVER_ERROR', permanent: false });
  });

  it('reports a deleted webhook as permanent, never leaking its token, and stops posting', async () => {
    const gone = createWebhookSender({ url: fake.webhookUrl(HOOK_ID, 'ancien-jeton') });
    fake.webhookUrl(HOOK_ID, HOOK_TOKEN);

    const first = await rejection(gone.send(null, digest, { nonce: 'n' }));
    const second = await rejection(gone.send(null, digest, { nonce: 'n' }));

    expect(first).toMatchObject({ code: 'DISCORD_WEBHOOK_INVALID', permanent: true });
    expect(first.message).toContain('DISCORD_WEBHOOK_URL');
    expect(first.message).not.toContain('ancien-jeton');
    expect(second).toBe(first);
    expect(posts()).toHaveLength(1);
  });

  it('reports a 403 as permanent', async () => {
    fake.setNextResponses(ROUTE, [
      { status: 403, body: { message: 'Missing Permissions', code: 50013 } },
    ]);

    const failure = await rejection(sender.send(null, digest, { nonce: 'n' }));

    expect(failure).toMatchObject({ code: 'DISCORD_FORBIDDEN', permanent: true });
  });

  it('reports a request that times out as transient', async () => {
    const slow = createWebhookSender({
      url,
      timeoutMs: 50,
      fetch: (_url, init) =>
        new Promise((_resolve, reject) => {
          init.signal.addEventListener('abort', () => reject(init.signal.reason));
        }),
    });

    const failure = await rejection(slow.send(null, digest, { nonce: 'n' }));

    expect(failure).toMatchObject({ code: 'DISCORD_TIMEOUT', permanent: false });
  });

  it('refuses a URL that is not a webhook', () => {
    expect(() => createWebhookSender({ url: `${fake.apiBase}/channels/1/messages` })).toThrow(
      expect.objectContaining({ code: 'DISCORD_WEBHOOK_INVALID', permanent: true }),
    );
  });
});
