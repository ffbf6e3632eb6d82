/**
 * Case `analyze`: match + classify + entities (`analyze` with the repository's rules) over
 * 50 MB of generated French articles, 2 % of them mentioning a watch term. One core: MB of
 * UTF-8 text per CPU-second of this process. Target: ≥ 20 MB/s.
 */
import { analyze } from '../src/analyze/analyze.ts';
import { defaultAnalysisRules } from '../src/analyze/load.ts';
import type { AnalysisInput } from '../src/analyze/types.ts';
import { articleText, frenchArticle, seededRandom } from './french.ts';
import { type BenchOptions, type CaseResult, nowMs, round } from './harness.ts';

const TARGET_MB_S = 20;

/** Articles of about 3 KB until `megabytes` of UTF-8 text. Pure per arguments. */
export function analysisCorpus(megabytes: number): { inputs: AnalysisInput[]; bytes: number } {
  const random = seededRandom(42);
  const inputs: AnalysisInput[] = [];
  let bytes = 0;
  for (let serial = 0; bytes < megabytes * 1e6; serial += 1) {
    const article = frenchArticle(random, serial, { chars: 3_000, matching: serial % 50 === 0 });
    const input = {
      title: article.title,
      text: articleText(article),
      publishedAt: '2026-03-02T07:00:00.000Z',
    };
    bytes += Buffer.byteLength(input.title) + Buffer.byteLength(input.text);
    inputs.push(input);
  }
  return { inputs, bytes };
}

/** Runs the analyze case; one row. */
export async function benchAnalyze(options: BenchOptions): Promise<CaseResult[]> {
  const rules = defaultAnalysisRules();
  const { inputs, bytes } = analysisCorpus(options.quick ? 10 : 50);
  // Warm-up on a slice, so the JIT has compiled the scanners before the clock starts.
  for (const input of inputs.slice(0, 500)) analyze(input, rules);
  const started = nowMs();
  const cpuStart = process.cpuUsage();
  let matched = 0;
  for (const input of inputs) if (analyze(input, rules).terms.length > 0) matched += 1;
  const cpu = process.cpuUsage(cpuStart);
  const seconds = (nowMs() - started) / 1000;
  // Per core means per CPU-second: on a shared machine wall time also counts waiting for a core.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const rate = bytes / 1e6 / cpuSeconds;
  return [
    {
      name: 'analyze',
      value: round(rate, 1),
      unit: 'MB/s',
      target: `≥ ${TARGET_MB_S} MB/s per core`,
      ratio: null,
      pass: rate >= TARGET_MB_S,
      note: `${inputs.length} articles, ${round(bytes / 1e6, 1)} MB in ${round(cpuSeconds, 2)} CPU s (${round(seconds, 2)} s wall: ${round(bytes / 1e6 / seconds, 1)} MB/s), ${matched} matched`,
    },
  ];
}
