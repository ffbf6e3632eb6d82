/** `vigie feeds list|import|export`: the feeds Vigie polls, with their state; OPML in and out. */
import type { Command } from 'commander';
import { printJson, printText } from './io.ts';
import { registerFeedsSubcommands } from './opml.ts';
import { globalOptions } from './options.ts';

export function register(program: Command): void {
  const feeds = program.command('feeds').description('list and manage the polled feeds');
  feeds
    .command('list')
    .description('every feed with its poll state')
    .action(async (_options, command: Command) => {
      const { json, db } = globalOptions(command);
      const { loadConfig } = await import('../config/load.ts');
      const { openDb } = await import('../store/db.ts');
      const { listFeeds } = await import('../store/feeds.ts');
      const { feedState } = await import('../store/feed-admin.ts');
      // Read-only: listing must not re-seed feeds from another sources file.
      const database = openDb(loadConfig({ dbPath: db }).paths.db, { readonly: true });
      try {
        const rows = listFeeds(database).map((feed) => ({
          id: feed.id,
          name: feed.name,
          url: feed.url,
          origin: feed.origin,
          state: feedState(feed),
          lastSuccessAt: feed.lastSuccessAt,
          nextPollAt: feed.nextPollAt,
          consecutiveFailures: feed.consecutiveFailures,
          lastError: feed.lastError,
        }));
        if (json) printJson({ feeds: rows });
        else
          printText(
            rows
              .map(
                (feed) =>
                  `${feed.state.padEnd(8)} ${feed.name.padEnd(24)} ${feed.url}${feed.lastError ? `  (${feed.lastError})` : ''}`,
              )
              .join('\n') || 'No feed configured.',
          );
      } finally {
        database.close();
      }
    });
  registerFeedsSubcommands(feeds);
}
