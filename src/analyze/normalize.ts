/**
 * The shared folding of the analysis stage. Text is cut into word tokens whose `norms` are
 * folded (NFKD without marks, lower case, œ → oe) while `starts`/`ends` point into the original
 * string, so matches are found on folded words and snippets are cut from the original text.
 *
 * Folding rules, and why:
 * - Apostrophes (’ ' ʼ ‘) and hyphens separate words; French elisions (l’, d’, qu’, jusqu’…)
 *   and the English possessive 's are dropped, so « l’UGAP », « d'UGAP » and "France's" match
 *   like « UGAP » and "France".
 * - Dotted acronyms (« U.G.A.P. ») and spaced capitals (« U G A P ») become one word.
 * - A word split by a hyphen at a line end (« héber-\ngement ») is joined again; other line
 *   breaks are plain spaces, so a long name wrapped over two lines still matches.
 * - Sentence punctuation, brackets, quotes and blank lines set a `break`: a phrase never spans
 *   two sentences or an ignored region.
 * - URLs and navigation lines (breadcrumbs, « À lire aussi » blocks, menus) are ignored: a
 *   term there is a link, not news (see `ignoredSpans`).
 *
 * Everything here is pure and reads no clock.
 */

import { Buffer } from 'node:buffer';

/** A half-open range `[start, end)` of UTF-16 offsets into the original text. */
export interface Span {
  start: number;
  end: number;
}

/** Word tokens of a text, as parallel arrays (cheap at megabytes of text). */
export interface Tokens {
  /** The original text the offsets refer to. */
  source: string;
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  /** Folded form of each token: lower case, no accents, ligatures expanded. */
  norms: string[];
  /** 1 when a sentence break or an ignored region lies between token i-1 and token i. */
  breaks: Uint8Array;
}

const WORD = 1;
/** Invisible characters (soft hyphen, zero-width joiners) that must not split a word. */
const TRANSPARENT = 2;
const CHAR_CLASS = buildCharClasses();
const BREAK_CHARS = codeTable([...'.!?;:()[]{}|«»"“”•·…>›<‹'].map((ch) => ch.charCodeAt(0)));
const APOSTROPHES = codeTable([0x27, 0x2019, 0x2bc, 0x2018, 0x60, 0xb4]);
const ELISIONS = new Set([
  'l',
  'd',
  'j',
  'm',
  'n',
  's',
  't',
  'c',
  'qu',
  'jusqu',
  'lorsqu',
  'puisqu',
  'quoiqu',
  'presqu',
]);
const MARKS = /[\p{M}\u00ad\u200b-\u200d\u2060\ufeff]/gu;
const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ĳ: 'ij' };
const LIGATURE_RE = /[œæßĳ]/g;
const foldCache = new Map<string, string>();
const MAX_CACHED_FOLD = 40;

/** A string that shares no storage with `text` (V8 cuts slices of 13+ characters as views). */
function flatCopy(text: string): string {
  return text.length >= 13 ? Array.from(text).join('') : text;
}

/** A 64K lookup table: a typed-array read is cheaper than a Set in the per-character loop. */
function codeTable(codes: readonly number[]): Uint8Array {
  const table = new Uint8Array(0x10000);
  for (const code of codes) table[code] = 1;
  return table;
}

function buildCharClasses(): Uint8Array {
  const classes = new Uint8Array(0x10000);
  const wordChar = /[\p{L}\p{N}\p{M}]/u;
  for (let code = 0; code < 0x10000; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    if (wordChar.test(String.fromCharCode(code))) classes[code] = WORD;
  }
  for (const code of [0xad, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]) classes[code] = TRANSPARENT;
  return classes;
}

/** Folds one word or phrase: NFKD without combining marks, lower case, ligatures expanded. Pure. */
export function fold(text: string): string {
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 127) {
      ascii = false;
      break;
    }
  }
  if (ascii) return text.toLowerCase();
  return foldWide(text);
}

