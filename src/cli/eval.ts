/**
 * `vigie eval [--corpus DIR]`: watch-term and topic precision/recall on a labelled corpus
 * (default `../shared/corpus/dev` from the repository root), side by side with the keyword
 * baseline. `vigie eval extract [--set NAME] [--out DIR]`: extraction F1 (src/eval/extract.ts).
 * Prints only; the targets are asserted by tests/eval/terms.test.ts.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { printJson, printText } from './io.ts';
import { globalOptions } from './options.ts';

export function register(program: Command): void {
  const evaluate = program
    .command('eval')
    .description('precision/recall of watch terms and topics on a labelled corpus')
    .option('--corpus <dir>', 'corpus folder (default: ../shared/corpus/dev from the repo root)')
    .action(async (options: { corpus?: string }, command: Command) => {
      const { json } = globalOptions(command);
      const { defaultAnalysisRules } = await import('../analyze/load.ts');
      const { DEFAULT_CORPUS, formatCorpusEval, runCorpusEval } = await import('../eval/terms.ts');
      const dir = options.corpus ? path.resolve(options.corpus) : DEFAULT_CORPUS;
      const result = runCorpusEval(defaultAnalysisRules(), dir);
      if (json) printJson(result);
      else printText(formatCorpusEval(result));
    });
  evaluate
    .command('extract')
    .description('article extraction F1 on ../shared/fixtures/articles')
    .option('--set <name>', 'fixture set to run')
    .option('--out <dir>', 'write extracted texts here for inspection')
    .action(async (options: { set?: string; out?: string }, command: Command) => {
      const { json } = globalOptions(command);
      const { formatExtractReport, runExtractEval } = await import('../eval/extract.ts');
      const report = await runExtractEval({ set: options.set, out: options.out, json });
      if (json) printJson(report);
      else printText(formatExtractReport(report));
    });
}
