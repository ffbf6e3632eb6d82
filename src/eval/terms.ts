/**
 * `vigie eval`: precision, recall and F1 of watch terms and topics on a labelled corpus
 * (schema in `../shared/corpus/README.md`), next to a keyword baseline, with the misclassified
 * items and the reasons that fired. Scoring and formatting are pure; `loadCorpus` and
 * `runCorpusEval` read files.
 *
 * The baseline is what the issue defines: a term when its plain name appears; a topic when
 * two distinct words of a handful of obvious cue words appear.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { extractAmounts } from '../analyze/amounts.ts';
import { scoreTopics, type TopicDetail } from '../analyze/classify.ts';
import { termHits, termMentions } from '../analyze/match.ts';
import type { AnalysisRules } from '../analyze/rules.ts';
import { scanText } from '../analyze/scan.ts';
import { TERM_IDS, type TermHit, type TermId, TOPIC_IDS, type TopicId } from '../analyze/types.ts';

/** `../shared/corpus/dev` from the repository root, wherever the process runs. */
export const DEFAULT_CORPUS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/corpus/dev',
);

/** The targets of issue 16 on the dev corpus. */
export const TARGETS = {
  termPrecision: 0.98,
  termRecall: 0.95,
  topicMicroF1: 0.85,
  topicMacroF1: 0.8,
};

const itemSchema = z.object({
  id: z.string(),
  url: z.string().optional(),
  lang: z.string().optional(),
  title: z.string().nullable().optional(),
  text: z.string(),
  terms: z.array(z.enum(TERM_IDS)),
  topics: z.array(z.enum(TOPIC_IDS)),
  note: z.string().optional(),
});
export type CorpusItem = z.output<typeof itemSchema>;

/** Raised when the corpus folder or one of its items cannot be read. */
export class CorpusError extends Error {
  readonly code = 'CORPUS_INVALID';
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CorpusError';
  }
}

/** Reads every `*.json` item of `dir`, sorted by file name. Throws CorpusError. Not pure. */
export function loadCorpus(dir: string): CorpusItem[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch (error) {
    throw new CorpusError(`${dir}: cannot read the corpus folder`, dir, { cause: error });
  }
  if (names.length === 0) throw new CorpusError(`${dir}: no *.json items`, dir);
  return names.map((name) => {
    const file = path.join(dir, name);
    try {
      return itemSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (error) {
      throw new CorpusError(
        `${file}: not a corpus item (${(error as Error).message.split('\n')[0]})`,
        file,
        {
          cause: error,
        },
      );
    }
  });
}

export interface Scores {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
}

export interface EvalReport {
  terms: Record<TermId, Scores>;
  topics: Record<TopicId, Scores>;
  termsMicro: Scores;
  topicsMicro: Scores;
  topicsMacroF1: number;
}

export interface Prediction {
  terms: TermId[];
  topics: TopicId[];
}

/** A label the analyzer got wrong, with what fired (or what fell short). */
export interface Mistake {
  kind: 'term' | 'topic';
  id: string;
  /** `extra`: predicted but not labelled; `missed`: labelled but not predicted. */
  error: 'extra' | 'missed';
  score: number | null;
  threshold: number | null;
  reasons: string[];
}

export interface Misclassified {
  id: string;
  title: string | null;
  mistakes: Mistake[];
}

export interface CorpusEval {
  corpus: string;
  items: number;
  vigie: EvalReport;
  baseline: EvalReport;
  misclassified: Misclassified[];
}

/** Precision/recall/F1 per label, micro and macro averages, for predictions vs labels. Pure. */
export function scoreReport(
  items: readonly CorpusItem[],
  predictions: readonly Prediction[],
): EvalReport {
  const terms = Object.fromEntries(
    TERM_IDS.map((id) => [id, scoreLabel(items, predictions, (x) => x.terms.includes(id))]),
  ) as Record<TermId, Scores>;
  const topics = Object.fromEntries(
    TOPIC_IDS.map((id) => [id, scoreLabel(items, predictions, (x) => x.topics.includes(id))]),
  ) as Record<TopicId, Scores>;
  const topicScores = Object.values(topics);
  return {
    terms,
    topics,
    termsMicro: pool(Object.values(terms)),
    topicsMicro: pool(topicScores),
    topicsMacroF1: topicScores.reduce((sum, s) => sum + s.f1, 0) / topicScores.length,
  };
}

function scoreLabel(
  items: readonly CorpusItem[],
  predictions: readonly Prediction[],
  has: (labels: Prediction) => boolean,
): Scores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  items.forEach((item, index) => {
    const expected = has(item);
    const got = has(predictions[index] as Prediction);
    if (expected && got) tp++;
    else if (got) fp++;
    else if (expected) fn++;
  });
  return ratios(tp, fp, fn);
}

