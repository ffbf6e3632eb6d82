/**
 * A discord.js client logged in to the fake Discord with the interaction router attached:
 * INTERACTION_CREATE goes in through the fake gateway, the callback payload comes out of the
 * fake's records.
 */
import type { Client } from 'discord.js';
import { vi } from 'vitest';
import { type BotSender, createBotSender } from '../../../../src/deliver/discord/bot.ts';
import type { CommandDeps } from '../../../../src/deliver/discord/commands/types.ts';
import {
  type RouterOptions,
  routeInteractions,
} from '../../../../src/deliver/discord/interactions.ts';
import {
  type DispatchOptions,
  type FakeDiscord,
  type InteractionCallback,
  type RecordedRequest,
  startFakeDiscord,
} from '../../../support/fake-discord.ts';

const CALLBACK = 'POST /interactions/:interactionId/:token/callback';

export interface Harness {
  fake: FakeDiscord;
  client: Client<true>;
  logger: { warn: ReturnType<typeof vi.fn>; error: ReturnType<typeof vi.fn> };
  /** Re-attaches the router with other deps or options. */
  route(deps: CommandDeps, options?: Partial<RouterOptions>): void;
  /** Sends a slash command and resolves with the interaction's first callback. */
  command(
    name: string,
    options?: unknown[],
    extra?: Omit<DispatchOptions, 'data' | 'type'>,
  ): Promise<{ id: string; callback: InteractionCallback }>;
  /** Sends an autocomplete interaction and resolves with the suggested choices. */
  autocomplete(name: string, options: unknown[]): Promise<Array<{ name: string; value: string }>>;
  /** Presses a button of the message answering `interactionId`. */
  press(
    interactionId: string,
    customId: string,
  ): Promise<{ id: string; callback: InteractionCallback }>;
  /** The edit of a deferred reply (PATCH @original) of `interactionId`'s token. */
  edit(token: string): Promise<RecordedRequest>;
  close(): Promise<void>;
}

let commandIds = 0;

/** Starts the fake, logs a bot in and routes its interactions with `deps`. */
export async function startHarness(deps: CommandDeps): Promise<Harness> {
  const fake = await startFakeDiscord();
  const sender: BotSender = createBotSender({
    token: fake.token,
    apiBase: fake.apiBase,
    timeoutMs: 5_000,
  });
  const client = await sender.login({ timeoutMs: 10_000 });
  const logger = { warn: vi.fn(), error: vi.fn() };
  let detach = routeInteractions(client, deps, { logger: logger as never });
  const tokens = new Map<string, string>();

  const callbackOf = async (id: string) => {
    await fake.waitForRequest((r) => r.route === CALLBACK && r.path.includes(`/${id}/`));
    const callback = fake.callbacks.find((c) => c.interactionId === id);
    if (!callback) throw new Error(`no callback recorded for ${id}`);
    return callback;
  };
  const dispatch = async (options: DispatchOptions) => {
    const { id, token } = await fake.dispatchInteraction(options);
    tokens.set(id, token);
    return { id, callback: await callbackOf(id) };
  };

  return {
    fake,
    client,
    logger,
    route: (nextDeps, options = {}) => {
      detach();
      detach = routeInteractions(client, nextDeps, { logger: logger as never, ...options });
    },
    command: (name, options = [], extra = {}) => {
      commandIds += 1;
      return dispatch({
        ...extra,
        data: {
          id: String(1_600_000_000_000_000_000n + BigInt(commandIds)),
          name,
          type: 1,
          options,
        },
      });
    },
    autocomplete: async (name, options) => {
      const { callback } = await dispatch({
        type: 4,
        data: { id: '1600000000000000999', name, type: 1, options },
      });
      return (callback.data?.choices ?? []) as Array<{ name: string; value: string }>;
    },
    press: (interactionId, customId) => {
      const message = fake.originalMessage(interactionId);
      if (!message) throw new Error(`no message answers ${interactionId}`);
      return dispatch({
        type: 3,
        data: { custom_id: customId, component_type: 2 },
        message: message as unknown as Record<string, unknown>,
      });
    },
    edit: (interactionId) => {
      const token = tokens.get(interactionId) ?? '';
      return fake.waitForRequest(
        (r) => r.method === 'PATCH' && r.path.includes(token) && r.path.endsWith('@original'),
      );
    },
    close: async () => {
      detach();
      await sender.close();
      await fake.close();
    },
  };
}
