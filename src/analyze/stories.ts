/**
 * Grouping articles about the same event into stories. Pure: no clock, no store.
 *
 * Two signals, because outlets rarely share text but syndicated copies share almost all of it:
 * - the text: a MinHash signature of word 3-shingles estimates the Jaccard similarity of two
 *   bodies cheaply; ≥ 0.5 is the same text (a wire story, a syndicated copy);
 * - what the articles are about: the content words of their titles, the named actors and the
 *   amounts they cite. Ten outlets writing on the Health Data Hub's new host share the
 *   provider's name and usually the contract amount, not their sentences.
 * Both only count within a time window (default 72 h): the HDH changes host more than once.
 *
 * Actors are not equal evidence: the watched subjects themselves and the institutions and
 * vendor around them (ANSSI, CNIL, Microsoft…) are named in most of our articles, so sharing
 * them says little; sharing a provider or an integrator says much more (`BACKGROUND_ACTORS`).
 *
 * The rule (`sameStory`), most to least certain — measured on tests/fixtures/stories/pairs.jsonl:
 *   same text (≥ 0.5) → same story;
 *   near-identical titles (≥ 0.7) → same story;
 *   a shared amount (≥ 100 k€) and a shared actor or related titles (≥ 0.15) → same story;
 *   two shared distinctive actors → same story;
 *   one shared distinctive actor and related titles (≥ 0.25) or overlapping text (≥ 0.05) →
 *   same story;
 *   related titles (≥ 0.3) and two shared actors of any kind → same story.
 */
import { fold, tokenize } from './normalize.ts';

export const DEFAULT_STORY_WINDOW_MS = 72 * 3_600_000;

const HASHES = 64;
const BANDS = 16;
const ROWS = HASHES / BANDS;
const SHINGLE = 3;

/** What story grouping reads of an article. */
export interface StoryInput {
  id: number;
  title: string;
  text: string;
  /** Milliseconds since the epoch (publication, else first seen). */
  at: number;
  /** Entity ids (e.g. `ovhcloud`, `anssi`). */
  entities: readonly string[];
  /** Amounts in euros. */
  amounts: readonly number[];
}

/** An article reduced to what comparisons need; `signature` can be stored and reloaded. */
export interface StoryKey {
  id: number;
  at: number;
  signature: Uint32Array;
  titleWords: ReadonlySet<string>;
  entities: ReadonlySet<string>;
  amounts: ReadonlySet<number>;
}

// Function words: every French article shares « de la », « il y a », so shingles and title
// comparisons skip them and only content words say which event a text is about.
const FUNCTION_WORDS = new Set(
  (
    'le la les un une des du de d l au aux et ou en sur pour par dans avec sans sous vers chez ' +
    'son sa ses leur leurs ce cet cette ces ca il elle ils elles on nous vous je se qui que quoi ' +
    'dont ne pas plus moins tres aussi deja encore apres avant entre face contre selon comme ' +
    'est sont a ont etait sera seront ete etre avoir fait font va vont peut doit y si mais donc ' +
    'or ni car tout tous toute toutes autre autres meme lors depuis pendant ainsi alors ' +
    'the a an of to in on for with and or by from at as is are was were be been its it this that ' +
    'these those has have had will would can could not but'
  ).split(' '),
);
// Headline words that do not tell one event from another.
const TITLE_STOPWORDS = new Set([
  ...FUNCTION_WORDS,
  ...'comment pourquoi nouveau nouvelle nouveaux nouvelles premier premiere annonce lance officiel new how why'.split(
    ' ',
  ),
]);

// Seeds of the MinHash family h_i(x) = (a_i * x + b_i) mod 2^32, fixed so signatures are stable.
const SEEDS_A = new Uint32Array(HASHES);
const SEEDS_B = new Uint32Array(HASHES);
{
  let state = 0x9e3779b9;
  const next = () => {
    state = Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) >>> 0;
    state = Math.imul(state ^ (state >>> 12), 0x297a2d39) >>> 0;
    return (state ^ (state >>> 15)) >>> 0;
  };
  for (let i = 0; i < HASHES; i += 1) {
    SEEDS_A[i] = next() | 1;
    SEEDS_B[i] = next();
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** MinHash signature of the 3-shingles of the content words of `text` (folded like the matchers fold). Pure. */
export function minhashSignature(text: string): Uint32Array {
  const words = tokenize(text).norms.filter((word) => !FUNCTION_WORDS.has(word));
  const signature = new Uint32Array(HASHES).fill(0xffffffff);
  const shingles = new Set<number>();
  for (let i = 0; i + SHINGLE <= words.length; i += 1)
    shingles.add(fnv1a(`${words[i]} ${words[i + 1]} ${words[i + 2]}`));
  if (shingles.size === 0 && words.length > 0) shingles.add(fnv1a(words.join(' ')));
  for (const shingle of shingles)
    for (let i = 0; i < HASHES; i += 1) {
      const value = (Math.imul(SEEDS_A[i] as number, shingle) + (SEEDS_B[i] as number)) >>> 0;
      if (value < (signature[i] as number)) signature[i] = value;
    }
  return signature;
}

/** The content words of a title: folded, without stop words and one-letter words. Pure. */
export function titleWords(title: string): Set<string> {
  return new Set(
    fold(title)
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word.length > 1 && !TITLE_STOPWORDS.has(word)),
  );
}

