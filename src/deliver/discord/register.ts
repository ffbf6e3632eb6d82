/**
 * Deploying the slash command definitions: guild commands when DISCORD_GUILD_ID is set (they
 * appear at once; handy for one team's server), global commands otherwise.
 *
 * Discord rate-limits command creation (200 a day per guild), so a start must not re-PUT
 * unchanged definitions: the deployed ones are fetched with `with_localizations=true` (the same
 * request as discord.js's `commands.fetch({ withLocalizations: true })`; without it Discord
 * leaves localizations out and every comparison would differ), both sides are reduced to the
 * fields we define, with Discord's defaults filled in, and compared. Only a difference (or
 * `force`) PUTs the whole list, which also deletes commands we no longer define.
 */
import {
  type APIApplicationCommand,
  type APIApplicationCommandOption,
  type REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
} from 'discord.js';
import { commandDefinitions } from './commands/index.ts';

export interface DeployOptions {
  /** A REST client with the bot token set (the bot's `client.rest`, or one built by the CLI). */
  rest: REST;
  applicationId: string;
  /** DISCORD_GUILD_ID: deploy to this guild only; otherwise globally. */
  guildId?: string;
  /** Default: every command of `commands/index.ts`. */
  definitions?: RESTPostAPIChatInputApplicationCommandsJSONBody[];
  /** PUT even when nothing changed. */
  force?: boolean;
}

export interface DeployResult {
  scope: 'guild' | 'global';
  guildId: string | null;
  /** True when the definitions were PUT. */
  changed: boolean;
  commands: string[];
}

/** A failed GET or PUT of the command list, naming where it was deployed. */
export class CommandDeployError extends Error {
  readonly code = 'DISCORD_COMMANDS_DEPLOY';
  readonly subject: string;
  constructor(subject: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommandDeployError';
    this.subject = subject;
  }
}

/**
 * Makes the deployed commands equal to `definitions`, PUTting only when they differ. Rejects
 * with CommandDeployError when Discord refuses (bad token, unknown guild, invalid definition).
 * Not pure (network).
 */
export async function deployCommands(options: DeployOptions): Promise<DeployResult> {
  const definitions = options.definitions ?? commandDefinitions();
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
    : Routes.applicationCommands(options.applicationId);
  const subject = options.guildId ? `guild ${options.guildId}` : 'global commands';
  const result = {
    scope: options.guildId ? ('guild' as const) : ('global' as const),
    guildId: options.guildId ?? null,
    commands: definitions.map((definition) => definition.name),
  };
  let deployed: APIApplicationCommand[];
  try {
    deployed = (await options.rest.get(route, {
      query: new URLSearchParams({ with_localizations: 'true' }),
    })) as APIApplicationCommand[];
  } catch (error) {
    throw new CommandDeployError(
      subject,
      `${subject}: cannot list deployed commands (${reason(error)})`,
      {
        cause: error,
      },
    );
  }
  if (!options.force && sameDefinitions(deployed, definitions))
    return { ...result, changed: false };
  try {
    await options.rest.put(route, { body: definitions });
  } catch (error) {
    throw new CommandDeployError(
      subject,
      `${subject}: Discord refused the commands (${reason(error)})`,
      {
        cause: error,
      },
    );
  }
  return { ...result, changed: true };
}

/** True when the deployed list holds exactly our definitions (order of commands ignored). Pure. */
export function sameDefinitions(
  deployed: readonly Partial<APIApplicationCommand>[],
  definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
): boolean {
  const canonical = (list: readonly object[]) =>
    JSON.stringify(
      list
        .map((command) => normalizeCommand(command as CommandShape))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
  return canonical(deployed) === canonical(definitions);
}

interface CommandShape {
  type?: number;
  name: string;
  name_localizations?: Record<string, string> | null;
  description?: string;
  description_localizations?: Record<string, string> | null;
  default_member_permissions?: string | null;
  nsfw?: boolean;
  options?: APIApplicationCommandOption[];
}

type OptionShape = Partial<APIApplicationCommandOption> & Record<string, unknown>;

function normalizeCommand(command: CommandShape) {
  return {
    type: command.type ?? 1,
    name: command.name,
    name_localizations: sortedRecord(command.name_localizations),
    description: command.description ?? '',
    description_localizations: sortedRecord(command.description_localizations),
    default_member_permissions: command.default_member_permissions ?? null,
    nsfw: command.nsfw ?? false,
    options: (command.options ?? []).map((option) => normalizeOption(option as OptionShape)),
  };
}

function normalizeOption(option: OptionShape): Record<string, unknown> {
  const choices = (option.choices ?? []) as Array<{
    name: string;
    name_localizations?: Record<string, string> | null;
    value: string | number;
  }>;
  return {
    type: option.type,
    name: option.name,
    name_localizations: sortedRecord(option.name_localizations as Record<string, string> | null),
    description: option.description ?? '',
    description_localizations: sortedRecord(
      option.description_localizations as Record<string, string> | null,
    ),
    required: option.required ?? false,
    autocomplete: option.autocomplete ?? false,
    choices: choices.map((choice) => ({
      name: choice.name,
      name_localizations: sortedRecord(choice.name_localizations),
      value: choice.value,
    })),
    options: ((option.options ?? []) as OptionShape[]).map(normalizeOption),
    min_value: option.min_value ?? null,
    max_value: option.max_value ?? null,
    min_length: option.min_length ?? null,
    max_length: option.max_length ?? null,
    channel_types: option.channel_types ?? [],
  };
}

function sortedRecord(record: Record<string, string> | null | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(record ?? {}).sort(([a], [b]) => a.localeCompare(b)));
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