/** `fold` for a string known to hold non-ASCII characters. */
function foldWide(text: string): string {
  const cached = foldCache.get(text);
  if (cached !== undefined) return cached;
  const folded = text
    .toLowerCase()
    .replace(LIGATURE_RE, (ch) => LIGATURES[ch] ?? ch)
    .normalize('NFKD')
    .replace(MARKS, '');
  // Memoised because the same accented words (« données », « santé ») recur in every article;
  // longer text (a title) rarely recurs. Kept as copies: a slice is a view that keeps the whole
  // string it was cut from alive (a feed document, here, for every word cached).
  if (text.length <= MAX_CACHED_FOLD && foldCache.size < 50_000)
    foldCache.set(flatCopy(text), flatCopy(folded));
  return folded;
}

// Interned words: the same few thousand words make up most articles, so a token is looked up
// by a hash computed while scanning it, compared in place, and its folded form reused. This
// saves a slice and a fold per token, and the shared norm strings keep their hash for the
// trie lookups that follow. Bounded: past the limit, new words are folded without being kept.
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const INTERN_SLOTS = 1 << 16;
const INTERN_LIMIT = 40_000;
const internHashes = new Int32Array(INTERN_SLOTS);
const internRaws: Array<string | undefined> = new Array(INTERN_SLOTS).fill(undefined);
const internNorms: string[] = new Array(INTERN_SLOTS).fill('');
let internCount = 0;

/** The folded form of `source[start, end)`, whose FNV-1a hash over UTF-16 units is `hash`. */
function internedNorm(
  source: string,
  units: Uint16Array,
  start: number,
  end: number,
  hash: number,
): string {
  const size = end - start;
  let slot = hash & (INTERN_SLOTS - 1);
  for (let raw = internRaws[slot]; raw !== undefined; raw = internRaws[slot]) {
    if (internHashes[slot] === hash && raw.length === size && sameText(raw, units, start)) {
      return internNorms[slot] as string;
    }
    slot = (slot + 1) & (INTERN_SLOTS - 1);
  }
  const raw = source.slice(start, end);
  const norm = fold(raw);
  if (internCount >= INTERN_LIMIT) return norm;
  // A long slice may be a view of the whole document: keep a copy, never the document.
  const kept = flatCopy(raw);
  internHashes[slot] = hash;
  internRaws[slot] = kept;
  internNorms[slot] = norm === raw ? kept : norm;
  internCount++;
  return norm;
}

function sameText(raw: string, units: Uint16Array, start: number): boolean {
  for (let k = 0; k < raw.length; k++) {
    if (raw.charCodeAt(k) !== units[start + k]) return false;
  }
  return true;
}

// The text's UTF-16 code units, copied natively into a reused typed array. The per-character
// loop reads them from there: `charCodeAt` in that loop ran two to three times slower once
// V8 had seen one-byte sliced strings (the YAML phrases compiled with the rules) in it.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
let unitScratch = new Uint16Array(1 << 13);
let unitBytes = Buffer.from(unitScratch.buffer);

/** `source`'s code units in `[0, source.length)` of a shared array (valid until the next call). */
function codeUnits(source: string): Uint16Array {
  if (source.length > unitScratch.length) {
    const units = new Uint16Array(source.length);
    if (source.length > SCRATCH_KEPT) return fillUnits(source, units, Buffer.from(units.buffer));
    unitScratch = units;
    unitBytes = Buffer.from(units.buffer);
  }
  return fillUnits(source, unitScratch, unitBytes);
}

function fillUnits(source: string, units: Uint16Array, bytes: Buffer): Uint16Array {
  if (LITTLE_ENDIAN) bytes.write(source, 0, 'utf16le');
  else for (let k = 0; k < source.length; k++) units[k] = source.charCodeAt(k);
  return units;
}

/**
 * Cuts `source` into folded word tokens, skipping `ignored` spans (sorted, non-overlapping;
 * see `ignoredSpans`). Pure; linear in the length of the text.
 */
