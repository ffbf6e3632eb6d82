/** `vigie digest [--dry-run]`: render (and, without --dry-run, queue and send) a digest now. */
import type { Command } from 'commander';
import { printJson, printText } from './io.ts';
import { globalOptions } from './options.ts';

export function register(program: Command): void {
  program
    .command('digest')
    .description('post a digest of the articles announced since the last one')
    .option('--dry-run', 'print the digest without queueing or sending it')
    .action(async (options: { dryRun?: boolean }, command: Command) => {
      const { json, db } = globalOptions(command);
      const { openApp } = await import('../app.ts');
      const { buildDigestView, queueDigest, renderDigestPayload } = await import(
        '../deliver/digest.ts'
      );
      const { dispatchDue } = await import('../deliver/dispatch.ts');
      const { createSinks, digestDestination } = await import('../deliver/sinks.ts');
      const app = openApp({ dbPath: db });
      const { settings, env } = app.config;
      const digestOptions = {
        now: new Date(),
        lang: settings.lang,
        maxArticles: settings.digest.maxArticles,
        timeZone: env.TZ_REPORTS,
      };
      try {
        if (options.dryRun) {
          const { view } = buildDigestView(app.db, digestOptions.now);
          const payload = renderDigestPayload(view, digestOptions);
          if (json) printJson({ articles: view.articles.length, messages: payload.messages });
          else printText(payload.text);
          return;
        }
        const destination = digestDestination(app.config);
        const queued = queueDigest(app.db, destination, digestOptions);
        // The console sink writes to stderr here so that --json keeps stdout to one document.
        const sinks = await createSinks(app.config, (text) => process.stderr.write(`${text}\n`));
        try {
          const sent = await dispatchDue(app.db, sinks, {
            now: () => new Date(),
            logger: app.logger,
            lang: settings.lang,
          });
          const result = { destination, articles: queued?.articles ?? 0, ...sent };
          if (json) printJson(result);
          else
            printText(
              queued
                ? `Digest of ${queued.articles} article(s) to ${destination}: ${sent.sent} sent, ${sent.retried} to retry, ${sent.failed} failed.`
                : 'Nothing new since the last digest.',
            );
        } finally {
          await sinks.close();
        }
      } finally {
        await app.close();
      }
    });
}