/** Reduces an article to its comparison key. Pure. */
export function storyKey(input: StoryInput, signature = minhashSignature(input.text)): StoryKey {
  return {
    id: input.id,
    at: input.at,
    signature,
    titleWords: titleWords(input.title),
    entities: new Set(input.entities),
    amounts: new Set(input.amounts.filter((eur) => eur > 0)),
  };
}

/** Estimated Jaccard similarity of two texts from their signatures. Pure. */
export function textSimilarity(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let i = 0; i < HASHES; i += 1) if (a[i] === b[i] && a[i] !== 0xffffffff) equal += 1;
  return equal / HASHES;
}

function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared += 1;
  return shared / (a.size + b.size - shared);
}

// Actors named in most articles about the watched subjects: sharing them is weak evidence.
const BACKGROUND_ACTORS = new Set([
  'health-data-hub',
  'ugap',
  'anssi',
  'cnil',
  'microsoft',
  'ministere-sante',
  'assurance-maladie',
  'commission-europeenne',
]);
// Below this, "amounts" are prices and fees (« 1 € par mois ») that many articles share.
const MIN_STORY_AMOUNT = 100_000;

/** Whether two articles tell the same story (see the module comment for the rule). Pure. */
export function sameStory(a: StoryKey, b: StoryKey, windowMs = DEFAULT_STORY_WINDOW_MS): boolean {
  if (Math.abs(a.at - b.at) > windowMs) return false;
  const text = textSimilarity(a.signature, b.signature);
  if (text >= 0.5) return true;
  const title = jaccard(a.titleWords, b.titleWords);
  if (title >= 0.7) return true;
  let actors = 0;
  let distinctive = 0;
  for (const entity of a.entities)
    if (b.entities.has(entity)) {
      actors += 1;
      if (!BACKGROUND_ACTORS.has(entity)) distinctive += 1;
    }
  let amount = false;
  for (const eur of a.amounts) if (eur >= MIN_STORY_AMOUNT && b.amounts.has(eur)) amount = true;
  if (amount && (actors >= 1 || title >= 0.15)) return true;
  if (distinctive >= 2) return true;
  if (distinctive === 1 && (title >= 0.25 || text >= 0.05)) return true;
  return title >= 0.3 && actors >= 2;
}

/**
 * Groups keys into stories (lists of ids, each sorted by time then id). Candidate pairs come
 * from MinHash bands and rare shared title words, distinctive actors and amounts, so 10k
 * articles do not cost 50M comparisons.
 * Pure.
 */
export function clusterStories(
  keys: readonly StoryKey[],
  windowMs = DEFAULT_STORY_WINDOW_MS,
): number[][] {
  const parent = keys.map((_, index) => index);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] as number;
    while (parent[i] !== root) {
      const next = parent[i] as number;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  const buckets = new Map<string, number[]>();
  keys.forEach((key, index) => {
    for (let band = 0; band < BANDS; band += 1)
      push(
        buckets,
        `b${band}:${key.signature.slice(band * ROWS, band * ROWS + ROWS).join(',')}`,
        index,
      );
    for (const word of key.titleWords) push(buckets, `w:${word}`, index);
    for (const entity of key.entities)
      if (!BACKGROUND_ACTORS.has(entity)) push(buckets, `e:${entity}`, index);
    for (const eur of key.amounts) if (eur >= MIN_STORY_AMOUNT) push(buckets, `m:${eur}`, index);
  });
  // A title word shared by hundreds of articles ("cloud") is no evidence of anything.
  const maxBucket = Math.max(50, Math.ceil(Math.sqrt(keys.length)) * 4);
  for (const members of buckets.values()) {
    if (members.length < 2 || members.length > maxBucket) continue;
    for (let i = 0; i < members.length; i += 1)
      for (let j = i + 1; j < members.length; j += 1) {
        const a = members[i] as number;
        const b = members[j] as number;
        if (find(a) !== find(b) && sameStory(keys[a] as StoryKey, keys[b] as StoryKey, windowMs))
          parent[find(a)] = find(b);
      }
  }
  const groups = new Map<number, StoryKey[]>();
  for (const [index, key] of keys.entries()) push(groups, find(index), key);
  return [...groups.values()].map((group) =>
    group.sort((a, b) => a.at - b.at || a.id - b.id).map((key) => key.id),
  );
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
