/**
 * `vigie feeds import FILE.opml` and `vigie feeds export`: OPML 2.0 in and out of the sources.
 * Import edits sources.yml in place (comments kept); the worker picks the new feeds up at its
 * next start, when sources.yml seeds the database.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, printJson, printText } from './io.ts';
import { globalOptions } from './options.ts';

/** Adds `import` and `export` under the existing `vigie feeds` command. */
export function registerFeedsSubcommands(feeds: Command): void {
  feeds
    .command('import')
    .description('merge the feeds of an OPML file into sources.yml (duplicates skipped)')
    .argument('<file>', 'OPML file (1.0 or 2.0)')
    .option(
      '--sources <file>',
      'sources file to write (default: $VIGIE_SOURCES or feeds/sources.yml)',
    )
    .option('--dry-run', 'report what would change without writing')
    .action(
      async (file: string, options: { sources?: string; dryRun?: boolean }, command: Command) => {
        const { json, db } = globalOptions(command);
        const { loadConfig } = await import('../config/load.ts');
        const { mergeIntoSourcesYaml, parseOpml } = await import('../feeds/opml.ts');
        const config = loadConfig({ dbPath: db, sourcesPath: options.sources });
        const opml = parseOpml(readText(file), file);
        const sourcesPath = config.paths.sources;
        const { text, report } = mergeIntoSourcesYaml(
          readText(sourcesPath),
          opml.feeds,
          sourcesPath,
        );
        const write = report.added.length > 0 && !options.dryRun;
        if (write) {
          // Write then rename, so a crash never leaves a half-written sources.yml.
          const temporary = `${sourcesPath}.tmp-${process.pid}`;
          writeFileSync(temporary, text);
          renameSync(temporary, sourcesPath);
        }
        const summary = {
          sources: sourcesPath,
          written: write,
          added: report.added.map(({ name, url }) => ({ name, url })),
          skipped: report.skipped,
          invalid: report.invalid,
        };
        if (json) printJson(summary);
        else printText(importText(summary, options.dryRun === true));
      },
    );

  feeds
    .command('export')
    .description('print the active feeds (sources.yml and database) as OPML 2.0 (--json: a list)')
    .option('--sources <file>', 'sources file (default: $VIGIE_SOURCES or feeds/sources.yml)')
    .action(async (options: { sources?: string }, command: Command) => {
      const { db, json } = globalOptions(command);
      const { loadConfig } = await import('../config/load.ts');
      const { serializeOpml } = await import('../feeds/opml.ts');
      const config = loadConfig({ dbPath: db, sourcesPath: options.sources });
      const feeds: { name: string; url: string; lang?: string }[] = config.sources.map(
        ({ name, url, lang }) => ({ name, url, ...(lang ? { lang } : {}) }),
      );
      if (existsSync(config.paths.db)) {
        const { openDb } = await import('../store/db.ts');
        const { activeFeeds } = await import('../store/feeds.ts');
        const database = openDb(config.paths.db, { readonly: true });
        try {
          const known = new Set(feeds.map((feed) => feed.url));
          for (const feed of activeFeeds(database))
            if (!known.has(feed.url))
              feeds.push({
                name: feed.name,
                url: feed.url,
                ...(feed.lang ? { lang: feed.lang } : {}),
              });
        } finally {
          database.close();
        }
      }
      if (json) printJson({ feeds });
      else
        printText(serializeOpml(feeds, { title: 'Vigie — flux suivis', dateCreated: new Date() }));
    });
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`${file}: ${(error as Error).message}`, 1, { cause: error });
  }
}

interface ImportSummary {
  written: boolean;
  sources: string;
  added: { name: string; url: string }[];
  skipped: { name: string; url: string; reason: string }[];
  invalid: { name: string; url: string; reason: string }[];
}

function importText(summary: ImportSummary, dryRun: boolean): string {
  const lines = [
    `${dryRun ? 'would add' : 'added'} ${summary.added.length}, skipped ${summary.skipped.length}, invalid ${summary.invalid.length}${summary.written ? ` → ${summary.sources}` : ''}`,
    ...summary.added.map((feed) => `  + ${feed.name}  ${feed.url}`),
    ...summary.skipped.map((feed) => `  = ${feed.name}  ${feed.url} (${feed.reason})`),
    ...summary.invalid.map((feed) => `  ! ${feed.name}  ${feed.url} (${feed.reason})`),
  ];
  if (summary.written) lines.push('New feeds are polled from the next start of the worker.');
  return lines.join('\n');
}
