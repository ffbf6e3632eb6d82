/** `vigie poll --once [--sources FILE]`: one poll cycle over every active feed. */
import type { Command } from 'commander';
import { printJson, printText } from './io.ts';
import { globalOptions } from './options.ts';

export function register(program: Command): void {
  program
    .command('poll')
    .description('run one poll cycle over every active feed and print a summary')
    .option('--once', 'one cycle, then exit (the worker is `npm start`)')
    .option('--sources <file>', 'sources file (default: $VIGIE_SOURCES or feeds/sources.yml)')
    .action(async (options: { sources?: string }, command: Command) => {
      const { json, db } = globalOptions(command);
      const { openApp } = await import('../app.ts');
      const { logFeedOutcome, runPollCycle } = await import('../schedule/poll.ts');
      const { activeFeeds } = await import('../store/feeds.ts');
      const app = openApp({ dbPath: db, sourcesPath: options.sources });
      try {
        const feeds = activeFeeds(app.db);
        let done = 0;
        const summary = await runPollCycle(app.pollContext(), feeds, (outcome) => {
          done += 1;
          logFeedOutcome(app.logger, outcome, `[${done}/${feeds.length}]`);
        });
        if (json) printJson(summary);
        else
          printText(
            `${summary.feeds} feeds: ${summary.fetched} fetched, ${summary.notModified} not modified, ${summary.failed} failed; ` +
              `${summary.newItems} new items, ${summary.matched} matched (${summary.durationMs} ms)`,
          );
      } finally {
        await app.close();
      }
    });
}
