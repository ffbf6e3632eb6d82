/**
 * Explainable multi-label topics (rules in `feeds/topics.yml`).
 *
 * A topic's score is the sum of its cues found in the document: each occurrence weighs the
 * cue's weight × a position factor (title, lead, body), and repeats of one cue are damped by
 * `repeat` (a word said ten times is not ten reasons). Watch terms found add their evidence
 * once (UGAP is a purchasing agency, so commande-publique), and money amounts add theirs.
 * A topic is kept when its score reaches its threshold and `relativeFloor` × the best score
 * (a long article mentions everything once; we report what it is about), at most `maxTopics`.
 * Reasons are the phrases as written in the text, strongest first. Pure, deterministic.
 */
import type { AnalysisRules, CompiledTopic } from './rules.ts';
import type { Scan } from './scan.ts';
import type { AmountHit, TermHit, TopicId, TopicScore } from './types.ts';

const MAX_REASONS = 8;

/** What the classifier takes besides the cues: the watch terms and amounts already found. */
export interface TopicEvidence {
  terms: readonly TermHit[];
  amounts: readonly AmountHit[];
}

/** A topic's score whether or not it passed, for `vigie eval` and rule tuning. */
export interface TopicDetail extends TopicScore {
  threshold: number;
  kept: boolean;
}

/** Topics the document is about, best first, each with its score and reasons. Pure. */
export function classify(scan: Scan, rules: AnalysisRules, evidence: TopicEvidence): TopicScore[] {
  return scoreTopics(scan, rules, evidence)
    .filter((detail) => detail.kept)
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .map(({ id, score, reasons }) => ({ id, score, reasons }));
}

/** Every topic's score, reasons and decision, in `TOPIC_IDS` order. Pure. */
export function scoreTopics(
  scan: Scan,
  rules: AnalysisRules,
  evidence: TopicEvidence,
): TopicDetail[] {
  const found = cueOccurrences(scan, rules);
  const details = rules.topics.map((topic) =>
    scoreTopic(topic, found.get(topic.id), scan.source, rules, evidence),
  );
  let best = 0;
  for (const detail of details) best = Math.max(best, detail.score);
  const floor = best * rules.scoring.relativeFloor;
  const passing = details
    .filter((detail) => detail.score >= detail.threshold && detail.score >= floor)
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .slice(0, rules.scoring.maxTopics);
  for (const detail of passing) detail.kept = true;
  return details;
}

interface Occurrence {
  weight: number;
  factor: number;
  start: number;
  end: number;
}

/** Cue occurrences per topic, then per cue (in order of first appearance), in text order. */
function cueOccurrences(scan: Scan, rules: AnalysisRules): Map<TopicId, Map<number, Occurrence[]>> {
  const { title, lead } = rules.scoring.position;
  const byTopic = new Map<TopicId, Map<number, Occurrence[]>>();
  for (const { start, end, payload } of scan.matches) {
    if (payload.lane !== 2 || payload.topic === null) continue;
    const from = scan.tokens.starts[start] as number;
    const to = scan.tokens.ends[end - 1] as number;
    const factor = from < scan.titleEnd ? title : from < scan.leadEnd ? lead : 1;
    let byCue = byTopic.get(payload.topic);
    if (!byCue) {
      byCue = new Map();
      byTopic.set(payload.topic, byCue);
    }
    const occurrence = { weight: payload.weight, factor, start: from, end: to };
    const list = byCue.get(payload.cue);
    if (list) list.push(occurrence);
    else byCue.set(payload.cue, [occurrence]);
  }
  return byTopic;
}

/** Contributions by folded phrase, in order of first contribution; created on first use. */
type Contributions = Map<string, { text: string; value: number }>;

function scoreTopic(
  topic: CompiledTopic,
  byCue: Map<number, Occurrence[]> | undefined,
  source: string,
  rules: AnalysisRules,
  evidence: TopicEvidence,
): TopicDetail {
  // Most topics of most articles have no evidence at all: no map for them.
  let contributions: Contributions | null = null;
  const add = (text: string, value: number): void => {
    contributions ??= new Map();
    const shown = collapseSpaces(text);
    // Lower-casing leaves white space alone, so this is the key of the text as written.
    const key = shown.toLowerCase();
    let entry = contributions.get(key);
    if (!entry) {
      entry = { text: shown, value: 0 };
      contributions.set(key, entry);
    }
    entry.value += value;
  };
  const { repeat } = rules.scoring;
  for (const list of byCue?.values() ?? []) {
    // Title and lead occurrences first; the list is in text order, so usually already is.
    if (!byFactor(list)) list.sort((a, b) => b.factor - a.factor);
    const counted = Math.min(list.length, repeat.length);
    for (let rank = 0; rank < counted; rank++) {
      const occurrence = list[rank] as Occurrence;
      const text = source.slice(occurrence.start, occurrence.end);
      add(text, occurrence.weight * occurrence.factor * (repeat[rank] as number));
    }
  }
  for (const hit of evidence.terms) {
    const weight = topic.terms[hit.id];
    if (weight) add(rules.terms[hit.id].name, weight);
  }
  if (topic.amounts) {
    for (const amount of evidence.amounts.slice(0, rules.scoring.maxAmounts))
      add(amount.text, topic.amounts);
  }
  return topicDetail(topic, contributions);
}

function topicDetail(topic: CompiledTopic, contributions: Contributions | null): TopicDetail {
  const entries = contributions ? [...contributions.values()] : [];
  const ranked = entries.filter((entry) => entry.value > 0).sort((a, b) => b.value - a.value);
  const score = entries.reduce((sum, entry) => sum + entry.value, 0);
  return {
    id: topic.id,
    score: Math.round(score * 100) / 100,
    reasons: ranked.slice(0, MAX_REASONS).map((entry) => entry.text),
    threshold: topic.threshold,
    kept: false,
  };
}

/** A white-space run, or one white-space character other than a space. */
const UNCOLLAPSED = /[^\S ]| {2}/;

/** The text with each run of white space made one space (`replace(/\s+/g, ' ')`, often a no-op). */
function collapseSpaces(text: string): string {
  return UNCOLLAPSED.test(text) ? text.replace(/\s+/g, ' ') : text;
}

/** Whether occurrences are already in decreasing factor order (a stable sort would keep them). */
function byFactor(list: readonly Occurrence[]): boolean {
  for (let k = 1; k < list.length; k++) {
    if ((list[k - 1] as Occurrence).factor < (list[k] as Occurrence).factor) return false;
  }
  return true;
}
