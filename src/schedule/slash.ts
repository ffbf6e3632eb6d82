/**
 * The bot's interactive side in the worker: log in to the gateway, deploy slash commands when
 * their definitions changed, and answer interactions until stopped. A failed deployment is
 * logged and the bot still answers; a failed login is the caller's to report.
 */
import type { App } from '../app.ts';
import type { BotSender } from '../deliver/discord/bot.ts';
import { digestDestination } from '../deliver/sinks.ts';
import type { Worker } from './worker.ts';

/** Starts answering slash commands; resolves to a function that stops listening. */
export async function startSlashCommands(
  app: App,
  worker: Worker,
  bot: BotSender,
): Promise<() => void> {
  const { config, logger } = app;
  const client = await bot.login();
  const { deployCommands } = await import('../deliver/discord/register.ts');
  await deployCommands({
    rest: client.rest,
    applicationId: client.application.id,
    guildId: config.env.DISCORD_GUILD_ID,
  })
    .then((result) => logger.info(result, 'slash commands'))
    .catch((error: unknown) => logger.error({ err: error }, 'slash commands not deployed'));
  const { routeInteractions } = await import('../deliver/discord/interactions.ts');
  return routeInteractions(
    client,
    {
      db: app.db,
      lang: config.settings.lang,
      clock: () => new Date(),
      allowPrivateFeeds: config.settings.allowPrivateFeeds,
      digest: {
        destination: digestDestination(config),
        maxArticles: config.settings.digest.maxArticles,
        timeZone: config.env.TZ_REPORTS,
        dispatch: () => worker.dispatchNow(),
      },
      nextRuns: () => worker.nextRuns(),
    },
    { logger },
  );
}
