/** `vigie search QUERY [--term ID] [--topic ID] [--since YYYY-MM-DD] [--limit N]`. */
import type { Command } from 'commander';
import { TERM_IDS, TOPIC_IDS } from '../analyze/types.ts';
import { printJson, printText } from './io.ts';
import { globalOptions, isoDate, oneOf, positiveInt } from './options.ts';

export function register(program: Command): void {
  program
    .command('search')
    .description('full-text search of stored articles (words, "phrases", -exclusions)')
    .argument('[query...]', 'what to look for; empty lists the latest articles')
    .option('--term <id>', `watch term (${TERM_IDS.join(', ')})`, oneOf('--term', TERM_IDS))
    .option('--topic <id>', `topic (${TOPIC_IDS.join(', ')})`, oneOf('--topic', TOPIC_IDS))
    .option('--since <date>', 'published on or after YYYY-MM-DD', isoDate('--since'))
    .option('--source <name>', 'outlet name as in sources.yml')
    .option('--limit <n>', 'results to show (1-100)', positiveInt('--limit', 100), 10)
    .action(async (words: string[], options, command: Command) => {
      const { json, db } = globalOptions(command);
      const { loadConfig } = await import('../config/load.ts');
      const { openDb } = await import('../store/db.ts');
      const { searchArticles } = await import('../store/search.ts');
      const config = loadConfig({ dbPath: db });
      const database = openDb(config.paths.db, { readonly: true });
      try {
        const page = searchArticles(database, { query: words.join(' '), ...options });
        if (json) printJson(page);
        else printText(formatResults(page));
      } finally {
        database.close();
      }
    });
}

function formatResults(page: import('../store/search.ts').SearchPage): string {
  if (page.total === 0) return 'No article found.';
  const lines = page.results.map((result, index) =>
    [
      `${index + 1}. ${result.title}`,
      `   ${result.source} · ${result.publishedAt?.slice(0, 10) ?? 'date inconnue'} · ${[...result.terms, ...result.topics].join(', ')}`,
      `   ${result.snippet.replaceAll('⟦', '«').replaceAll('⟧', '»')}`,
      `   ${result.url}`,
    ].join('\n'),
  );
  return `${page.total}${page.more ? '+' : ''} article(s)\n\n${lines.join('\n\n')}`;
}
