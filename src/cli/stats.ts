/** `vigie stats`: feeds, articles, deliveries — and what to fix when a delivery failed for good. */
import type { Command } from 'commander';
import { printJson, printText } from './io.ts';
import { globalOptions } from './options.ts';

export function register(program: Command): void {
  program
    .command('stats')
    .description('feeds (ok, failing, disabled), articles stored, deliveries pending and failed')
    .action(async (_options, command: Command) => {
      const { json, db } = globalOptions(command);
      const { loadConfig } = await import('../config/load.ts');
      const { openDb } = await import('../store/db.ts');
      const { storeStats } = await import('../store/stats.ts');
      const { outboxStats } = await import('../store/outbox.ts');
      const { failingFeeds } = await import('../store/feeds.ts');
      const database = openDb(loadConfig({ dbPath: db }).paths.db, { readonly: true });
      try {
        const stats = storeStats(database);
        const outbox = outboxStats(database);
        const failing = failingFeeds(database).map((feed) => ({
          name: feed.name,
          url: feed.url,
          consecutiveFailures: feed.consecutiveFailures,
          disabled: feed.disabledAt !== null,
          lastError: feed.lastError,
        }));
        if (json) {
          printJson({ ...stats, failingFeeds: failing, failedDeliveries: outbox.lastFailures });
          return;
        }
        const lines = [
          `Feeds: ${stats.feeds.total} (${stats.feeds.ok} ok, ${stats.feeds.failing} failing, ${stats.feeds.disabled} disabled, ${stats.feeds.paused} paused)`,
          `Articles stored: ${stats.articles}`,
          `Last poll: ${stats.lastPollAt ?? 'never'} · next feed due: ${stats.nextFeedDueAt ?? 'none'}`,
          `Deliveries: ${stats.deliveries.pending} pending, ${stats.deliveries.failed} failed; ${stats.deliveries.waitingForDigest} article(s) waiting for the next digest`,
          ...failing.map(
            (feed) =>
              `  ${feed.disabled ? 'disabled' : 'failing'} ${feed.name} (${feed.consecutiveFailures}×): ${feed.lastError ?? ''}`,
          ),
          ...outbox.lastFailures.map(
            (failure) =>
              `  delivery ${failure.id} (${failure.kind} → ${failure.destination}) failed: ${failure.error}`,
          ),
        ];
        printText(lines.join('\n'));
      } finally {
        database.close();
      }
    });
}
