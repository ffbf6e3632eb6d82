/** `vigie backup FILE [--force]`: a consistent copy of the database while the worker runs. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, printJson, printText } from './io.ts';
import { globalOptions } from './options.ts';

/** Registers `backup`. JSON: `{file, pages, articles}`. */
export function register(program: Command): void {
  program
    .command('backup')
    .description('copy the database to FILE with SQLite online backup (safe while the worker runs)')
    .argument('<file>', 'where to write the copy, e.g. backups/vigie-2026-03-02.db')
    .option('--force', 'overwrite FILE if it exists')
    .action(async (file: string, options: { force?: boolean }, command: Command) => {
      const { json, db } = globalOptions(command);
      const { loadConfig } = await import('../config/load.ts');
      const { openDb } = await import('../store/db.ts');
      const { countArticles } = await import('../store/articles.ts');
      const { backupDatabase } = await import('../store/maintenance.ts');
      const config = loadConfig({ dbPath: db });
      const target = path.resolve(file);
      if (target === config.paths.db)
        throw new CliError(`backup: ${file} is the database itself; choose another file`, 2);
      if (existsSync(target) && !options.force)
        throw new CliError(`backup: ${file} exists; pass --force to overwrite it`, 2);
      const database = openDb(config.paths.db, { readonly: true });
      try {
        const result = await backupDatabase(database, target);
        const copy = openDb(result.file, { readonly: true });
        const articles = countArticles(copy);
        copy.close();
        if (json) printJson({ ...result, articles });
        else
          printText(`Backed up ${articles} article(s) to ${result.file} (${result.pages} pages).`);
      } finally {
        database.close();
      }
    });
}