export function tokenize(source: string, ignored: readonly Span[] = []): Tokens {
  const { starts, ends, breaks } = scratchFor(source.length);
  const units = codeUnits(source);
  const norms: string[] = [];
  let count = 0;
  let pendingBreak = 1;
  let newlines = 0;
  let region = 0;
  let nextIgnored = startOf(ignored, 0);
  const length = source.length;
  let i = 0;
  while (i < length) {
    if (i >= nextIgnored) {
      i = Math.max(i, ignored[region]?.end ?? i);
      region++;
      nextIgnored = startOf(ignored, region);
      pendingBreak = 1;
      continue;
    }
    const code = units[i] as number;
    if (CHAR_CLASS[code] !== WORD) {
      if (code === 10) {
        if (++newlines >= 2) pendingBreak = 1;
      } else if (code !== 32 && code !== 9 && code !== 13 && code !== 0xa0) {
        newlines = 0;
        if (BREAK_CHARS[code] === 1) pendingBreak = 1;
      }
      i++;
      continue;
    }
    const start = i;
    let hash = Math.imul(FNV_OFFSET ^ code, FNV_PRIME);
    let j = i + 1;
    const stop = Math.min(length, nextIgnored);
    while (j < stop) {
      const next = units[j] as number;
      if (CHAR_CLASS[next] === 0) break;
      hash = Math.imul(hash ^ next, FNV_PRIME);
      j++;
    }
    const norm = internedNorm(source, units, start, j, hash);
    i = j;
    if (isElided(units, length, norm, start, j)) continue;
    starts[count] = start;
    ends[count] = j;
    breaks[count] = pendingBreak;
    norms.push(norm);
    count++;
    pendingBreak = 0;
    newlines = 0;
  }
  const tokens: Tokens = {
    source,
    count,
    starts: starts.slice(0, count),
    ends: ends.slice(0, count),
    norms,
    breaks: breaks.slice(0, count),
  };
  return joinSplitWords(tokens);
}

// Token arrays are filled in scratch space sized for the worst case (tokens are separated by
// at least one character, so at most half the length plus one) and copied out at their exact
// size: one allocation per array instead of a guess, regrowths and views. Documents longer
// than the kept scratch get their own.
const SCRATCH_KEPT = 1 << 17;
let scratch = scratchArrays(4096);

function scratchArrays(size: number): { starts: Int32Array; ends: Int32Array; breaks: Uint8Array } {
  return { starts: new Int32Array(size), ends: new Int32Array(size), breaks: new Uint8Array(size) };
}

function scratchFor(length: number): typeof scratch {
  const bound = (length >> 1) + 1;
  if (bound <= scratch.starts.length) return scratch;
  if (bound > SCRATCH_KEPT) return scratchArrays(bound);
  scratch = scratchArrays(Math.min(SCRATCH_KEPT, Math.max(bound, scratch.starts.length * 2)));
  return scratch;
}

/** Start of the ignored span at `index`, or +∞ past the last one (read without going out of bounds). */
function startOf(ignored: readonly Span[], index: number): number {
  return index < ignored.length ? (ignored[index] as Span).start : Number.POSITIVE_INFINITY;
}

/** French elision before an apostrophe (« l’ », « qu’ »), or the English possessive `'s`. */
function isElided(
  units: Uint16Array,
  length: number,
  norm: string,
  start: number,
  end: number,
): boolean {
  // The apostrophe test first: it is one table read, and most words are not followed by one.
  // Reads stay inside the text: `units` holds stale code units past `length`.
  if (
    end + 1 < length &&
    APOSTROPHES[units[end] as number] === 1 &&
    norm.length <= 7 &&
    ELISIONS.has(norm)
  ) {
    return CHAR_CLASS[units[end + 1] as number] === WORD;
  }
  return (
    norm === 's' &&
    start > 1 &&
    APOSTROPHES[units[start - 1] as number] === 1 &&
    CHAR_CLASS[units[start - 2] as number] === WORD
  );
}

/**
 * Second pass for the rare joins: dotted acronyms (« U.G.A.P. »), spaced capitals
 * (« U G A P », three letters or more) and words hyphenated at a line end. Compacts in place.
 */
