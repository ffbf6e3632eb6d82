/**
 * A local fake of the parts of Discord that Vigie uses, good enough for discord.js 14 to log in
 * to and post through. Listens on 127.0.0.1 only.
 *
 * REST under `/api/v10` (discord.js: `rest: { api: fake.apiBase }`) or unversioned `/api` (how
 * webhook URLs are written):
 * - gateway discovery (`GET /gateway`, `/gateway/bot`), `GET /users/@me`, `/applications/@me`;
 * - channel messages (create, list, fetch, edit, delete) with Discord's nonce semantics: with
 *   `enforce_nonce: true`, the same nonce in the same channel within `nonceWindowMs` returns the
 *   message already created instead of a second one; limits checked (400, code 50035);
 * - webhooks (`?wait=true` answers the message, otherwise 204), interaction callbacks
 *   (`?with_response=true|false`, a second initial response refused with 40060), follow-ups and
 *   `@original` edits (path segments are percent-decoded);
 * - application commands, global and guild (PUT/GET/POST/PATCH/DELETE); localizations are only
 *   returned with `with_localizations=true`, as Discord does.
 * Every request is recorded; `setNextResponses` scripts failures (429/500/403…) per route.
 *
 * Gateway over `ws` (JSON text frames, no compression): HELLO, IDENTIFY → READY (with the fields
 * discord.js requires) then GUILD_CREATE (roles, channels, the bot's member), heartbeat ACK,
 * RESUME → RESUMED, and `dispatchInteraction` sends INTERACTION_CREATE with `entitlements: []`
 * and `authorizing_integration_owners`.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { limitViolations } from '../../src/deliver/discord/limits.ts';
import type { DiscordMessage } from '../../src/deliver/discord/types.ts';

// Discord permission bits (developer docs, "Permissions").
const PERMISSIONS = {
  manageGuild: 1n << 5n,
  viewChannel: 1n << 10n,
  sendMessages: 1n << 11n,
  embedLinks: 1n << 14n,
  readMessageHistory: 1n << 16n,
  useApplicationCommands: 1n << 31n,
};
const MEMBER_PERMISSIONS =
  PERMISSIONS.viewChannel |
  PERMISSIONS.sendMessages |
  PERMISSIONS.embedLinks |
  PERMISSIONS.readMessageHistory |
  PERMISSIONS.useApplicationCommands;
const ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | PERMISSIONS.manageGuild;

export interface FakeDiscordOptions {
  /** Bot token expected in `Authorization: Bot …` and IDENTIFY; default "fake-bot-token". */
  token?: string;
  applicationId?: string;
  guildId?: string;
  /** Known text channels; posting elsewhere answers 404 Unknown Channel (10003). */
  channelIds?: string[];
  /** How long a nonce is remembered; default 5 minutes. */
  nonceWindowMs?: number;
  heartbeatIntervalMs?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path after `/api/v10`, percent-decoded per segment, without the query. */
  path: string;
  /** The route template that matched, e.g. "POST /channels/:channelId/messages". */
  route: string | null;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: unknown[];
  components: unknown[];
  nonce?: string | number;
  webhook_id?: string;
  interaction_id?: string;
  flags: number;
  timestamp: string;
  edited_timestamp: string | null;
  /** The request body that created (or last edited) the message, as received. */
  body: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ScriptedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface InteractionCallback {
  interactionId: string;
  type: number;
  data: Record<string, unknown> | undefined;
}

export interface DispatchOptions {
  /** 2 = application command (default), 3 = component, 4 = autocomplete, 5 = modal submit. */
  type?: number;
  data?: Record<string, unknown>;
  /** "admin" has a role with Manage Server; "member" has none. Default "admin". */
  as?: 'admin' | 'member';
  channelId?: string;
  locale?: string;
  /** The message a component belongs to (discord.js needs it whole). */
  message?: Record<string, unknown>;
}

