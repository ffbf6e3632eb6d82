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
import { charSpan, type Scan } from './scan.ts';
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
    scoreTopic(topic, found.get(topic.id) ?? [], rules, evidence),
  );
  const best = Math.max(0, ...details.map((detail) => detail.score));
  const floor = best * rules.scoring.relativeFloor;
  const passing = details
    .filter((detail) => detail.score >= detail.threshold && detail.score >= floor)
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .slice(0, rules.scoring.maxTopics);
  const kept = new Set(passing.map((detail) => detail.id));
  return details.map((detail) => ({ ...detail, kept: kept.has(detail.id) }));
}

interface Occurrence {
  cue: number;
  weight: number;
  factor: number;
  text: string;
}

function cueOccurrences(scan: Scan, rules: AnalysisRules): Map<TopicId, Occurrence[]> {
  const { title, lead } = rules.scoring.position;
  const byTopic = new Map<TopicId, Occurrence[]>();
  for (const { start, end, payload } of scan.matches) {
    if (payload.lane !== 2 || payload.topic === null) continue;
    const span = charSpan(scan, start, end);
    const factor = span.start < scan.titleEnd ? title : span.start < scan.leadEnd ? lead : 1;
    const list = byTopic.get(payload.topic) ?? [];
    list.push({
      cue: payload.cue,
      weight: payload.weight,
      factor,
      text: scan.source.slice(span.start, span.end),
    });
    byTopic.set(payload.topic, list);
  }
  return byTopic;
}

function scoreTopic(
  topic: CompiledTopic,
  occurrences: readonly Occurrence[],
  rules: AnalysisRules,
  evidence: TopicEvidence,
): TopicDetail {
  const contributions = new Map<string, { text: string; value: number }>();
  const add = (text: string, value: number): void => {
    const key = text.toLowerCase().replace(/\s+/g, ' ');
    const entry = contributions.get(key) ?? { text: text.replace(/\s+/g, ' '), value: 0 };
    entry.value += value;
    contributions.set(key, entry);
  };
  const byCue = new Map<number, Occurrence[]>();
  for (const occurrence of occurrences) {
    const list = byCue.get(occurrence.cue) ?? [];
    list.push(occurrence);
    byCue.set(occurrence.cue, list);
  }
  const { repeat } = rules.scoring;
  for (const list of byCue.values()) {
    list.sort((a, b) => b.factor - a.factor);
    list.slice(0, repeat.length).forEach((occurrence, rank) => {
      add(occurrence.text, occurrence.weight * occurrence.factor * (repeat[rank] as number));
    });
  }
  for (const hit of evidence.terms) {
    const weight = topic.terms[hit.id];
    if (weight) add(rules.terms[hit.id].name, weight);
  }
  if (topic.amounts) {
    for (const amount of evidence.amounts.slice(0, rules.scoring.maxAmounts))
      add(amount.text, topic.amounts);
  }
  const ranked = [...contributions.values()]
    .filter((entry) => entry.value > 0)
    .sort((a, b) => b.value - a.value);
  const score = [...contributions.values()].reduce((sum, entry) => sum + entry.value, 0);
  return {
    id: topic.id,
    score: Math.round(score * 100) / 100,
    reasons: ranked.slice(0, MAX_REASONS).map((entry) => entry.text),
    threshold: topic.threshold,
    kept: false,
  };
}
