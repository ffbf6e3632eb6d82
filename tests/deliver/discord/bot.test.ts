import { Events, type Interaction, MessageFlags } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotSender, createBotSender } from '../../../src/deliver/discord/bot.ts';
import type { DiscordMessage } from '../../../src/deliver/discord/types.ts';
import { DeliveryError } from '../../../src/deliver/errors.ts';
import { type FakeDiscord, startFakeDiscord } from '../../support/fake-discord.ts';

const ROUTE = 'POST /channels/:channelId/messages';

const alert: DiscordMessage = {
  content: '🔔 **Alerte Vigie** · règle « UGAP »',
  embeds: [
    {
      title: 'L’UGAP ouvre un marché de cloud qualifié SecNumCloud',
      url: 'https://www.example.fr/actu/ugap-cloud',
      description: 'LeMagIT · <t:1772434800:R>',
      color: 0xf59e0b,
    },
  ],
  allowedMentions: { parse: [] },
};

let fake: FakeDiscord;
let sender: BotSender;
let channel: string;

beforeEach(async () => {
  fake = await startFakeDiscord();
  channel = fake.channelIds[0] as string;
  sender = createBotSender({ token: fake.token, apiBase: fake.apiBase, timeoutMs: 2_000 });
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

describe('bot sender', () => {
  it('posts the message with nonce, enforce_nonce and no mentions, and returns its id', async () => {
    const { messageId } = await sender.send(channel, alert, { nonce: 'vigie-42-0' });

    expect(posts()).toHaveLength(1);
    expect(posts()[0]?.headers.authorization).toBe(`Bot ${fake.token}`);
    expect(posts()[0]?.body).toEqual({
      content: alert.content,
      embeds: alert.embeds,
      allowed_mentions: { parse: [] },
      nonce: 'vigie-42-0',
      enforce_nonce: true,
    });
    expect(messageId).toBe(fake.messages.get(channel)?.[0]?.id);
  });

  it('posts once when the same nonce is sent twice (a retry after a crash)', async () => {
    const first = await sender.send(channel, alert, { nonce: 'vigie-7-0' });
    const second = await sender.send(channel, alert, { nonce: 'vigie-7-0' });

    expect(posts()).toHaveLength(2);
    expect(fake.messages.get(channel)).toHaveLength(1);
    expect(second.messageId).toBe(first.messageId);
  });

  it('turns a long outbox key into a stable 25-character nonce', async () => {
    const key = 'digest-2026-03-02T08:00:00+01:00-part-3';
    await sender.send(channel, alert, { nonce: key });
    await sender.send(channel, alert, { nonce: key });

    const nonces = posts().map((r) => (r.body as { nonce: string }).nonce);
    expect(nonces[0]).toHaveLength(25);
    expect(nonces[1]).toBe(nonces[0]);
    expect(fake.messages.get(channel)).toHaveLength(1);
  });

  it('reports a 429 as transient with the wait Discord asked for, then posts on the next try', async () => {
    fake.setNextResponses(ROUTE, [
      {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: 0.3, global: false },
        headers: { 'retry-after': '0.3', 'x-ratelimit-scope': 'user' },
      },
    ]);

    const limited = await rejection(sender.send(channel, alert, { nonce: 'vigie-1-0' }));
    expect(limited).toMatchObject({ code: 'DISCORD_RATE_LIMITED', permanent: false });
    // discord.js adds its 50 ms safety offset to Discord's 300 ms.
    expect(limited.retryAfterMs).toBeGreaterThanOrEqual(300);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(400);
    expect(posts()).toHaveLength(1);

    await new Promise((resolve) => setTimeout(resolve, limited.retryAfterMs ?? 0));
    const { messageId } = await sender.send(channel, alert, { nonce: 'vigie-1-0' });
    expect(messageId).toBe(fake.messages.get(channel)?.[0]?.id);
    expect(posts()).toHaveLength(2);
  });

  it('reports a 500 as transient without retrying by itself (the outbox retries)', async () => {
    fake.setNextResponses(ROUTE, [{ status: 500, body: { message: 'Internal Server Error' } }]);

    const failure = await rejection(sender.send(channel, alert, { nonce: 'vigie-2-0' }));

    expect(failure).toMatchObject({ code: 'DISCORD_SERVER_ERROR', permanent: false });
    expect(posts()).toHaveLength(1);
    expect(fake.messages.get(channel)).toHaveLength(0);
  });

  it('reports 403 Missing Access as permanent, saying to invite the bot', async () => {
    fake.setNextResponses(ROUTE, [
      { status: 403, body: { message: 'Missing Access', code: 50001 } },
    ]);

    const failure = await rejection(sender.send(channel, alert, { nonce: 'vigie-3-0' }));

    expect(failure).toMatchObject({ code: 'DISCORD_MISSING_ACCESS', permanent: true });
    expect(failure.message).toContain(`channel ${channel}`);
    expect(failure.message).toMatch(/invite/);
    expect(posts()).toHaveLength(1);
  });

  it('reports an unknown channel as permanent, naming the setting to fix', async () => {
    const failure = await rejection(
      sender.send('1399999999999999999', alert, { nonce: 'vigie-4-0' }),
    );

    expect(failure).toMatchObject({ code: 'DISCORD_UNKNOWN_CHANNEL', permanent: true });
    expect(failure.message).toContain('DISCORD_CHANNEL_ID');
  });

  it('stops calling Discord once the token was rejected', async () => {
    const wrong = createBotSender({ token: 'revoked', apiBase: fake.apiBase, timeoutMs: 2_000 });
    try {
      const first = await rejection(wrong.send(channel, alert, { nonce: 'vigie-5-0' }));
      const second = await rejection(wrong.send(channel, alert, { nonce: 'vigie-5-0' }));

      expect(first).toMatchObject({ code: 'DISCORD_UNAUTHORIZED', permanent: true });
      expect(first.message).toContain('DISCORD_TOKEN');
      expect(second).toBe(first);
      expect(posts()).toHaveLength(1);
    } finally {
      await wrong.close();
    }
  });

  it('refuses a message over Discord’s limits without sending it', async () => {
    const tooLong: DiscordMessage = {
      content: 'UGAP '.repeat(401),
      allowedMentions: { parse: [] },
    };

    const failure = await rejection(sender.send(channel, tooLong, { nonce: 'vigie-6-0' }));

    expect(failure).toMatchObject({ code: 'DISCORD_PAYLOAD_INVALID', permanent: true });
    expect(failure.message).toContain('content: 2005 > 2000');
    expect(posts()).toHaveLength(0);
  });

  it('needs a channel id', async () => {
    const failure = await rejection(sender.send(null, alert, { nonce: 'vigie-8-0' }));
    expect(failure).toMatchObject({ code: 'DISCORD_NO_CHANNEL', permanent: true });
  });
});

describe('bot gateway login against the fake Discord', () => {
  it('becomes ready with the guild, its channel and roles cached', async () => {
    const client = await sender.login({ timeoutMs: 10_000 });

    expect(client.isReady()).toBe(true);
    expect(client.user.id).toBe(fake.applicationId);
    expect(client.application.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(fake.guildId);
    expect(guild?.channels.cache.get(channel)?.isTextBased()).toBe(true);
    expect(guild?.roles.cache.get(fake.adminRoleId)?.permissions.has('ManageGuild')).toBe(true);
    expect(guild?.members.me?.id).toBe(fake.applicationId);
    expect(fake.sessions).toBe(1);
  });

  it('receives a slash command and its reply reaches the interaction callback', async () => {
    const client = await sender.login({ timeoutMs: 10_000 });
    const received = new Promise<Interaction>((resolve) =>
      client.once(Events.InteractionCreate, resolve),
    );

    const { id } = await fake.dispatchInteraction({
      data: {
        id: '1600000000000000001',
        name: 'search',
        type: 1,
        options: [{ name: 'query', type: 3, value: 'l’UGAP SecNumCloud' }],
      },
    });
    const interaction = await received;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    expect(interaction.options.getString('query')).toBe('l’UGAP SecNumCloud');
    expect(interaction.memberPermissions?.has('ManageGuild')).toBe(true);
    expect(interaction.inCachedGuild() && interaction.member.permissions.has('ManageGuild')).toBe(
      true,
    );

    await interaction.reply({ content: '3 résultats', flags: MessageFlags.Ephemeral });
    await interaction.editReply({ content: '3 résultats (mis à jour)' });

    expect(fake.callbacks).toEqual([
      {
        interactionId: id,
        type: 4,
        data: expect.objectContaining({ content: '3 résultats', flags: 64 }),
      },
    ]);
    expect(fake.originalMessage(id)?.content).toBe('3 résultats (mis à jour)');
    const edit = fake.requests.find((r) => r.method === 'PATCH');
    expect(edit?.path).toMatch(/\/messages\/@original$/);
    expect(edit?.headers.authorization).toBeUndefined();
  });

  it('refuses a second initial response to the same interaction', async () => {
    const client = await sender.login({ timeoutMs: 10_000 });
    const received = new Promise<Interaction>((resolve) =>
      client.once(Events.InteractionCreate, resolve),
    );
    await fake.dispatchInteraction({
      as: 'member',
      data: { id: '1600000000000000002', name: 'stats', type: 1 },
    });
    const interaction = await received;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    expect(interaction.memberPermissions?.has('ManageGuild')).toBe(false);

    await interaction.deferReply();
    const second = await fetch(
      `${fake.apiBase}/v10/interactions/${interaction.id}/${interaction.token}/callback`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 4, data: { content: 'encore' } }),
      },
    );

    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ code: 40060 });
  });
});