function pool(scores: readonly Scores[]): Scores {
  const sum = (key: 'tp' | 'fp' | 'fn') => scores.reduce((total, s) => total + s[key], 0);
  return ratios(sum('tp'), sum('fp'), sum('fn'));
}

function ratios(tp: number, fp: number, fn: number): Scores {
  // With nothing predicted and nothing expected a label is perfect, not undefined.
  const precision = tp + fp === 0 ? (fn === 0 ? 1 : 0) : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, tp, fp, fn };
}

const BASELINE_NAMES: Record<TermId, string> = {
  'health-data-hub': 'health data hub',
  secnumcloud: 'secnumcloud',
  ugap: 'ugap',
};
const BASELINE_CUES: Record<TopicId, string[]> = {
  hebergement: ['hébergement', 'hébergeur', 'cloud', 'datacenter', 'serveur'],
  certification: ['certification', 'qualification', 'label', 'anssi', 'référentiel'],
  'commande-publique': ["appel d'offres", 'marché public', 'achat', 'commande', 'ugap'],
  regulation: ['loi', 'cnil', "conseil d'état", 'rgpd', 'règlement'],
  finances: ['budget', 'coût', 'euros', 'économies', 'financement'],
  'donnees-sante': ['données de santé', 'recherche', 'snds', 'patients', 'santé'],
  souverainete: ['souveraineté', 'souverain', 'américain', 'dépendance', 'européen'],
  cybersecurite: ['cyberattaque', 'sécurité', 'piratage', 'ransomware', 'attaque'],
};
const BASELINE_PATTERNS = Object.fromEntries(
  Object.entries(BASELINE_CUES).map(([id, words]) => [
    id,
    words.map(
      (word) => new RegExp(`(?<!\\p{L})${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'iu'),
    ),
  ]),
) as Record<TopicId, RegExp[]>;

/** The keyword baseline's labels for one document. Pure. */
export function keywordBaseline(item: Pick<CorpusItem, 'title' | 'text'>): Prediction {
  const text = `${item.title ?? ''}\n${item.text}`.replace(/[’‘]/g, "'");
  const lower = text.toLowerCase();
  return {
    terms: TERM_IDS.filter((id) => lower.includes(BASELINE_NAMES[id])),
    topics: TOPIC_IDS.filter(
      (id) => BASELINE_PATTERNS[id].filter((pattern) => pattern.test(text)).length >= 2,
    ),
  };
}

/** Vigie's labels for one document, with the topic details that explain them. Pure. */
export function vigiePrediction(
  item: Pick<CorpusItem, 'title' | 'text'>,
  rules: AnalysisRules,
): Prediction & { hits: TermHit[]; details: TopicDetail[] } {
  const scan = scanText({ title: item.title ?? null, text: item.text }, rules);
  const hits = termHits(scan, termMentions(scan, rules));
  const details = scoreTopics(scan, rules, {
    terms: hits,
    amounts: extractAmounts(scan.source, scan.ignored),
  });
  return {
    terms: hits.map((hit) => hit.id),
    topics: details.filter((detail) => detail.kept).map((detail) => detail.id),
    hits,
    details,
  };
}

/** Scores Vigie and the baseline on `items` and lists Vigie's mistakes. Pure. */
export function evaluateCorpus(
  items: readonly CorpusItem[],
  rules: AnalysisRules,
  corpus = '',
): CorpusEval {
  const vigie = items.map((item) => vigiePrediction(item, rules));
  const misclassified: Misclassified[] = [];
  items.forEach((item, index) => {
    const got = vigie[index] as ReturnType<typeof vigiePrediction>;
    const mistakes: Mistake[] = [];
    for (const id of TERM_IDS) {
      const expected = item.terms.includes(id);
      if (expected === got.terms.includes(id)) continue;
      const hit = got.hits.find((candidate) => candidate.id === id);
      mistakes.push({
        kind: 'term',
        id,
        error: expected ? 'missed' : 'extra',
        score: null,
        threshold: null,
        reasons: hit?.snippets ?? [],
      });
    }
    for (const detail of got.details) {
      const expected = item.topics.includes(detail.id);
      if (expected === detail.kept) continue;
      mistakes.push({
        kind: 'topic',
        id: detail.id,
        error: expected ? 'missed' : 'extra',
        score: detail.score,
        threshold: detail.threshold,
        reasons: detail.reasons,
      });
    }
    if (mistakes.length) misclassified.push({ id: item.id, title: item.title ?? null, mistakes });
  });
  return {
    corpus,
    items: items.length,
    vigie: scoreReport(items, vigie),
    baseline: scoreReport(items, items.map(keywordBaseline)),
    misclassified,
  };
}

/** Loads `dir` (default `DEFAULT_CORPUS`) and evaluates it. Not pure (reads files). */
export function runCorpusEval(rules: AnalysisRules, dir = DEFAULT_CORPUS): CorpusEval {
  return evaluateCorpus(loadCorpus(dir), rules, dir);
}

/** Human-readable report: tables side by side with the baseline, then the mistakes. Pure. */
export function formatCorpusEval(result: CorpusEval): string {
  const lines = [`Corpus ${result.corpus} (${result.items} items)`, ''];
  const header = `${'label'.padEnd(20)} ${'vigie P     R     F1'.padEnd(24)}│ baseline P    R     F1`;
  const row = (label: string, v: Scores, b: Scores) =>
    `${label.padEnd(20)} ${[v.precision, v.recall, v.f1].map(fmt).join(' ').padEnd(24)}│ ${[b.precision, b.recall, b.f1].map(fmt).join(' ')}`;
  lines.push('Watch terms', header);
  for (const id of TERM_IDS) lines.push(row(id, result.vigie.terms[id], result.baseline.terms[id]));
  lines.push(
    row('micro', result.vigie.termsMicro, result.baseline.termsMicro),
    '',
    'Topics',
    header,
  );
  for (const id of TOPIC_IDS)
    lines.push(row(id, result.vigie.topics[id], result.baseline.topics[id]));
  lines.push(
    row('micro', result.vigie.topicsMicro, result.baseline.topicsMicro),
    `${'macro F1'.padEnd(20)} ${fmt(result.vigie.topicsMacroF1).padStart(17).padEnd(24)}│ ${fmt(result.baseline.topicsMacroF1).padStart(15)}`,
    '',
    `Misclassified (${result.misclassified.length})`,
  );
  for (const item of result.misclassified) {
    lines.push(`${item.id}${item.title ? `  ${item.title.slice(0, 70)}` : ''}`);
    for (const mistake of item.mistakes) {
      const score = mistake.score === null ? '' : ` ${mistake.score}/${mistake.threshold}`;
      const reasons = mistake.reasons.length ? `: ${mistake.reasons.join(' · ')}` : '';
      lines.push(
        `  ${mistake.error === 'extra' ? '+' : '-'}${mistake.kind} ${mistake.id}${score}${reasons}`,
      );
    }
  }
  return lines.join('\n');
}

function fmt(value: number): string {
  return value.toFixed(2).padStart(5);
}
