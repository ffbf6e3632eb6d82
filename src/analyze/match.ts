/**
 * Watch-term matching by meaning (rules in `feeds/watchlist.yml`). Semantics, in order:
 *
 * 1. A plain form (`forms`) counts wherever it appears, except in URLs and navigation lines.
 * 2. A guarded form counts unless the word before it is in `notAfter`, the word after it in
 *    `notBefore`, or a phrase of `unlessNear` is in its sentence (« HDH » next to « hôpital de
 *    jour »). If the group has `requires`, it also needs a phrase of `near` in its sentence, or
 *    (with `namedInDocument`) an unconditional form of the same term elsewhere in the document:
 *    an acronym defined once (« Health Data Hub (HDH) ») then counts everywhere.
 * 3. A description counts when one phrase of each of its groups is in one sentence.
 *
 * Each term found yields its count and up to three snippets from distinct sentences. Pure.
 */
import { type Span, sentenceAround } from './normalize.ts';
import { findPhrases, tokenRange } from './phrases.ts';
import type { AnalysisRules, CompiledGroup, ContextTrie } from './rules.ts';
import { charSpan, type Scan, scanText } from './scan.ts';
import { snippet } from './snippets.ts';
import { TERM_IDS, type TermHit, type TermId } from './types.ts';

const MAX_SNIPPETS = 3;

/** One accepted mention of a watch term. */
export interface TermMention {
  term: TermId;
  span: Span;
  /** True for forms that name the term without condition (they license `namedInDocument`). */
  named: boolean;
}

/**
 * Watch terms found in a text or a scanned document, in `TERM_IDS` order, each with its count
 * and up to 3 snippets (≤ 200 chars, hits in ⟦ ⟧). Pure, deterministic.
 */
export function matchTerms(input: string | Scan, rules: AnalysisRules): TermHit[] {
  const scan = typeof input === 'string' ? scanText(input, rules) : input;
  return termHits(scan, termMentions(scan, rules));
}

/** Accepted mentions of every watch term, sorted by position. Pure. */
export function termMentions(scan: Scan, rules: AnalysisRules): TermMention[] {
  const accepted: TermMention[] = [];
  const pendingNamed: TermMention[] = [];
  for (const { start, end, payload } of scan.matches) {
    if (payload.lane === 0) {
      const span = charSpan(scan, start, end);
      if (payload.group < 0) {
        accepted.push({ term: payload.term, span, named: true });
        continue;
      }
      const group = rules.terms[payload.term].groups[payload.group] as CompiledGroup;
      const verdict = judgeGuarded(scan, group, start, end);
      if (verdict === 'yes')
        accepted.push({ term: payload.term, span, named: !group.requiresNamed && !group.near });
      else if (verdict === 'if-named')
        pendingNamed.push({ term: payload.term, span, named: false });
    } else if (payload.lane === 3) {
      const groups = rules.terms[payload.term].descriptions[payload.description] ?? [];
      const span = charSpan(scan, start, end);
      if (groups.every((trie) => inSentence(scan, span, trie))) {
        accepted.push({ term: payload.term, span, named: false });
      }
    }
  }
  const named = new Set(accepted.filter((mention) => mention.named).map((mention) => mention.term));
  for (const mention of pendingNamed) if (named.has(mention.term)) accepted.push(mention);
  return accepted.sort((a, b) => a.span.start - b.span.start);
}

type Verdict = 'yes' | 'no' | 'if-named';

function judgeGuarded(scan: Scan, group: CompiledGroup, start: number, end: number): Verdict {
  const { norms, breaks } = scan.tokens;
  for (const words of group.notAfter) {
    const from = start - words.length;
    if (from >= 0 && breaks[start] !== 1 && words.every((word, k) => norms[from + k] === word))
      return 'no';
  }
  for (const words of group.notBefore) {
    if (
      end < scan.tokens.count &&
      breaks[end] !== 1 &&
      words.every((word, k) => norms[end + k] === word)
    )
      return 'no';
  }
  const span = charSpan(scan, start, end);
  if (group.unlessNear && inSentence(scan, span, group.unlessNear)) return 'no';
  if (!group.near && !group.requiresNamed) return 'yes';
  if (group.near && inSentence(scan, span, group.near)) return 'yes';
  return group.requiresNamed ? 'if-named' : 'no';
}

/** Whether a phrase of `trie` is in the sentence around `span` (outside the span itself). */
function inSentence(scan: Scan, span: Span, trie: ContextTrie): boolean {
  const sentence = sentenceAround(scan.source, span.start, span.end);
  const { from, to } = tokenRange(scan.tokens, sentence);
  return findPhrases(scan.tokens, trie, from, to).some((match) => {
    const found = charSpan(scan, match.start, match.end);
    return found.end <= span.start || found.start >= span.end;
  });
}

/** Groups mentions into `TermHit`s with up to 3 snippets from distinct sentences. Pure. */
export function termHits(scan: Scan, mentions: readonly TermMention[]): TermHit[] {
  const hits: TermHit[] = [];
  for (const id of TERM_IDS) {
    const own = mentions.filter((mention) => mention.term === id);
    if (own.length === 0) continue;
    hits.push({ id, count: own.length, snippets: snippetsOf(scan, own) });
  }
  return hits;
}

/** Snippets of the first sentences holding `mentions` (sorted by position), each once. */
function snippetsOf(scan: Scan, mentions: readonly TermMention[]): string[] {
  const snippets: string[] = [];
  let index = 0;
  while (index < mentions.length && snippets.length < MAX_SNIPPETS) {
    const first = mentions[index] as TermMention;
    const sentence = sentenceAround(scan.source, first.span.start, first.span.end);
    const inside: Span[] = [];
    while (index < mentions.length && (mentions[index] as TermMention).span.start < sentence.end) {
      inside.push((mentions[index] as TermMention).span);
      index++;
    }
    const text = snippet(scan.source, sentence, inside);
    if (!snippets.includes(text)) snippets.push(text);
  }
  return snippets;
}