export interface FakeDiscord {
  readonly apiBase: string;
  readonly port: number;
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly guildId: string;
  readonly channelIds: string[];
  readonly adminUserId: string;
  readonly memberUserId: string;
  readonly adminRoleId: string;
  /** Messages per channel id, oldest first. */
  readonly messages: Map<string, FakeMessage[]>;
  readonly requests: RecordedRequest[];
  readonly callbacks: InteractionCallback[];
  readonly commands: {
    global: Record<string, unknown>[];
    guild: Map<string, Record<string, unknown>[]>;
  };
  /** Queues answers for a route ("POST /channels/:channelId/messages") or a path ("POST /channels/1/messages"). */
  setNextResponses(route: string, responses: ScriptedResponse[]): void;
  /** URL of a webhook posting into `channelId` (default the first channel). */
  webhookUrl(id: string, token: string, channelId?: string): string;
  /** Sends INTERACTION_CREATE to every identified gateway session; resolves with its id and token. */
  dispatchInteraction(opts?: DispatchOptions): Promise<{ id: string; token: string }>;
  /** The interaction's original response message, once there is one. */
  originalMessage(interactionId: string): FakeMessage | null;
  /** Resolves with the first recorded request (past or future) matching `predicate`. */
  waitForRequest(
    predicate: (r: RecordedRequest) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedRequest>;
  /** Number of gateway sessions that completed IDENTIFY and are still open. */
  readonly sessions: number;
  close(): Promise<void>;
}

interface Context {
  method: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Route {
  method: string;
  template: string;
  segments: string[];
  /** Bot token required (callbacks and webhooks carry none). */
  auth: boolean;
  handle(ctx: Context): Reply;
}

interface InteractionState {
  id: string;
  token: string;
  channelId: string;
  responded: boolean;
  original: FakeMessage | null;
  message: Record<string, unknown> | undefined;
}

const DISCORD_EPOCH = 1_420_070_400_000n;

/** Starts the fake on an ephemeral 127.0.0.1 port; `close()` stops HTTP and gateway. */
export async function startFakeDiscord(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  let counter = 0n;
  const snowflake = () => {
    counter += 1n;
    return String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (counter & 0x3fffffn));
  };
  const token = opts.token ?? 'fake-bot-token';
  const applicationId = opts.applicationId ?? '1100000000000000001';
  const guildId = opts.guildId ?? '1200000000000000001';
  const channelIds = opts.channelIds ?? ['1300000000000000001'];
  const adminUserId = '1400000000000000001';
  const memberUserId = '1400000000000000002';
  const adminRoleId = '1500000000000000001';
  const nonceWindowMs = opts.nonceWindowMs ?? 5 * 60_000;

  const botUser = {
    id: applicationId,
    username: 'Vigie',
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
    flags: 0,
  };
  const person = (id: string, username: string) => ({
    id,
    username,
    discriminator: '0',
    global_name: username,
    avatar: null,
    bot: false,
    flags: 0,
  });
  const users = { admin: person(adminUserId, 'camille'), member: person(memberUserId, 'louis') };

  const messages = new Map<string, FakeMessage[]>(channelIds.map((id) => [id, []]));
  const requests: RecordedRequest[] = [];
  const callbacks: InteractionCallback[] = [];
  const scripted = new Map<string, ScriptedResponse[]>();
  const nonces = new Map<string, { message: FakeMessage; at: number }>();
  const webhooks = new Map<string, { token: string; channelId: string }>();
  const interactions = new Map<string, InteractionState>();
  const commands = {
    global: [] as Record<string, unknown>[],
    guild: new Map<string, Record<string, unknown>[]>(),
  };
  const waiters: Array<{
    predicate: (r: RecordedRequest) => boolean;
    resolve: (r: RecordedRequest) => void;
  }> = [];

