/**
 * The slash commands Vigie answers, in the order Discord lists them. One module per command
 * (see `types.ts`); `loadCommands` checks each one's shape at startup and names the faulty
 * module, so a broken command fails the boot instead of the first user who types it.
 */
import * as digest from './digest.ts';
import * as feeds from './feeds.ts';
import * as recent from './recent.ts';
import * as search from './search.ts';
import * as stats from './stats.ts';
import * as topics from './topics.ts';
import type { CommandContext, CommandDeps, CommandModule, CommandReply } from './types.ts';

/** A command module plus the optional button handler of `/search`. */
export interface LoadedCommand extends CommandModule {
  button?(
    deps: CommandDeps,
    customId: string,
    context: CommandContext,
  ): Promise<CommandReply | null>;
}

const MODULES: Record<string, unknown> = { search, recent, topics, stats, digest, feeds };

/** Thrown at load time when a command module lacks `data` or `handler`. */
export class CommandLoadError extends Error {
  readonly code = 'COMMAND_INVALID';
  readonly subject: string;
  constructor(subject: string, message: string) {
    super(message);
    this.name = 'CommandLoadError';
    this.subject = subject;
  }
}

/**
 * Checks that each module exports `data` (named, serialisable) and a `handler` function, and
 * that names are unique. Returns them by name; throws CommandLoadError naming the module.
 */
export function loadCommands(
  modules: Record<string, unknown> = MODULES,
): Map<string, LoadedCommand> {
  const loaded = new Map<string, LoadedCommand>();
  for (const [file, module] of Object.entries(modules)) {
    const candidate = module as Partial<LoadedCommand> | undefined;
    const data = candidate?.data;
    if (!data || typeof data.name !== 'string' || typeof data.toJSON !== 'function')
      throw new CommandLoadError(file, `commands/${file}.ts: missing a \`data\` definition`);
    if (typeof candidate.handler !== 'function')
      throw new CommandLoadError(file, `commands/${file}.ts: missing a \`handler\` function`);
    if (loaded.has(data.name))
      throw new CommandLoadError(file, `commands/${file}.ts: command name ${data.name} is taken`);
    loaded.set(data.name, candidate as LoadedCommand);
  }
  return loaded;
}

/** Every command's definition as Discord's API takes it (what `register.ts` deploys). */
export function commandDefinitions(commands: Map<string, LoadedCommand> = loadCommands()) {
  return [...commands.values()].map((command) => command.data.toJSON());
}
