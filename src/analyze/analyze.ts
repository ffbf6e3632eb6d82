/**
 * The analysis stage in one call: watch terms, topics, entities, amounts and deadlines of one
 * document, from a single scan of its text. Pure and deterministic: same input and rules,
 * same output; no clock (relative dates are anchored on `input.publishedAt`).
 */
import { extractAmounts } from './amounts.ts';
import { classify } from './classify.ts';
import { extractDeadlines } from './deadlines.ts';
import { extractEntities } from './entities.ts';
import { termHits, termMentions } from './match.ts';
import type { AnalysisRules } from './rules.ts';
import { scanText } from './scan.ts';
import type { Analysis, AnalysisInput } from './types.ts';

/** Analyzes one document (title + text) with compiled rules; the DESIGN.md `Analysis` shape. Pure. */
export function analyze(input: AnalysisInput, rules: AnalysisRules): Analysis {
  const scan = scanText(input, rules);
  return analyzeScan(input, rules, scan, termHits(scan, termMentions(scan, rules)));
}

/**
 * `analyze`, or null when the document mentions no watch term: what polling needs. Most items
 * mention none, and topics, entities, amounts and deadlines were a third of their cost. Pure.
 */
export function analyzeIfMatched(input: AnalysisInput, rules: AnalysisRules): Analysis | null {
  const scan = scanText(input, rules);
  const terms = termHits(scan, termMentions(scan, rules));
  return terms.length === 0 ? null : analyzeScan(input, rules, scan, terms);
}

function analyzeScan(
  input: AnalysisInput,
  rules: AnalysisRules,
  scan: ReturnType<typeof scanText>,
  terms: Analysis['terms'],
): Analysis {
  const amounts = extractAmounts(scan.source, scan.ignored);
  return {
    terms,
    topics: classify(scan, rules, { terms, amounts }),
    entities: extractEntities(scan, rules),
    amounts,
    deadlines: extractDeadlines(scan.source, input.publishedAt),
  };
}
