/**
 * The vocabulary search expands prefixes from: `search_terms` holds the indexed words longer
 * than `SHORT_WORD` characters, folded as the FTS index folds them (migration 4 fills it from
 * the index; every saved article adds its new words). FTS5 answers `word*` by merging the
 * doclists of every matching term over the whole index; reading the few words a prefix starts
 * from this table and asking for them exactly is what keeps a prefix query in the milliseconds.
 */
import type { Statement } from 'better-sqlite3';
import { type Db, statement } from './db.ts';

/** Words of this length or less are not in the vocabulary: a prefix is at least 3 characters. */
export const SHORT_WORD = 3;
/** A prefix that starts more indexed words than this is left to FTS5 (`word*`). */
export const MAX_PREFIX_EXPANSION = 64;

/** A word as the index folds it (`unicode61 remove_diacritics 2`): lower case, no accents. Pure. */
export function foldWord(word: string): string {
  const lower = word.toLowerCase();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, not a control character
  return /[^\u0000-\u007f]/.test(lower) ? lower.normalize('NFD').replace(/\p{M}+/gu, '') : lower;
}

/**
 * What each UTF-16 code unit adds to a word's key, filled on first sight: -1 not seen yet, 0 a
 * separator, else the lower-cased code unit, plus `LETTER_BIT` for anything but a digit.
 */
const charKeys = new Int32Array(0x10000).fill(-1);
const LETTER_BIT = 0x10000;

function charKey(code: number): number {
  const char = String.fromCharCode(code);
  let key: number;
  if (code >= 0x30 && code <= 0x39) key = code;
  else if (code >= 0xd800 && code <= 0xdfff)
    // Half of a character outside the BMP (a rare letter or an emoji): kept in the word, it only
    // adds a candidate the index re-tokenizes.
    key = code | LETTER_BIT;
  else if (/[\p{L}\p{N}\p{M}]/u.test(char)) {
    const lower = char.toLowerCase();
    key = (lower.length === 1 ? lower.charCodeAt(0) : code) | LETTER_BIT;
  } else key = 0;
  charKeys[code] = key;
  return key;
}

/**
 * A set of 62-bit word keys (two 31-bit hashes) in open addressing over typed arrays: looking a
 * word up allocates nothing.
 */
export class WordKeys {
  private first = new Int32Array(1 << 12);
  private second = new Int32Array(1 << 12);
  size = 0;

  /** Adds a key; false when it was already there. */
  add(a: number, b: number): boolean {
    // A stored second half is never 0, so 0 marks an empty slot.
    const tag = b | 1;
    let mask = this.first.length - 1;
    let slot = a & mask;
    while (this.second[slot] !== 0) {
      if (this.first[slot] === a && this.second[slot] === tag) return false;
      slot = (slot + 1) & mask;
    }
    this.first[slot] = a;
    this.second[slot] = tag;
    this.size += 1;
    if (this.size * 2 > this.first.length) {
      const [first, second] = [this.first, this.second];
      this.first = new Int32Array(first.length * 2);
      this.second = new Int32Array(first.length * 2);
      mask = this.first.length - 1;
      for (let old = 0; old < first.length; old += 1) {
        if (second[old] === 0) continue;
        let fresh = (first[old] as number) & mask;
        while (this.second[fresh] !== 0) fresh = (fresh + 1) & mask;
        this.first[fresh] = first[old] as number;
        this.second[fresh] = second[old] as number;
      }
    }
    return true;
  }

  clear(): void {
    this.first = new Int32Array(1 << 12);
    this.second = new Int32Array(1 << 12);
    this.size = 0;
  }
}

/**
 * The words of `text` the vocabulary needs (longer than 3 characters, not numbers) whose key is
 * not in `known`, folded, each once; their keys are added to `known`. A key is a 62-bit hash of
 * the lower-cased word computed while scanning, so a known word costs no string at all and the
 * whole text of an article is scanned in microseconds. Two words sharing a key (odds of about
 * one in 10^13 per new word on a large vocabulary) would leave the second out of it.
 */
