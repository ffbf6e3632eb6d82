/**
 * Routes INTERACTION_CREATE from a logged-in discord.js client to the slash command handlers.
 *
 * - Slash commands: options are read off the interaction into plain values, the handler runs,
 *   its reply is posted. Discord wants a first answer within 3 s: when the handler has not
 *   finished after `deferAfterMs` (default 2 s), the interaction is deferred ("thinking…") and
 *   the reply edited in once ready.
 * - Admin commands (Manage Server) are refused here for a member without the permission, before
 *   the handler runs (which checks again): a definition's default permissions can be overridden
 *   per server or be stale, so they are not a guard by themselves.
 * - Replies of admin commands and every error are ephemeral. A reply breaking a Discord limit is
 *   never posted: the user sees an error and the log says which limit.
 * - Autocomplete answers the handler's suggestions; buttons (search pages) update the message.
 * Every failure is caught and logged: one bad interaction never reaches the gateway loop.
 */
import {
  ApplicationCommandOptionType,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type CommandInteractionOption,
  Events,
  type Interaction,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  MessageFlags,
  PermissionFlagsBits,
} from 'discord.js';
import type { Logger } from '../../log.ts';
import { type LoadedCommand, loadCommands } from './commands/index.ts';
import {
  type CommandContext,
  type CommandDeps,
  CommandError,
  type CommandOptions,
  type CommandReply,
} from './commands/types.ts';
import type { Lang } from './labels.ts';
import { limitViolations } from './limits.ts';

export interface RouterOptions {
  logger: Pick<Logger, 'warn' | 'error'>;
  /** Default: every command of `commands/index.ts`. */
  commands?: Map<string, LoadedCommand>;
  /** Defer a reply not ready after this long; default 2000 ms (Discord allows 3 s). */
  deferAfterMs?: number;
}

const WORDS = {
  fr: {
    forbidden: 'Cette commande demande la permission « Gérer le serveur ».',
    unknown: 'Commande inconnue : redéployez les commandes (`vigie commands deploy`).',
    failed: (code: string) =>
      `Vigie n’a pas pu répondre (erreur ${code}). L’incident est journalisé.`,
  },
  en: {
    forbidden: 'This command needs the Manage Server permission.',
    unknown: 'Unknown command: deploy the commands again (`vigie commands deploy`).',
    failed: (code: string) => `Vigie could not answer (error ${code}). The incident is logged.`,
  },
} as const;

/**
 * Listens to the client's interactions and answers them; returns a function that stops
 * listening. Not pure: posts to Discord and runs handlers (database, DNS, dispatch).
 */
export function routeInteractions(
  client: Client,
  deps: CommandDeps,
  options: RouterOptions,
): () => void {
  const resolved = { ...options, commands: options.commands ?? loadCommands() };
  const listener = (interaction: Interaction) => {
    void handleInteraction(interaction, deps, resolved);
  };
  client.on(Events.InteractionCreate, listener);
  return () => {
    client.off(Events.InteractionCreate, listener);
  };
}

/** Answers one interaction; never rejects (failures are logged). */
export async function handleInteraction(
  interaction: Interaction,
  deps: CommandDeps,
  options: RouterOptions & { commands: Map<string, LoadedCommand> },
): Promise<void> {
  try {
    if (interaction.isChatInputCommand()) await answerCommand(interaction, deps, options);
    else if (interaction.isAutocomplete()) await answerAutocomplete(interaction, deps, options);
    else if (interaction.isButton()) await answerButton(interaction, deps, options);
  } catch (error) {
    options.logger.error(
      { err: error, interaction: interaction.id, type: interaction.type },
      'could not answer a Discord interaction',
    );
  }
}

/** The reply language: the user's Discord locale when French or English, else the setting. */
function languageOf(locale: string | undefined, fallback: Lang): Lang {
  if (locale?.startsWith('fr')) return 'fr';
  if (locale?.startsWith('en')) return 'en';
  return fallback;
}

function contextOf(interaction: Interaction, deps: CommandDeps): CommandContext {
  return {
    lang: languageOf(interaction.locale, deps.lang),
    canManageGuild: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
  };
}

/** Option values of a command, flattened below its sub-command if it has one. */
export function readOptions(data: readonly CommandInteractionOption[]): CommandOptions {
  const [first] = data;
  const sub = first?.type === ApplicationCommandOptionType.Subcommand ? first : null;
  const values: Record<string, string | number | boolean> = {};
  for (const option of sub ? (sub.options ?? []) : data) {
    if (
      typeof option.value === 'string' ||
      typeof option.value === 'number' ||
      typeof option.value === 'boolean'
    )
      values[option.name] = option.value;
  }
  return { subcommand: sub?.name ?? null, values };
}

