/**
 * `vigie analyze [FILE|-] [--title T] [--url U] [--published DATE]`: analyzes one text or HTML
 * document (HTML is recognised and its article extracted first) and prints the DESIGN.md
 * `Analysis` shape with `--json`, a readable summary otherwise.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Analysis } from '../analyze/types.ts';
import { CliError, printJson, printText, readStdin } from './io.ts';
import { globalOptions } from './options.ts';

interface AnalyzeOptions {
  title?: string;
  url?: string;
  published?: string;
}

export function register(program: Command): void {
  program
    .command('analyze')
    .description('watch terms, topics, entities, amounts and deadlines of one document')
    .argument('[file]', 'text or HTML file, or - for stdin', '-')
    .option('--title <text>', 'headline (default: the HTML title, if any)')
    .option('--url <url>', 'where the document comes from')
    .option('--published <date>', 'publication date (ISO); anchors dates written without a year')
    .action(async (file: string, options: AnalyzeOptions, command: Command) => {
      const { json } = globalOptions(command);
      const bytes = await readInput(file);
      const { decodeDocument } = await import('../ingest/decode.ts');
      const content = decodeDocument(bytes, null, 'html').text;
      const { analyze } = await import('../analyze/analyze.ts');
      const { defaultAnalysisRules } = await import('../analyze/load.ts');
      const document = looksLikeHtml(content)
        ? await fromHtml(content, options)
        : {
            title: options.title ?? null,
            text: content,
            url: options.url ?? null,
            publishedAt: null,
          };
      const result = analyze(
        { ...document, publishedAt: options.published ?? document.publishedAt },
        defaultAnalysisRules(),
      );
      if (json) printJson(result);
      else printText(formatAnalysis(result));
    });
}

async function readInput(file: string): Promise<Buffer> {
  if (file === '-') return readStdin();
  try {
    return await readFile(file);
  } catch (error) {
    throw new CliError(
      `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      1,
      {
        cause: error,
      },
    );
  }
}

/** HTML when it starts like a document or carries a few closing block tags. */
export function looksLikeHtml(content: string): boolean {
  if (
    /^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b|<article\b|<\?xml[^>]*>\s*<html\b)/i.test(
      content,
    )
  )
    return true;
  return (content.match(/<\/(?:p|div|article|section|h[1-6]|li)>/gi)?.length ?? 0) >= 3;
}

async function fromHtml(html: string, options: AnalyzeOptions) {
  const { extractArticle } = await import('../ingest/extract.ts');
  const article = extractArticle(html, { url: options.url ?? null });
  return {
    title: options.title ?? article.title,
    text: article.text,
    url: options.url ?? article.url,
    publishedAt: article.publishedAt,
  };
}

/** The readable summary printed without `--json`. Pure. */
export function formatAnalysis(result: Analysis): string {
  const lines: string[] = [];
  if (result.terms.length === 0) lines.push('Watch terms: none');
  for (const term of result.terms) {
    lines.push(`${term.id} ×${term.count}`);
    for (const text of term.snippets)
      lines.push(`  « ${text.replaceAll('⟦', '[').replaceAll('⟧', ']')} »`);
  }
  lines.push('', 'Topics:');
  if (result.topics.length === 0) lines.push('  none');
  for (const topic of result.topics)
    lines.push(`  ${topic.id} ${topic.score} (${topic.reasons.join(', ')})`);
  if (result.entities.length)
    lines.push(
      '',
      `Entities: ${result.entities.map((entity) => `${entity.name} ×${entity.count}`).join(', ')}`,
    );
  if (result.amounts.length)
    lines.push(
      '',
      `Amounts: ${result.amounts.map((amount) => `${amount.text} = ${amount.eur} €`).join('; ')}`,
    );
  if (result.deadlines.length)
    lines.push(
      '',
      `Dates: ${result.deadlines.map((deadline) => `${deadline.date} (${deadline.text})`).join('; ')}`,
    );
  return lines.join('\n');
}