function joinSplitWords(tokens: Tokens): Tokens {
  const { source, starts, ends, norms, breaks } = tokens;
  // Most texts have no join at all: find the first one before rewriting anything.
  let k = firstJoin(tokens);
  if (k === tokens.count) return tokens;
  let out = k;
  while (k < tokens.count) {
    let end = ends[k] as number;
    let norm = norms[k] as string;
    let next = k + 1;
    if (isLetter(norm)) {
      next = joinAcronym(tokens, k);
      if (next > k + 1) {
        norm = norms.slice(k, next).join('');
        end = ends[next - 1] as number;
      }
    }
    while (
      next < tokens.count &&
      source.charCodeAt(end) === 45 &&
      isLineEndHyphen(source, end, starts[next] as number)
    ) {
      norm += norms[next];
      end = ends[next] as number;
      next++;
    }
    starts[out] = starts[k] as number;
    ends[out] = end;
    breaks[out] = breaks[k] as number;
    norms[out] = norm;
    out++;
    k = next;
  }
  norms.length = out;
  return {
    source,
    count: out,
    starts: starts.subarray(0, out),
    ends: ends.subarray(0, out),
    norms,
    breaks: breaks.subarray(0, out),
  };
}

/** Index of the first token that starts an acronym or ends with a line-end hyphen (or `count`). */
function firstJoin(tokens: Tokens): number {
  const { source, starts, ends, norms, count } = tokens;
  for (let k = 0; k < count; k++) {
    if (isLetter(norms[k]) && joinAcronym(tokens, k) > k + 1) return k;
    const end = ends[k] as number;
    if (
      k + 1 < count &&
      source.charCodeAt(end) === 45 &&
      isLineEndHyphen(source, end, starts[k + 1] as number)
    )
      return k;
  }
  return count;
}

/** Index after the acronym starting at token k (k + 1 when there is none). */
function joinAcronym(tokens: Tokens, k: number): number {
  const { source, starts, ends, norms } = tokens;
  let next = k + 1;
  let dotted = true;
  let spaced = isUpperAscii(source.charCodeAt(starts[k] as number));
  while (next < tokens.count && isLetter(norms[next]) && (dotted || spaced)) {
    const gap = source.slice(ends[next - 1], starts[next]);
    dotted &&= gap === '.' || gap === '. ';
    spaced &&= gap === ' ' && isUpperAscii(source.charCodeAt(starts[next] as number));
    if (!dotted && !spaced) break;
    next++;
  }
  const letters = next - k;
  if (dotted && letters >= 2) return next;
  if (spaced && letters >= 3) return next;
  return k + 1;
}

function isLetter(norm: string | undefined): boolean {
  if (norm?.length !== 1) return false;
  const code = norm.charCodeAt(0);
  return code >= 97 && code <= 122;
}

function isUpperAscii(code: number): boolean {
  return code >= 65 && code <= 90;
}

function isLineEndHyphen(source: string, from: number, to: number): boolean {
  const gap = source.slice(from, to);
  return /^-[ \t]*\r?\n[ \t]*$/.test(gap) && CHAR_CLASS[source.charCodeAt(to)] === WORD;
}

