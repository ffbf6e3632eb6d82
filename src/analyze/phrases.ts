/**
 * A word trie over folded tokens: every configured phrase (watch-term forms, entity names,
 * topic cues) is compiled once, and a text is matched in one pass over its tokens, whatever the
 * number of phrases. A phrase word ending in `*` matches any word starting with it
 * (« héberg* » → hébergé, hébergeur, hébergement); such a stem needs at least 3 letters.
 *
 * Matches are leftmost-longest and non-overlapping within a lane, independent across lanes:
 * « hébergeur de données de santé » (certification) hides the « données de santé » inside it,
 * while a watch term and a topic cue may share words. Pure.
 */
import { type Span, type Tokens, tokenize } from './normalize.ts';

/** One word of a compiled phrase. */
export interface PhraseWord {
  text: string;
  prefix: boolean;
}

interface TrieNode<P> {
  exact: Map<string, TrieNode<P>> | null;
  /** Prefix words, keyed by their first three letters so a token checks only a few. */
  prefix: Map<string, Array<{ stem: string; node: TrieNode<P> }>> | null;
  payloads: P[];
}

/** A compiled set of phrases, each carrying payloads of type P (with the lane they match in). */
export interface PhraseTrie<P extends { lane: number }> {
  root: TrieNode<P>;
  lanes: number;
}

/** A phrase found in a text: token range `[start, end)` and the payload attached to it. */
export interface PhraseMatch<P> {
  start: number;
  end: number;
  payload: P;
}

const STEM_MIN = 3;

/** Folded words of a configured phrase; `*` after a word marks a prefix. Pure. */
export function phraseWords(phrase: string): PhraseWord[] {
  const tokens = tokenize(phrase);
  return tokens.norms.map((text, index) => ({
    text,
    prefix: phrase.charAt(tokens.ends[index] as number) === '*',
  }));
}

/** Why a configured phrase cannot be compiled, or null when it can. Pure. */
export function phraseProblem(phrase: string): string | null {
  const words = phraseWords(phrase);
  if (words.length === 0) return 'expected at least one word';
  const short = words.find((word) => word.prefix && word.text.length < STEM_MIN);
  if (short) return `prefix "${short.text}*" needs at least ${STEM_MIN} letters`;
  return null;
}

/** Builds a trie from phrases and their payloads. Throws on a phrase without words. Pure. */
export function compilePhrases<P extends { lane: number }>(
  entries: Iterable<{ phrase: string; payload: P }>,
): PhraseTrie<P> {
  const root = emptyNode<P>();
  let lanes = 0;
  for (const { phrase, payload } of entries) {
    const words = phraseWords(phrase);
    if (words.length === 0) throw new Error(`phrase without words: ${JSON.stringify(phrase)}`);
    let node = root;
    for (const word of words)
      node = word.prefix ? prefixChild(node, word.text) : exactChild(node, word.text);
    // The same phrase listed twice for the same purpose (« Anssi », « ANSSI ») counts once.
    const key = JSON.stringify(payload);
    if (!node.payloads.some((known) => JSON.stringify(known) === key)) node.payloads.push(payload);
    lanes = Math.max(lanes, payload.lane + 1);
  }
  return { root, lanes };
}

function emptyNode<P>(): TrieNode<P> {
  return { exact: null, prefix: null, payloads: [] };
}

function exactChild<P>(node: TrieNode<P>, text: string): TrieNode<P> {
  node.exact ??= new Map();
  let child = node.exact.get(text);
  if (!child) {
    child = emptyNode();
    node.exact.set(text, child);
  }
  return child;
}

function prefixChild<P>(node: TrieNode<P>, stem: string): TrieNode<P> {
  node.prefix ??= new Map();
  const key = stem.slice(0, STEM_MIN);
  let bucket = node.prefix.get(key);
  if (!bucket) {
    bucket = [];
    node.prefix.set(key, bucket);
  }
  let entry = bucket.find((candidate) => candidate.stem === stem);
  if (!entry) {
    entry = { stem, node: emptyNode() };
    bucket.push(entry);
  }
  return entry.node;
}

/** The longest match so far per lane, for the start token being walked. */
interface Best<P> {
  end: Int32Array;
  node: Array<TrieNode<P> | null>;
}

/** Walks the trie from `node`, which was reached by consuming tokens up to `end`. */
function visit<P extends { lane: number }>(
  tokens: Tokens,
  to: number,
  node: TrieNode<P>,
  end: number,
  best: Best<P>,
): void {
  for (const payload of node.payloads) {
    if (end > (best.end[payload.lane] as number)) {
      best.end[payload.lane] = end;
      best.node[payload.lane] = node;
    }
  }
  if (end >= to || tokens.breaks[end] === 1) return;
  const next = tokens.norms[end] as string;
  const child = node.exact?.get(next);
  if (child) visit(tokens, to, child, end + 1, best);
  if (node.prefix && next.length >= STEM_MIN) {
    for (const entry of node.prefix.get(next.slice(0, STEM_MIN)) ?? []) {
      if (next.startsWith(entry.stem)) visit(tokens, to, entry.node, end + 1, best);
    }
  }
}

/**
 * All phrases of `trie` in tokens `[from, to)`, leftmost-longest per lane, sorted by start.
 * A phrase never spans a token that starts after a break (sentence end, ignored region). Pure.
 */
export function findPhrases<P extends { lane: number }>(
  tokens: Tokens,
  trie: PhraseTrie<P>,
  from = 0,
  to = tokens.count,
): PhraseMatch<P>[] {
  const matches: PhraseMatch<P>[] = [];
  const free = new Int32Array(trie.lanes).fill(from);
  const best: Best<P> = { end: new Int32Array(trie.lanes), node: new Array(trie.lanes).fill(null) };
  const { norms } = tokens;
  const root = trie.root;
  for (let i = from; i < to; i++) {
    const word = norms[i] as string;
    const exact = root.exact?.get(word);
    const stems =
      root.prefix && word.length >= STEM_MIN ? root.prefix.get(word.slice(0, STEM_MIN)) : undefined;
    if (!exact && !stems) continue;
    best.end.fill(-1);
    if (exact) visit(tokens, to, exact, i + 1, best);
    for (const entry of stems ?? [])
      if (word.startsWith(entry.stem)) visit(tokens, to, entry.node, i + 1, best);
    for (let lane = 0; lane < trie.lanes; lane++) {
      const end = best.end[lane] as number;
      const node = best.node[lane];
      if (end < 0 || !node || i < (free[lane] as number)) continue;
      free[lane] = end;
      for (const payload of node.payloads) {
        if (payload.lane === lane) matches.push({ start: i, end, payload });
      }
    }
  }
  return matches;
}

/** Token range `[from, to)` of the tokens lying inside the character span. Pure. */
export function tokenRange(tokens: Tokens, span: Span): { from: number; to: number } {
  return {
    from: firstTokenAtOrAfter(tokens, span.start),
    to: firstTokenAtOrAfter(tokens, span.end),
  };
}

function firstTokenAtOrAfter(tokens: Tokens, offset: number): number {
  let low = 0;
  let high = tokens.count;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((tokens.starts[mid] as number) < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}
