/**
 * One pass over a document: the title and the text are joined (title first, a blank line
 * between), URLs and navigation lines are set aside, the rest is tokenized once and every
 * configured phrase is found in that single walk. The matchers (terms, entities, topics) read
 * this `Scan` instead of re-reading the text. Pure.
 */
import { ignoredSpans, type Span, type Tokens, tokenize } from './normalize.ts';
import { findPhrases, type PhraseMatch } from './phrases.ts';
import type { AnalysisRules, Entry } from './rules.ts';
import type { AnalysisInput } from './types.ts';

export interface Scan {
  /** Title, blank line, text: the string every offset refers to. */
  source: string;
  /** Offset where the title ends (0 without a title). */
  titleEnd: number;
  /** Offset where the lead (the first `position.leadChars` of the text) ends. */
  leadEnd: number;
  ignored: Span[];
  tokens: Tokens;
  matches: PhraseMatch<Entry>[];
  publishedAt: string | null;
}

/** Joins, tokenizes and matches a document (or a bare text) against the rules. Pure. */
export function scanText(input: AnalysisInput | string, rules: AnalysisRules): Scan {
  const { title, text, publishedAt } =
    typeof input === 'string' ? { title: null, text: input, publishedAt: null } : input;
  const heading = title?.trim() ?? '';
  const source = heading ? `${heading}\n\n${text}` : text;
  const titleEnd = heading.length;
  const textStart = heading ? titleEnd + 2 : 0;
  const ignored = ignoredSpans(source);
  const tokens = tokenize(source, ignored);
  return {
    source,
    titleEnd,
    leadEnd: textStart + rules.scoring.position.leadChars,
    ignored,
    tokens,
    matches: findPhrases(tokens, rules.trie),
    publishedAt: publishedAt ?? null,
  };
}

/** Character span of a token range `[start, end)`. Pure. */
export function charSpan(scan: Scan, start: number, end: number): Span {
  return { start: scan.tokens.starts[start] as number, end: scan.tokens.ends[end - 1] as number };
}

/** Whether a character offset falls inside an ignored span (URL, navigation). Pure. */
export function isIgnored(scan: Pick<Scan, 'ignored'>, offset: number): boolean {
  let low = 0;
  let high = scan.ignored.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const span = scan.ignored[mid] as Span;
    if (offset < span.start) high = mid;
    else if (offset >= span.end) low = mid + 1;
    else return true;
  }
  return false;
}