const URL_RE =
  /\b(?:https?:\/\/|www\.)[^\s<>"'«»]+|\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.(?:fr|com|org|net|eu|io|info|be|ch|de|uk|co|tech|news|cloud|health)\b(?:\/[^\s<>"'«»]*)?/gi;
const RELATED_LABEL_RE =
  /[ \t]*(?:[-•*·>][ \t]*)?(?:(?:à|a)\s+lire\s+(?:aussi|également)|lire\s+(?:aussi|également)|à\s+voir\s+aussi|voir\s+aussi|sur\s+le\s+même\s+(?:sujet|thème)|dans\s+la\s+même\s+rubrique|articles?\s+(?:liés|similaires|connexes|recommandés)|nos\s+derniers\s+articles|read\s+(?:more|also|next)|related(?:\s+(?:articles?|posts?|stories|content))?|see\s+also|more\s+on\s+this(?:\s+topic)?|tags?|mots[- ]clés|partager(?:\s+(?:sur|cet\s+article))?|share\s+this)\b[^\n]*/iy;
const BREADCRUMB_RE = /[ \t]*(?:accueil|home)[ \t]*[>›»/|]/iy;

/**
 * Spans of `source` whose words must not count: URLs (with or without scheme, bare domains
 * such as `ugap.fr`), breadcrumb trails (« Accueil > Santé > … », the last crumb too unless it runs on as text),
 * « À lire aussi » / "Related" lines with the short lines that follow them up to a blank line,
 * and menu lines made of four or more short items separated by `|`. Sorted, merged. Pure.
 */
export function ignoredSpans(source: string): Span[] {
  const spans: Span[] = urlSpans(source);
  for (let start = 0; start < source.length; ) {
    const newline = source.indexOf('\n', start);
    const end = newline < 0 ? source.length : newline;
    navigationSpan(source, start, end, spans);
    start = end + 1;
  }
  spans.push(...menuLines(source));
  return mergeSpans(spans);
}

/**
 * The matches of `URL_RE` in `source`, without running it over all the text. A match holds
 * no white space, and holds « :// » or a « . » followed by something other than a space
 * (« www.x », « x.fr »). So it lies inside one run of non-space characters holding such an
 * anchor, and the pattern run on that run alone finds what it finds there in the whole text:
 * white space around a run reads like the ends of a string to `\b` and `[^\s…]`.
 */
function urlSpans(source: string): Span[] {
  const spans: Span[] = [];
  let covered = 0;
  let dot = dotAnchor(source, 0);
  let scheme = source.indexOf('://');
  while (dot >= 0 || scheme >= 0) {
    const anchor = dot < 0 ? scheme : scheme < 0 ? dot : Math.min(dot, scheme);
    let start = anchor;
    while (start > 0 && !isSpace(source.charCodeAt(start - 1))) start--;
    let end = anchor;
    while (end < source.length && !isSpace(source.charCodeAt(end))) end++;
    const run = source.slice(start, end);
    URL_RE.lastIndex = 0;
    for (let match = URL_RE.exec(run); match; match = URL_RE.exec(run)) {
      spans.push({ start: start + match.index, end: start + match.index + match[0].length });
    }
    covered = end;
    if (dot >= 0 && dot < covered) dot = dotAnchor(source, covered);
    if (scheme >= 0 && scheme < covered) scheme = source.indexOf('://', covered);
  }
  return spans;
}

/** The next « . » at or after `from` followed by a character that is not white space, or -1. */
function dotAnchor(source: string, from: number): number {
  for (let at = source.indexOf('.', from); at >= 0; at = source.indexOf('.', at + 1)) {
    if (at + 1 < source.length && !isSpace(source.charCodeAt(at + 1))) return at;
  }
  return -1;
}

/** White space that `\s` also matches (a subset is enough to cut runs where no URL spans). */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0;
}

/** Adds the navigation part of the line `[start, end)`, if any (breadcrumb or related links). */
function navigationSpan(source: string, start: number, end: number, spans: Span[]): void {
  BREADCRUMB_RE.lastIndex = start;
  const crumb = BREADCRUMB_RE.exec(source);
  if (crumb) {
    const line = source.slice(start, end);
    const last = Math.max(line.lastIndexOf('>'), line.lastIndexOf('›'), line.lastIndexOf('»'));
    // A short last crumb is navigation too; a long one is the headline run into the text.
    const cut = line.length - last <= 80 ? line.length : last + 1;
    if (last > 0) spans.push({ start, end: start + cut });
    return;
  }
  RELATED_LABEL_RE.lastIndex = start;
  const related = RELATED_LABEL_RE.exec(source);
  if (related) spans.push({ start, end: relatedBlockEnd(source, start, source.slice(start, end)) });
}

/** A label line alone (« À lire aussi ») heads a block of short link lines ending at a blank line. */
function relatedBlockEnd(source: string, start: number, line: string): number {
  let end = start + line.length;
  if (line.trim().length > 40) return end;
  while (end < source.length) {
    const lineStart = end + 1;
    if (source.charCodeAt(end) !== 10) break;
    const lineEnd = source.indexOf('\n', lineStart);
    const stop = lineEnd < 0 ? source.length : lineEnd;
    const text = source.slice(lineStart, stop).trim();
    if (text === '' || text.length > 160 || /[.!?]$/.test(text)) break;
    end = stop;
  }
  return end;
}

function menuLines(source: string): Span[] {
  const spans: Span[] = [];
  let from = source.indexOf(' | ');
  while (from >= 0) {
    const start = source.lastIndexOf('\n', from) + 1;
    const newline = source.indexOf('\n', from);
    const end = newline < 0 ? source.length : newline;
    const items = source.slice(start, end).split(' | ');
    if (items.length >= 4 && items.every((item) => item.trim().length <= 40)) {
      spans.push({ start, end });
    }
    from = source.indexOf(' | ', end);
  }
  return spans;
}