  const server = http.createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `fake discord: ${String(error)}`, code: 0 }));
    });
  });
  server.keepAliveTimeout = 5_000;
  // A small backlog makes concurrent clients wait for a SYN retry (1 s): never the server's fault here.
  server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const apiBase = `${origin}/api`;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;

  // --- messages -------------------------------------------------------------------------------

  const nowIso = () => new Date().toISOString();
  const channelMessages = (channelId: string) => {
    const list = messages.get(channelId) ?? [];
    messages.set(channelId, list);
    return list;
  };
  const createMessage = (
    channelId: string,
    body: Record<string, unknown>,
    extra: Record<string, unknown>,
  ): FakeMessage => {
    const message: FakeMessage = {
      id: snowflake(),
      type: 0,
      channel_id: channelId,
      guild_id: guildId,
      author: botUser,
      content: typeof body.content === 'string' ? body.content : '',
      embeds: Array.isArray(body.embeds) ? body.embeds : [],
      components: Array.isArray(body.components) ? body.components : [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      flags: typeof body.flags === 'number' ? body.flags : 0,
      timestamp: nowIso(),
      edited_timestamp: null,
      body,
      ...extra,
    };
    channelMessages(channelId).push(message);
    return message;
  };
  const editMessage = (message: FakeMessage, body: Record<string, unknown>): FakeMessage => {
    for (const key of ['content', 'embeds', 'components', 'flags'] as const) {
      if (key in body) message[key] = body[key] as never;
    }
    message.body = body;
    message.edited_timestamp = nowIso();
    return message;
  };
  const findMessage = (channelId: string, messageId: string) =>
    channelMessages(channelId).find((m) => m.id === messageId) ?? null;
  const invalidBody = (body: Record<string, unknown>): Reply | null => {
    const problems = limitViolations({
      content: body.content as string | undefined,
      embeds: body.embeds as DiscordMessage['embeds'],
      allowedMentions: { parse: [] },
    }).filter((p) => p !== 'message is empty');
    if (problems.length > 0) {
      return { status: 400, body: { code: 50035, message: 'Invalid Form Body', errors: problems } };
    }
    const empty = !body.content && !(body.embeds as unknown[] | undefined)?.length;
    if (empty && !(body.components as unknown[] | undefined)?.length) {
      return { status: 400, body: { code: 50006, message: 'Cannot send an empty message' } };
    }
    return null;
  };
  const unknownChannel = (channelId: string): Reply | null =>
    channelIds.includes(channelId)
      ? null
      : { status: 404, body: { code: 10003, message: 'Unknown Channel' } };

  // --- commands -------------------------------------------------------------------------------

  const commandList = (guild: string | undefined) => {
    if (!guild) return commands.global;
    const list = commands.guild.get(guild) ?? [];
    commands.guild.set(guild, list);
    return list;
  };
  const storeCommand = (
    definition: Record<string, unknown>,
    guild: string | undefined,
    previous?: Record<string, unknown>,
  ) => ({
    type: 1,
    default_member_permissions: null,
    nsfw: false,
    contexts: null,
    integration_types: [0],
    options: [],
    ...previous,
    ...definition,
    id: (previous?.id as string | undefined) ?? snowflake(),
    application_id: applicationId,
    version: snowflake(),
    ...(guild ? { guild_id: guild } : {}),
  });
  const withoutLocalizations = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(withoutLocalizations);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'name_localizations' && key !== 'description_localizations')
        .map(([key, inner]) => [key, withoutLocalizations(inner)]),
    );
  };
  const listCommands = (ctx: Context): Reply => {
    const list = commandList(ctx.params.guildId);
    return {
      status: 200,
      body: ctx.query.with_localizations === 'true' ? list : withoutLocalizations(list),
    };
  };

  // --- interactions ---------------------------------------------------------------------------

  const interactionByToken = (app: string, interactionToken: string) =>
    app === applicationId
      ? ([...interactions.values()].find((i) => i.token === interactionToken) ?? null)
      : null;
  const unknownInteraction: Reply = {
    status: 404,
    body: { code: 10062, message: 'Unknown interaction' },
  };
  const unknownMessage: Reply = { status: 404, body: { code: 10008, message: 'Unknown Message' } };

  const respond = (ctx: Context): Reply => {
    const state = interactions.get(ctx.params.interactionId ?? '');
    if (!state || state.token !== ctx.params.token) return unknownInteraction;
    if (state.responded) {
      return {
        status: 400,
        body: { code: 40060, message: 'Interaction has already been acknowledged.' },
      };
    }
    const body = (ctx.body ?? {}) as { type?: number; data?: Record<string, unknown> };
    const type = body.type ?? 0;
    state.responded = true;
    callbacks.push({ interactionId: state.id, type, data: body.data });
    let message: FakeMessage | null = null;
    if (type === 4 || type === 5) {
      const data =
        type === 5
          ? { ...body.data, content: '', flags: ((body.data?.flags as number) ?? 0) | 128 }
          : (body.data ?? {});
      message = createMessage(state.channelId, data, {
        interaction_id: state.id,
        webhook_id: applicationId,
      });
      state.original = message;
    } else if ((type === 7 || type === 6) && state.message) {
      const target = findMessage(state.channelId, String(state.message.id));
      if (target && type === 7) message = editMessage(target, body.data ?? {});
      state.original = target;
    }
    if (ctx.query.with_response !== 'true') return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: state.id,
          type: 2,
          activity_instance_id: null,
          response_message_id: message?.id ?? null,
          response_message_loading: type === 5,
          response_message_ephemeral: Boolean(((message?.flags ?? 0) & 64) !== 0),
        },
        resource: message ? { type, message } : { type },
      },
    };
  };

  const webhookMessage = (ctx: Context): FakeMessage | null | Reply => {
    const interaction = interactionByToken(ctx.params.webhookId ?? '', ctx.params.token ?? '');
    const id = ctx.params.messageId ?? '';
    if (interaction) {
      if (id === '@original') return interaction.original ?? unknownMessage;
      return findMessage(interaction.channelId, id) ?? unknownMessage;
    }
    const hook = webhooks.get(ctx.params.webhookId ?? '');
    if (!hook || hook.token !== ctx.params.token)
      return { status: 404, body: { code: 10015, message: 'Unknown Webhook' } };
    return findMessage(hook.channelId, id) ?? unknownMessage;
  };
  const isReply = (value: unknown): value is Reply =>
    value !== null && typeof value === 'object' && 'status' in value && !('id' in value);

  // --- routes ---------------------------------------------------------------------------------

  const routes: Route[] = [];
  const route = (
    method: string,
    template: string,
    auth: boolean,
    handle: (ctx: Context) => Reply,
  ) =>
    routes.push({ method, template, segments: template.split('/').filter(Boolean), auth, handle });

  const gatewayInfo = { url: gatewayUrl };
  route('GET', '/gateway', false, () => ({ status: 200, body: gatewayInfo }));
  route('GET', '/gateway/bot', true, () => ({
    status: 200,
    body: {
      ...gatewayInfo,
      shards: 1,
      session_start_limit: {
        total: 1000,
        remaining: 999,
        reset_after: 14_400_000,
        max_concurrency: 1,
      },
    },
  }));
  route('GET', '/users/@me', true, () => ({ status: 200, body: botUser }));
  route('GET', '/applications/@me', true, () => ({
    status: 200,
    body: {
      id: applicationId,
      name: 'Vigie',
      description: '',
      icon: null,
      bot_public: false,
      flags: 0,
      bot: botUser,
      owner: users.admin,
      team: null,
      verify_key: '0',
    },
  }));

  route('GET', '/channels/:channelId', true, (ctx) => {
    const channelId = ctx.params.channelId ?? '';
    return unknownChannel(channelId) ?? { status: 200, body: channelObject(channelId) };
  });
  route('POST', '/channels/:channelId/messages', true, (ctx) => {
    const channelId = ctx.params.channelId ?? '';
    const body = (ctx.body ?? {}) as Record<string, unknown>;
    const refused = unknownChannel(channelId) ?? invalidBody(body);
    if (refused) return refused;
    const nonce = body.nonce as string | number | undefined;
    const key = `${channelId}:${String(nonce)}`;
    const seen = nonce === undefined ? undefined : nonces.get(key);
    if (body.enforce_nonce === true && seen && Date.now() - seen.at < nonceWindowMs) {
      return { status: 200, body: seen.message };
    }
    const message = createMessage(channelId, body, nonce === undefined ? {} : { nonce });
    if (nonce !== undefined) nonces.set(key, { message, at: Date.now() });
    return { status: 200, body: message };
  });
  route('GET', '/channels/:channelId/messages', true, (ctx) => {
    const channelId = ctx.params.channelId ?? '';
    const limit = Number(ctx.query.limit ?? 50);
    return (
      unknownChannel(channelId) ?? {
        status: 200,
        body: [...channelMessages(channelId)].reverse().slice(0, limit),
      }
    );
  });
  route('GET', '/channels/:channelId/messages/:messageId', true, (ctx) => {
    const found = findMessage(ctx.params.channelId ?? '', ctx.params.messageId ?? '');
    return found ? { status: 200, body: found } : unknownMessage;
  });
  route('PATCH', '/channels/:channelId/messages/:messageId', true, (ctx) => {
    const found = findMessage(ctx.params.channelId ?? '', ctx.params.messageId ?? '');
    return found
      ? { status: 200, body: editMessage(found, (ctx.body ?? {}) as Record<string, unknown>) }
      : unknownMessage;
  });
  route('DELETE', '/channels/:channelId/messages/:messageId', true, (ctx) => {
    const list = channelMessages(ctx.params.channelId ?? '');
    const index = list.findIndex((m) => m.id === ctx.params.messageId);
    if (index < 0) return unknownMessage;
    list.splice(index, 1);
    return { status: 204 };
  });

  route('POST', '/webhooks/:webhookId/:token', false, (ctx) => {
    const body = (ctx.body ?? {}) as Record<string, unknown>;
    const refused = invalidBody(body);
    if (refused) return refused;
    const interaction = interactionByToken(ctx.params.webhookId ?? '', ctx.params.token ?? '');
    if (interaction) {
      // An interaction follow-up: always answered with the message.
      const message = createMessage(interaction.channelId, body, {
        webhook_id: applicationId,
        interaction_id: interaction.id,
      });
      return { status: 200, body: message };
    }
    const hook = webhooks.get(ctx.params.webhookId ?? '');
    if (!hook || hook.token !== ctx.params.token)
      return { status: 404, body: { code: 10015, message: 'Unknown Webhook' } };
    const message = createMessage(hook.channelId, body, { webhook_id: ctx.params.webhookId });
    return ctx.query.wait === 'true' ? { status: 200, body: message } : { status: 204 };
  });
  route('GET', '/webhooks/:webhookId/:token/messages/:messageId', false, (ctx) => {
    const found = webhookMessage(ctx);
    return isReply(found) ? found : { status: 200, body: found };
  });
  route('PATCH', '/webhooks/:webhookId/:token/messages/:messageId', false, (ctx) => {
    const found = webhookMessage(ctx);
    if (isReply(found) || !found) return isReply(found) ? found : unknownMessage;
    const body = (ctx.body ?? {}) as Record<string, unknown>;
    // Editing a deferred reply ends its "thinking…" state.
    const flags = (found.flags & ~128) as number;
    return { status: 200, body: editMessage(found, { flags, ...body }) };
  });
  route('DELETE', '/webhooks/:webhookId/:token/messages/:messageId', false, (ctx) => {
    const found = webhookMessage(ctx);
    if (isReply(found) || !found) return isReply(found) ? found : unknownMessage;
    const list = channelMessages(found.channel_id);
    list.splice(list.indexOf(found), 1);
    return { status: 204 };
  });
  route('POST', '/interactions/:interactionId/:token/callback', false, respond);

  for (const prefix of ['/applications/:appId', '/applications/:appId/guilds/:guildId']) {
    route('GET', `${prefix}/commands`, true, listCommands);
    route('PUT', `${prefix}/commands`, true, (ctx) => {
      const list = commandList(ctx.params.guildId);
      const definitions = Array.isArray(ctx.body) ? (ctx.body as Record<string, unknown>[]) : [];
      const next = definitions.map((definition) =>
        storeCommand(
          definition,
          ctx.params.guildId,
          list.find((c) => c.name === definition.name),
        ),
      );
      list.splice(0, list.length, ...next);
      return { status: 200, body: next };
    });
    route('POST', `${prefix}/commands`, true, (ctx) => {
      const list = commandList(ctx.params.guildId);
      const definition = (ctx.body ?? {}) as Record<string, unknown>;
      const index = list.findIndex((c) => c.name === definition.name);
      const stored = storeCommand(definition, ctx.params.guildId, list[index]);
      if (index >= 0) list[index] = stored;
      else list.push(stored);
      return { status: index >= 0 ? 200 : 201, body: stored };
    });
    route('GET', `${prefix}/commands/:commandId`, true, (ctx) => {
      const found = commandList(ctx.params.guildId).find((c) => c.id === ctx.params.commandId);
      return found
        ? { status: 200, body: found }
        : { status: 404, body: { code: 10063, message: 'Unknown application command' } };
    });
    route('PATCH', `${prefix}/commands/:commandId`, true, (ctx) => {
      const list = commandList(ctx.params.guildId);
      const index = list.findIndex((c) => c.id === ctx.params.commandId);
      if (index < 0)
        return { status: 404, body: { code: 10063, message: 'Unknown application command' } };
      const stored = storeCommand(
        (ctx.body ?? {}) as Record<string, unknown>,
        ctx.params.guildId,
        list[index],
      );
      list[index] = stored;
      return { status: 200, body: stored };
    });
    route('DELETE', `${prefix}/commands/:commandId`, true, (ctx) => {
      const list = commandList(ctx.params.guildId);
      const index = list.findIndex((c) => c.id === ctx.params.commandId);
      if (index < 0)
        return { status: 404, body: { code: 10063, message: 'Unknown application command' } };
      list.splice(index, 1);
      return { status: 204 };
    });
  }

  function channelObject(channelId: string) {
    return {
      id: channelId,
      type: 0,
      guild_id: guildId,
      name: `veille-${channelIds.indexOf(channelId) + 1}`,
      position: channelIds.indexOf(channelId),
      permission_overwrites: [],
      topic: null,
      nsfw: false,
      parent_id: null,
      rate_limit_per_user: 0,
      last_message_id: null,
      flags: 0,
    };
  }

  function match(
    method: string,
    segments: string[],
  ): { route: Route; params: Record<string, string> } | null {
    for (const candidate of routes) {
      if (candidate.method !== method || candidate.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const same = candidate.segments.every((part, i) => {
        const actual = segments[i] ?? '';
        if (part.startsWith(':')) {
          params[part.slice(1)] = actual;
          return true;
        }
        return part === actual;
      });
      if (same) return { route: candidate, params };
    }
    return null;
  }

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const body = await parseBody(raw, req.headers['content-type']);
    const versioned = /^\/api(?:\/v\d+)?(\/.*)$/.exec(url.pathname)?.[1];
    const segments = (versioned ?? url.pathname).split('/').filter(Boolean).map(decodeURIComponent);
    const path = `/${segments.join('/')}`;
    const method = req.method ?? 'GET';
    const found = versioned ? match(method, segments) : null;
    const recorded: RecordedRequest = {
      method,
      path,
      route: found ? `${method} ${found.route.template}` : null,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
    };
    requests.push(recorded);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(recorded)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(recorded);
      }
    }

    const reply = ((): Reply => {
      if (!found) return { status: 404, body: { code: 0, message: '404: Not Found' } };
      if (found.route.auth && req.headers.authorization !== `Bot ${token}`) {
        return { status: 401, body: { code: 0, message: '401: Unauthorized' } };
      }
      const queue = scripted.get(`${method} ${path}`)?.length
        ? scripted.get(`${method} ${path}`)
        : scripted.get(`${method} ${found.route.template}`);
      const next = queue?.shift();
      if (next) return next;
      return found.route.handle({
        method,
        params: found.params,
        query: recorded.query,
        headers: req.headers,
        body,
      });
    })();
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers).end();
      return;
    }
    headers['content-type'] = 'application/json';
    res.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
  }

  // --- gateway --------------------------------------------------------------------------------

  const wss = new WebSocketServer({ noServer: true });
  const identified = new Map<WebSocket, { sessionId: string; seq: number }>();
  const sessionsById = new Map<string, { seq: number }>();
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const { pathname } = new URL(req.url ?? '/', origin);
    if (pathname !== '/gateway' && pathname !== '/gateway/') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onGatewayConnection(ws));
  });

  const member = (as: 'admin' | 'member' | 'bot') => ({
    user: as === 'bot' ? botUser : users[as],
    roles: as === 'admin' ? [adminRoleId] : [],
    joined_at: '2025-09-01T08:00:00.000Z',
    deaf: false,
    mute: false,
    flags: 0,
    nick: null,
    avatar: null,
    pending: false,
    premium_since: null,
    communication_disabled_until: null,
  });

  function guildCreate() {
    return {
      id: guildId,
      name: 'Veille cloud public',
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: adminUserId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: 'fr',
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      max_members: 500_000,
      max_video_channel_users: 25,
      application_id: null,
      features: [],
      joined_at: '2025-09-01T08:00:00.000Z',
      large: false,
      unavailable: false,
      member_count: 3,
      roles: [
        {
          id: guildId,
          name: '@everyone',
          permissions: String(MEMBER_PERMISSIONS),
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
          icon: null,
          unicode_emoji: null,
        },
        {
          id: adminRoleId,
          name: 'Admin veille',
          permissions: String(ADMIN_PERMISSIONS),
          position: 1,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
          icon: null,
          unicode_emoji: null,
        },
      ],
      channels: channelIds.map(channelObject),
      members: [member('bot'), member('admin'), member('member')],
      emojis: [],
      stickers: [],
      voice_states: [],
      presences: [],
      threads: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  function dispatch(ws: WebSocket, type: string, data: unknown): void {
    const session = identified.get(ws);
    if (!session) return;
    session.seq += 1;
    const stored = sessionsById.get(session.sessionId);
    if (stored) stored.seq = session.seq;
    ws.send(JSON.stringify({ op: 0, t: type, s: session.seq, d: data }));
  }

  function onGatewayConnection(ws: WebSocket): void {
    ws.send(
      JSON.stringify({
        op: 10,
        d: { heartbeat_interval: opts.heartbeatIntervalMs ?? 41_250 },
        s: null,
        t: null,
      }),
    );
    ws.on('close', () => identified.delete(ws));
    ws.on('message', (data) => {
      let payload: { op?: number; d?: Record<string, unknown> | null };
      try {
        payload = JSON.parse(String(data));
      } catch (error) {
        // Discord closes with 4002 (decode error) on a frame it cannot parse.
        ws.close(4002, `decode error: ${String(error)}`);
        return;
      }
      if (payload.op === 1) {
        ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      } else if (payload.op === 2) {
        if (payload.d?.token !== token) {
          ws.close(4004, 'Authentication failed.');
          return;
        }
        const sessionId = randomBytes(16).toString('hex');
        identified.set(ws, { sessionId, seq: 0 });
        sessionsById.set(sessionId, { seq: 0 });
        dispatch(ws, 'READY', {
          v: 10,
          user: botUser,
          guilds: [{ id: guildId, unavailable: true }],
          session_id: sessionId,
          resume_gateway_url: gatewayUrl,
          shard: [0, 1],
          application: { id: applicationId, flags: 0 },
          private_channels: [],
          presences: [],
          relationships: [],
          _trace: ['fake-discord'],
        });
        dispatch(ws, 'GUILD_CREATE', guildCreate());
      } else if (payload.op === 6) {
        const sessionId = String(payload.d?.session_id ?? '');
        const known = sessionsById.get(sessionId);
        if (!known || payload.d?.token !== token) {
          ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
          return;
        }
        identified.set(ws, { sessionId, seq: known.seq });
        dispatch(ws, 'RESUMED', null);
      }
    });
  }

  async function dispatchInteraction(
    options: DispatchOptions = {},
  ): Promise<{ id: string; token: string }> {
    const sockets = [...identified.keys()];
    if (sockets.length === 0) throw new Error('fake discord: no gateway session to dispatch to');
    const id = snowflake();
    const interactionToken = `interaction-${randomBytes(12).toString('hex')}`;
    const channelId = options.channelId ?? channelIds[0] ?? '';
    const as = options.as ?? 'admin';
    const permissions = String(as === 'admin' ? ADMIN_PERMISSIONS : MEMBER_PERMISSIONS);
    interactions.set(id, {
      id,
      token: interactionToken,
      channelId,
      responded: false,
      original: null,
      message: options.message,
    });
    const payload = {
      id,
      application_id: applicationId,
      type: options.type ?? 2,
      data: options.data,
      guild_id: guildId,
      guild: { id: guildId, locale: 'fr', features: [] },
      channel_id: channelId,
      channel: { ...channelObject(channelId), permissions },
      member: { ...member(as), permissions },
      token: interactionToken,
      version: 1,
      app_permissions: String(MEMBER_PERMISSIONS),
      locale: options.locale ?? 'fr',
      guild_locale: 'fr',
      entitlements: [],
      authorizing_integration_owners: { '0': guildId },
      context: 0,
      attachment_size_limit: 10_485_760,
      ...(options.message ? { message: options.message } : {}),
    };
    for (const ws of sockets) dispatch(ws, 'INTERACTION_CREATE', payload);
    return { id, token: interactionToken };
  }

  return {
    apiBase,
    port,
    gatewayUrl,
    token,
    applicationId,
    guildId,
    channelIds,
    adminUserId,
    memberUserId,
    adminRoleId,
    messages,
    requests,
    callbacks,
    commands,
    get sessions() {
      return identified.size;
    },
    setNextResponses: (routeKey, responses) => {
      scripted.set(routeKey, [...(scripted.get(routeKey) ?? []), ...responses]);
    },
    webhookUrl: (id, webhookToken, channelId) => {
      webhooks.set(id, { token: webhookToken, channelId: channelId ?? channelIds[0] ?? '' });
      return `${apiBase}/webhooks/${id}/${webhookToken}`;
    },
    dispatchInteraction,
    originalMessage: (interactionId) => interactions.get(interactionId)?.original ?? null,
    waitForRequest: (predicate, timeoutMs = 5_000) => {
      const past = requests.find(predicate);
      if (past) return Promise.resolve(past);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`fake discord: no matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          predicate,
          resolve: (r: RecordedRequest) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        waiters.push(waiter);
      });
    },
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** JSON, or the `payload_json` part of a multipart body (messages with files), or the raw text. */
async function parseBody(raw: Buffer, contentType: string | undefined): Promise<unknown> {
  if (raw.length === 0) return undefined;
  if (contentType?.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const payload = form.get('payload_json');
    return typeof payload === 'string' ? JSON.parse(payload) : undefined;
  }
  const text = raw.toString('utf8');
  if (contentType?.includes('json')) return JSON.parse(text);
  return text;
}
