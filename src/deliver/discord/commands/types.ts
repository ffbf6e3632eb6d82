/**
 * The contract between slash commands and the interaction router. A command module exports its
 * definition `data` (a discord.js builder, also what `register.ts` deploys) and a `handler`
 * turning plain options into a plain reply, so commands are tested without Discord; the router
 * (`../interactions.ts`) reads options off the interaction and posts the reply.
 */
import type {
  APIActionRowComponent,
  APIApplicationCommandOptionChoice,
  APIButtonComponent,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Db } from '../../../store/db.ts';
import type { Resolver } from '../../../store/feed-admin.ts';
import type { Lang } from '../labels.ts';
import type { Embed } from '../types.ts';

/** When the worker's jobs run next (node-cron's `task.getNextRun()`), for `/stats`. */
export interface NextRuns {
  poll: Date | null;
  digest: Date | null;
  email: Date | null;
}

/** Everything commands need from the running worker; all I/O comes through here. */
export interface CommandDeps {
  db: Db;
  /** Reply language when the user's locale is neither French nor English (settings.yml `lang`). */
  lang: Lang;
  clock: () => Date;
  /** settings.yml `allowPrivateFeeds`: lets `/feeds add` take loopback/private addresses. */
  allowPrivateFeeds: boolean;
  /** Host name resolution for `/feeds add`; default the system's (tests inject one). */
  resolve?: Resolver;
  /** `/digest`: where and how the digest goes, and how to send it now. */
  digest: {
    destination: string;
    maxArticles: number;
    timeZone: string;
    /** Drains the outbox (the worker's `dispatchNow`). */
    dispatch: () => Promise<void>;
  };
  /** The worker's schedules, when there is a worker. */
  nextRuns?: () => NextRuns;
  /** How long Previous/Next buttons of a search keep working; default 24 h. */
  searchPageTtlMs?: number;
}

/** Who asked and how to answer them. */
export interface CommandContext {
  lang: Lang;
  /** The member has Manage Server, as Discord computed it for this interaction. */
  canManageGuild: boolean;
}

/** Option values as typed by the user (already typed by Discord: string, integer, boolean). */
export interface CommandOptions {
  /** `/feeds add` → "add"; null for commands without sub-commands. */
  subcommand: string | null;
  values: Readonly<Record<string, string | number | boolean>>;
}

/** A reply as plain data; the router turns it into an interaction response. */
export interface CommandReply {
  content?: string;
  embeds?: Embed[];
  components?: APIActionRowComponent<APIButtonComponent>[];
  /** Files to attach (the /topics chart), as discord.js `reply({ files })` takes them. */
  files?: { name: string; attachment: Buffer }[];
  /** Only the invoking user sees it (admin commands, errors). */
  ephemeral: boolean;
  allowedMentions: { parse: [] };
}

export type Choice = APIApplicationCommandOptionChoice<string>;

/** What `index.ts` checks each command module for. */
export interface CommandModule {
  data: { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  /** Manage Server required: also set as default member permissions in `data`. */
  admin?: boolean;
  handler(
    deps: CommandDeps,
    options: CommandOptions,
    context: CommandContext,
  ): Promise<CommandReply>;
  /** Suggestions for the focused option (at most 25). */
  autocomplete?(
    deps: CommandDeps,
    focused: { name: string; value: string },
    context: CommandContext,
  ): Choice[];
}

/**
 * A request a command refuses (bad option, missing permission, unknown feed). `message` is the
 * user-facing text, already in the user's language; the router shows it ephemerally.
 */
export class CommandError extends Error {
  readonly code: string;
  /** The option or thing the error is about, for logs. */
  readonly subject: string;
  constructor(code: string, subject: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommandError';
    this.code = code;
    this.subject = subject;
  }
}