function mergeSpans(spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

const ABBREVIATIONS = new Set([
  'm',
  'mm',
  'mme',
  'mmes',
  'mlle',
  'dr',
  'pr',
  'me',
  'st',
  'ste',
  'art',
  'cf',
  'p',
  'pp',
  'n',
  'no',
  'vol',
  'etc',
  'env',
  'av',
  'bd',
  'mr',
  'mrs',
  'ms',
  'vs',
  'e.g',
  'i.e',
  'fig',
  'ch',
]);
const TERMINATORS = new Set([...'.!?…'].map((ch) => ch.charCodeAt(0)));
const CLOSERS = new Set([...'"»”’)]'].map((ch) => ch.charCodeAt(0)));

/**
 * The sentence of `source` containing `[start, end)`, looking at most `limit` characters each
 * way. A sentence ends at . ! ? … followed by a capital (not after an abbreviation or an
 * initial), at a blank line, or at a line break after punctuation or before a capital or a
 * bullet (titles and list items have no full stop). Pure.
 */
export function sentenceAround(source: string, start: number, end: number, limit = 400): Span {
  const floor = Math.max(0, start - limit);
  let from = floor;
  for (let p = start - 1; p >= floor; p--) {
    if (isBoundaryAt(source, p)) {
      from = p + 1;
      break;
    }
  }
  const ceiling = Math.min(source.length, end + limit);
  let to = ceiling;
  for (let p = end; p < ceiling; p++) {
    if (isBoundaryAt(source, p)) {
      to = source.charCodeAt(p) === 10 ? p : p + 1;
      while (to < source.length && CLOSERS.has(source.charCodeAt(to))) to++;
      break;
    }
  }
  while (from < to && /\s/.test(source.charAt(from))) from++;
  while (to > from && /\s/.test(source.charAt(to - 1))) to--;
  return { start: from, end: to };
}

/** Whether a sentence ends at offset p (the terminator or the line break itself). */
function isBoundaryAt(source: string, p: number): boolean {
  const code = source.charCodeAt(p);
  if (code === 10) {
    const before = previousNonSpace(source, p);
    if (before < 0 || source.charCodeAt(before) === 10) return true;
    const after = nextNonSpace(source, p + 1);
    if (after < 0 || source.charCodeAt(after) === 10) return true;
    const last = source.charCodeAt(before);
    return (
      TERMINATORS.has(last) ||
      last === 58 ||
      CLOSERS.has(last) ||
      startsLikeSentence(source.charAt(after))
    );
  }
  if (!TERMINATORS.has(code)) return false;
  let q = p + 1;
  while (q < source.length && CLOSERS.has(source.charCodeAt(q))) q++;
  if (q < source.length && !/\s/.test(source.charAt(q))) return false;
  const after = nextNonSpace(source, q);
  if (after >= 0 && !startsLikeSentence(source.charAt(after))) return false;
  if (code !== 46) return true;
  const wordStart = wordStartBefore(source, p);
  const word = source.slice(wordStart, p);
  if (word.length === 1 && word !== word.toLowerCase()) return false;
  return !ABBREVIATIONS.has(fold(word));
}

function startsLikeSentence(ch: string): boolean {
  return ch !== ch.toLowerCase() || /[\d«"“•\-–—*([]/.test(ch);
}

function previousNonSpace(source: string, p: number): number {
  let q = p - 1;
  while (
    q >= 0 &&
    (source.charCodeAt(q) === 32 || source.charCodeAt(q) === 9 || source.charCodeAt(q) === 13)
  )
    q--;
  return q;
}

function nextNonSpace(source: string, p: number): number {
  let q = p;
  while (q < source.length && /[ \t\r\u00a0]/.test(source.charAt(q))) q++;
  return q < source.length ? q : -1;
}

function wordStartBefore(source: string, p: number): number {
  let q = p;
  while (q > 0 && CHAR_CLASS[source.charCodeAt(q - 1)] === WORD) q--;
  return q;
}
