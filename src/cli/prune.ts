/** `vigie prune --older-than 365d [--dry-run]`: forget articles and seen items older than that. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, printJson, printText } from './io.ts';
import { globalOptions } from './options.ts';

/** Registers `prune`. JSON: `{deleted, seenItems, before}` (`deleted` = articles). */
export function register(program: Command): void {
  program
    .command('prune')
    .description(
      'delete articles (by publication date, else first seen) and seen items older than an age',
    )
    .requiredOption('--older-than <age>', 'age such as 365d, 90d, 12h')
    .option('--dry-run', 'count what would be deleted, delete nothing')
    .action(async (options: { olderThan: string; dryRun?: boolean }, command: Command) => {
      const { json, db } = globalOptions(command);
      const { parseDuration } = await import('../config/schema.ts');
      const olderThanMs = parseDuration(options.olderThan);
      if (olderThanMs === null || olderThanMs <= 0)
        throw new CliError(
          `--older-than: expected an age like 365d or 12h (got ${JSON.stringify(options.olderThan)})`,
          2,
        );
      const { loadConfig } = await import('../config/load.ts');
      const { openDb } = await import('../store/db.ts');
      const { pruneCutoff, pruneOlderThan } = await import('../store/maintenance.ts');
      const config = loadConfig({ dbPath: db });
      if (!existsSync(config.paths.db))
        throw new CliError(`prune: no database at ${config.paths.db}`, 2);
      const database = openDb(config.paths.db);
      try {
        const result = pruneOlderThan(database, pruneCutoff(new Date(), olderThanMs), {
          dryRun: options.dryRun === true,
        });
        if (json) printJson(result);
        else
          printText(
            `${options.dryRun ? 'Would delete' : 'Deleted'} ${result.deleted} article(s) and ` +
              `${result.seenItems} seen item(s) older than ${result.before}.`,
          );
      } finally {
        database.close();
      }
    });
}
