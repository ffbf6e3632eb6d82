/**
 * Which sinks this configuration delivers to. Zero config is a working setup: digests and
 * alerts go to the console (stdout), the daily email to an .eml file under storage/outbox/mail.
 */
import type { Config } from '../config/load.ts';
import type { BotSender } from './discord/bot.ts';
import type { Sinks } from './dispatch.ts';

/** The digest's outbox destination for this configuration. Pure. */
export function digestDestination(config: Config): string {
  const { env } = config;
  if (env.DISCORD_TOKEN && env.DISCORD_CHANNEL_ID) return `discord:${env.DISCORD_CHANNEL_ID}`;
  if (env.DISCORD_WEBHOOK_URL) return 'webhook';
  return 'console';
}

/** The daily email's outbox destinations: one per recipient with SMTP, else the .eml file. Pure. */
export function emailDestinations(config: Config): string[] {
  const { env } = config;
  if (env.SMTP_URL && env.MAIL_TO?.length) return env.MAIL_TO.map((address) => `smtp:${address}`);
  return ['eml'];
}

/** Who the daily email is addressed to; an .eml without MAIL_TO is addressed to the local user. */
export function emailRecipients(config: Config): string[] {
  return config.env.MAIL_TO?.length ? config.env.MAIL_TO : ['vigie@localhost'];
}

/** Builds the senders the configuration asks for; `close` releases their connections. */
export async function createSinks(
  config: Config,
  write: (text: string) => void = (text) => process.stdout.write(`${text}\n`),
): Promise<Sinks & { bot?: BotSender; close(): Promise<void> }> {
  const { env } = config;
  const closers: (() => Promise<void>)[] = [];
  const sinks: Sinks & { bot?: BotSender } = {
    console: write,
    eml: async (payload) => {
      const { writeEml } = await import('./email/send.ts');
      return writeEml(`${config.paths.storage}/outbox/mail`, payload.date, {
        from: env.MAIL_FROM ?? 'Vigie <vigie@localhost>',
        ...payload,
      });
    },
  };
  if (env.DISCORD_TOKEN) {
    const { createBotSender } = await import('./discord/bot.ts');
    const bot = createBotSender({ token: env.DISCORD_TOKEN, apiBase: env.DISCORD_API_BASE });
    sinks.bot = bot;
    closers.push(() => bot.close());
  }
  if (env.DISCORD_WEBHOOK_URL) {
    const { createWebhookSender } = await import('./discord/webhook.ts');
    const webhook = createWebhookSender({ url: env.DISCORD_WEBHOOK_URL });
    sinks.webhook = webhook;
    closers.push(() => webhook.close());
  }
  if (env.SMTP_URL) {
    const { createSmtpSender } = await import('./email/send.ts');
    const smtp = createSmtpSender({
      url: env.SMTP_URL,
      from: env.MAIL_FROM ?? 'Vigie <vigie@localhost>',
    });
    sinks.smtp = {
      send: (message) => smtp.send({ ...message, messageId: message.messageId }),
    };
    closers.push(() => smtp.close());
  }
  return {
    ...sinks,
    close: async () => {
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}
