/** `vigie email [--dry-run] [--to ADDR]`: the daily summary, now. */
import type { Command } from 'commander';
import { CliError, printJson, printText } from './io.ts';
import { globalOptions } from './options.ts';

export function register(program: Command): void {
  program
    .command('email')
    .description('send (or preview) the daily email summary now')
    .option('--dry-run', 'print the text part without queueing or sending it')
    .option('--to <address>', 'send to this address instead of MAIL_TO (needs SMTP_URL)')
    .action(async (options: { dryRun?: boolean; to?: string }, command: Command) => {
      const { json, db } = globalOptions(command);
      const { openApp } = await import('../app.ts');
      const { buildEmailView, queueDailyEmail } = await import('../deliver/daily-email.ts');
      const { renderDailyEmail } = await import('../deliver/email/render.ts');
      const { dispatchDue } = await import('../deliver/dispatch.ts');
      const { createSinks, emailDestinations, emailRecipients } = await import(
        '../deliver/sinks.ts'
      );
      const app = openApp({ dbPath: db });
      const { settings, env } = app.config;
      const now = new Date();
      try {
        if (options.dryRun) {
          const { view } = buildEmailView(app.db, { now, timeZone: env.TZ_REPORTS });
          const email = renderDailyEmail(view, { lang: settings.lang, timeZone: env.TZ_REPORTS });
          if (json) printJson(email);
          else printText(`Subject: ${email.subject}\n\n${email.text}`);
          return;
        }
        if (options.to && !env.SMTP_URL) throw new CliError('--to needs SMTP_URL to be set', 2);
        const destinations = options.to ? [`smtp:${options.to}`] : emailDestinations(app.config);
        const queued = queueDailyEmail(app.db, {
          now,
          timeZone: env.TZ_REPORTS,
          lang: settings.lang,
          destinations,
          recipients: options.to ? [options.to] : emailRecipients(app.config),
          sendEmpty: true,
        });
        const sinks = await createSinks(app.config, (text) => process.stderr.write(`${text}\n`));
        try {
          const sent = await dispatchDue(app.db, sinks, {
            now: () => new Date(),
            logger: app.logger,
            lang: settings.lang,
          });
          const result = { destinations, ...queued, ...sent };
          if (json) printJson(result);
          else
            printText(
              queued.queued === 0
                ? "Today's email was already sent to these recipients."
                : `Daily email (${queued.articles} article(s)) to ${destinations.join(', ')}: ${sent.sent} sent, ${sent.retried} to retry, ${sent.failed} failed.`,
            );
        } finally {
          await sinks.close();
        }
      } finally {
        await app.close();
      }
    });
}