export function newVocabularyWords(text: string, known: WordKeys): string[] {
  const fresh: string[] = [];
  const end = text.length;
  let i = 0;
  while (i < end) {
    let key = charKeys[text.charCodeAt(i)] as number;
    if (key < 0) key = charKey(text.charCodeAt(i));
    if (key === 0) {
      i += 1;
      continue;
    }
    const start = i;
    let letters = 0;
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    while (true) {
      letters |= key;
      const unit = key & 0xffff;
      h1 = Math.imul(h1 ^ unit, 0x01000193);
      h2 = Math.imul(h2 ^ unit, 0x5bd1e995);
      h2 ^= h2 >>> 15;
      i += 1;
      if (i === end) break;
      key = charKeys[text.charCodeAt(i)] as number;
      if (key < 0) key = charKey(text.charCodeAt(i));
      if (key === 0) break;
    }
    if (letters < LETTER_BIT || i - start <= SHORT_WORD) continue;
    if (known.add(h1 & 0x7fffffff, h2 & 0x7fffffff)) fresh.push(foldWord(text.slice(start, i)));
  }
  return fresh.length > 1 ? [...new Set(fresh)] : fresh;
}

const withoutVocabulary = new WeakSet<Db>();

/**
 * The indexed words longer than `prefix` that start with it (folded), or null when the
 * vocabulary is missing (a database read before migration 4) or holds more than
 * `MAX_PREFIX_EXPANSION` of them.
 */
export function prefixWords(db: Db, prefix: string): string[] | null {
  if (withoutVocabulary.has(db)) return null;
  let rows: { term: string }[];
  try {
    rows = statement(
      db,
      'SELECT term FROM search_terms WHERE term > @prefix AND term < @end ORDER BY term LIMIT @cap',
    ).all({ prefix, end: `${prefix}\u{10ffff}`, cap: MAX_PREFIX_EXPANSION + 1 }) as {
      term: string;
    }[];
  } catch (error) {
    if (!/no such table/.test((error as Error).message)) throw error;
    withoutVocabulary.add(db);
    return null;
  }
  return rows.length > MAX_PREFIX_EXPANSION ? null : rows.map((row) => row.term);
}

interface VocabularyCache {
  /** Keys of the words known to be in `search_terms` (see `newVocabularyWords`). */
  known: WordKeys;
  /** `max(id)` of `search_terms` after this connection's last look or write. */
  last: number;
}

const vocabularies = new WeakMap<Db, VocabularyCache>();
/** Past this many cached words the cache starts over (a few MB at most). */
const VOCABULARY_CACHE = 500_000;

/**
 * Adds the article's new words to `search_terms`, the vocabulary search expands prefixes from.
 * Nearly every word of an article is already there: a per-connection cache of known words
 * keeps the cost to a scan of the text, and only new words are written. The table only grows
 * (append-only ids), so a lower `max(id)` than this connection last saw means a rollback undid
 * some of its writes (a higher one, another writer): the cache is then dropped, never trusted.
 */
export function recordVocabulary(db: Db, title: string, text: string): void {
  let cache = vocabularies.get(db);
  if (!cache) {
    cache = { known: new WordKeys(), last: -1 };
    vocabularies.set(db, cache);
  }
  let lastId: Statement;
  try {
    lastId = statement(db, 'SELECT coalesce(max(id), 0) AS n FROM search_terms');
  } catch (error) {
    // A schema before migration 4 (which fills the table from the index when it runs).
    if (/no such table/.test((error as Error).message)) return;
    throw error;
  }
  const last = (lastId.get() as { n: number }).n;
  if (last !== cache.last || cache.known.size > VOCABULARY_CACHE) cache.known.clear();
  cache.last = last;
  const fresh = newVocabularyWords(title, cache.known);
  fresh.push(...newVocabularyWords(text, cache.known));
  if (fresh.length === 0) return;
  statement(db, 'INSERT OR IGNORE INTO search_terms (term) SELECT value FROM json_each(?)').run(
    JSON.stringify(fresh),
  );
  cache.last = (lastId.get() as { n: number }).n;
}
