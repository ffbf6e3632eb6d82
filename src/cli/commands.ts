/**
 * `vigie commands deploy [--force]`: deploy the slash commands (guild commands when
 * DISCORD_GUILD_ID is set, global otherwise), only when they changed unless `--force`. REST
 * only: no gateway session is opened.
 */
import type { Command } from 'commander';
import { CliError, printJson, printText } from './io.ts';
import { globalOptions } from './options.ts';

export function register(program: Command): void {
  const commands = program.command('commands').description('Discord slash commands');
  commands
    .command('deploy')
    .description('register the slash commands with Discord when they changed')
    .option('--force', 'deploy even when the deployed definitions are the same')
    .action(async (options: { force?: boolean }, command: Command) => {
      const { json, db } = globalOptions(command);
      const { loadConfig } = await import('../config/load.ts');
      const { REST, Routes } = await import('discord.js');
      const { deployCommands } = await import('../deliver/discord/register.ts');
      const { env } = loadConfig({ dbPath: db });
      if (!env.DISCORD_TOKEN)
        throw new CliError('DISCORD_TOKEN is not set: slash commands need a bot token', 78);
      const rest = new REST({
        ...(env.DISCORD_API_BASE ? { api: env.DISCORD_API_BASE } : {}),
        retries: 0,
      }).setToken(env.DISCORD_TOKEN);
      let applicationId: string;
      try {
        applicationId = ((await rest.get(Routes.currentApplication())) as { id: string }).id;
      } catch (error) {
        throw new CliError(
          `cannot read the bot's application from Discord (${(error as Error).message}): check DISCORD_TOKEN`,
          1,
          { cause: error },
        );
      }
      const result = await deployCommands({
        rest,
        applicationId,
        guildId: env.DISCORD_GUILD_ID,
        force: options.force === true,
      });
      if (json) printJson(result);
      else {
        const where = result.guildId
          ? `guild ${result.guildId}`
          : 'global (may take up to an hour)';
        printText(
          result.changed
            ? `Deployed ${result.commands.length} commands (${result.commands.join(', ')}) to ${where}.`
            : `Commands unchanged on ${where}: nothing deployed.`,
        );
      }
    });
}