async function answerCommand(
  interaction: ChatInputCommandInteraction,
  deps: CommandDeps,
  options: RouterOptions & { commands: Map<string, LoadedCommand> },
): Promise<void> {
  const context = contextOf(interaction, deps);
  const words = WORDS[context.lang];
  const command = options.commands.get(interaction.commandName);
  if (!command) {
    await interaction.reply(toReply(errorReply(words.unknown)));
    return;
  }
  if (command.admin && !context.canManageGuild) {
    options.logger.warn(
      { command: interaction.commandName, user: interaction.user.id },
      'admin command refused: the member lacks Manage Server',
    );
    await interaction.reply(toReply(errorReply(words.forbidden)));
    return;
  }
  const work = safely(
    () => command.handler(deps, readOptions(interaction.options.data), context),
    context,
    options,
    interaction.commandName,
  );
  const ephemeral = command.admin === true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), options.deferAfterMs ?? 2_000);
  });
  const first = await Promise.race([work, late]);
  clearTimeout(timer);
  if (first !== 'late') {
    await interaction.reply(toReply(first));
    return;
  }
  await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  const reply = await work;
  if (reply.ephemeral && !ephemeral) {
    // A public "thinking…" cannot turn private: replace it with an ephemeral follow-up.
    await interaction.deleteReply();
    await interaction.followUp(toReply(reply));
    return;
  }
  await interaction.editReply(toEdit(reply));
}

async function answerButton(
  interaction: ButtonInteraction,
  deps: CommandDeps,
  options: RouterOptions & { commands: Map<string, LoadedCommand> },
): Promise<void> {
  const context = contextOf(interaction, deps);
  const [name] = interaction.customId.split(':');
  const command = name ? options.commands.get(name) : undefined;
  if (!command?.button) return;
  const reply = await safely(
    async () =>
      (await command.button?.(deps, interaction.customId, context)) ??
      errorReply(WORDS[context.lang].unknown),
    context,
    options,
    interaction.customId,
  );
  if (reply.ephemeral) await interaction.reply(toReply(reply));
  else await interaction.update(toEdit(reply));
}

async function answerAutocomplete(
  interaction: AutocompleteInteraction,
  deps: CommandDeps,
  options: RouterOptions & { commands: Map<string, LoadedCommand> },
): Promise<void> {
  const command = options.commands.get(interaction.commandName);
  const focused = interaction.options.getFocused(true);
  let choices: ReturnType<NonNullable<LoadedCommand['autocomplete']>> = [];
  try {
    choices =
      command?.autocomplete?.(
        deps,
        { name: focused.name, value: String(focused.value) },
        contextOf(interaction, deps),
      ) ?? [];
  } catch (error) {
    // Suggestions are a convenience: answer none rather than leave the client spinning.
    options.logger.warn({ err: error, command: interaction.commandName }, 'autocomplete failed');
  }
  await interaction.respond(choices.slice(0, 25));
}

/**
 * The handler's reply, or an ephemeral error reply: a CommandError's own text, a generic
 * message with the code for anything else (logged), and a logged error for a reply that would
 * break Discord's limits.
 */
async function safely(
  run: () => Promise<CommandReply>,
  context: CommandContext,
  options: RouterOptions,
  subject: string,
): Promise<CommandReply> {
  const words = WORDS[context.lang];
  try {
    const reply = await run();
    const problems = limitViolations({ ...reply, allowedMentions: { parse: [] } });
    if (problems.length === 0) return reply;
    options.logger.error({ command: subject, problems }, 'reply breaks Discord limits');
    return errorReply(words.failed('DISCORD_PAYLOAD_INVALID'));
  } catch (error) {
    if (error instanceof CommandError) return errorReply(error.message);
    const code = (error as { code?: unknown } | null)?.code;
    const shown = typeof code === 'string' ? code : 'INTERNAL';
    options.logger.error({ err: error, command: subject, code: shown }, 'slash command failed');
    return errorReply(words.failed(shown));
  }
}

function errorReply(message: string): CommandReply {
  return { content: `⚠️ ${message}`, ephemeral: true, allowedMentions: { parse: [] } };
}

function toEdit(reply: CommandReply): InteractionEditReplyOptions {
  return {
    content: reply.content ?? '',
    embeds: reply.embeds ?? [],
    components: reply.components ?? [],
    files: reply.files ?? [],
    allowedMentions: { parse: [] },
  };
}

function toReply(reply: CommandReply): InteractionReplyOptions {
  return {
    ...(reply.content ? { content: reply.content } : {}),
    ...(reply.embeds?.length ? { embeds: reply.embeds } : {}),
    ...(reply.components?.length ? { components: reply.components } : {}),
    ...(reply.files?.length ? { files: reply.files } : {}),
    allowedMentions: { parse: [] },
    ...(reply.ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
  };
}
