/**
 * The analysis rules: zod schemas of `feeds/watchlist.yml`, `feeds/topics.yml` and
 * `feeds/entities.yml` (strict objects, so a misspelt key fails and the error names it), and
 * `compileRules`, which turns the validated files into one phrase trie plus the per-term and
 * per-topic settings the matchers read. Pure: reading the files is `load.ts`'s job.
 */
import { z } from 'zod';
import { compilePhrases, type PhraseTrie, phraseProblem, phraseWords } from './phrases.ts';
import { TERM_IDS, type TermId, TOPIC_IDS, type TopicId } from './types.ts';

const phrase = z
  .string()
  .trim()
  .min(1)
  .superRefine((value, ctx) => {
    const problem = phraseProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const phrases = z.array(phrase);

const guardedFormsSchema = z.strictObject({
  forms: phrases.min(1),
  /** What else these forms mean: the reason they only count under the conditions below. */
  why: z.string().min(1),
  /** When set, the forms count only if one of these holds. */
  requires: z
    .strictObject({
      /** An unconditional form of the same term appears somewhere in the document. */
      namedInDocument: z.boolean().default(false),
      /** One of these phrases is in the same sentence. */
      near: phrases.default([]),
    })
    .optional(),
  /** Never counts when one of these phrases is in the same sentence. */
  unlessNear: phrases.default([]),
  /** Never counts right after these words (« un », "regional"). */
  notAfter: phrases.default([]),
  /** Never counts right before these words (« régional »). */
  notBefore: phrases.default([]),
});

const descriptionSchema = z.strictObject({
  why: z.string().min(1),
  /** One phrase of every group must be in the same sentence; the first group's is marked. */
  allOf: z.array(phrases.min(1)).min(2),
});

const termSchema = z.strictObject({
  name: z.string().min(1),
  /** Forms that mean the term wherever they appear (outside URLs and navigation). */
  forms: phrases.min(1),
  guarded: z.array(guardedFormsSchema).default([]),
  descriptions: z.array(descriptionSchema).default([]),
});

/** `feeds/watchlist.yml`: how each watch term is written, and when a look-alike is not it. */
export const watchlistSchema = z.strictObject({
  terms: z.record(z.enum(TERM_IDS), termSchema),
});

const cueSchema = z.strictObject({
  weight: z.number(),
  /** Variants of one cue: repeats of any of them are damped together. */
  phrases: phrases.min(1),
});

const topicSchema = z.strictObject({
  label: z.string().min(1),
  /** The score a topic needs to be reported. */
  threshold: z.number().positive(),
  cues: z.array(cueSchema).min(1),
  /** Evidence from watch terms: added once when the term is found. */
  terms: z.partialRecord(z.enum(TERM_IDS), z.number()).default({}),
  /** Added per money amount found (at most `maxAmounts`). */
  amounts: z.number().default(0),
});

/** `feeds/topics.yml`: weighted cues per topic, position weights and the decision rule. */
export const topicsSchema = z.strictObject({
  position: z.strictObject({
    title: z.number().positive(),
    lead: z.number().positive(),
    leadChars: z.number().int().nonnegative(),
  }),
  /** Weight of the 1st, 2nd, 3rd… occurrence of the same cue; later ones count 0. */
  repeat: z.array(z.number().nonnegative()).min(1),
  maxAmounts: z.number().int().nonnegative().default(3),
  /** A topic must also reach this share of the best topic's score. */
  relativeFloor: z.number().min(0).max(1),
  maxTopics: z.number().int().positive(),
  /** Phrases that count for no topic but hide the cues inside them. */
  neutral: phrases.default([]),
  topics: z.record(z.enum(TOPIC_IDS), topicSchema),
});

const entitySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a lower-case-hyphenated id'),
  name: z.string().min(1),
  kind: z.enum(['provider', 'institution', 'integrator', 'purchaser']),
  forms: phrases.min(1),
  /** Forms that only count with exactly this capitalisation (« Bleu », « Orange », « ANS »). */
  exactCase: z.array(z.string().min(1)).default([]),
});

/** `feeds/entities.yml`: named actors with normalized ids. Ids must be unique. */
export const entitiesSchema = z.strictObject({
  entities: z.array(entitySchema).superRefine((entities, ctx) => {
    const seen = new Set<string>();
    entities.forEach((entity, index) => {
      if (seen.has(entity.id))
        ctx.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `duplicate id "${entity.id}"`,
        });
      seen.add(entity.id);
    });
  }),
});

export type Watchlist = z.output<typeof watchlistSchema>;
export type TopicsConfig = z.output<typeof topicsSchema>;
export type EntitiesConfig = z.output<typeof entitiesSchema>;
export type EntityKind = EntitiesConfig['entities'][number]['kind'];

/** Lanes of the main trie: matches in different lanes never hide each other. */
export const LANE = { term: 0, entity: 1, cue: 2, description: 3 } as const;

/** What a phrase of the main trie stands for. */
export type Entry =
  | { lane: 0; term: TermId; group: number }
  | { lane: 1; entity: number; exact: string | null }
  | { lane: 2; topic: TopicId; cue: number; weight: number }
  | { lane: 2; topic: null }
  | { lane: 3; term: TermId; description: number };

/** A lane-0 trie used to look for context phrases inside one sentence. */
export type ContextTrie = PhraseTrie<{ lane: 0 }>;

export interface CompiledGroup {
  why: string;
  requiresNamed: boolean;
  near: ContextTrie | null;
  unlessNear: ContextTrie | null;
  notAfter: string[][];
  notBefore: string[][];
}

export interface CompiledTerm {
  id: TermId;
  name: string;
  groups: CompiledGroup[];
  /** Groups 1..n of each description (group 0 is in the main trie). */
  descriptions: ContextTrie[][];
}

export interface CompiledTopic {
  id: TopicId;
  label: string;
  threshold: number;
  cues: Array<{ weight: number; phrases: string[] }>;
  terms: Partial<Record<TermId, number>>;
  amounts: number;
}

/** Everything the analyzer needs, precompiled. Build with `compileRules`. */
export interface AnalysisRules {
  trie: PhraseTrie<Entry>;
  terms: Record<TermId, CompiledTerm>;
  topics: CompiledTopic[];
  scoring: Omit<TopicsConfig, 'topics' | 'neutral'>;
  entities: Array<{ id: string; name: string; kind: EntityKind }>;
}

/**
 * Compiles validated rules into one phrase trie (terms, entities, topic cues, descriptions)
 * and the settings of each term and topic. Pure; throws only on input the schemas reject.
 */
export function compileRules(input: {
  watchlist: Watchlist;
  topics: TopicsConfig;
  entities: EntitiesConfig;
}): AnalysisRules {
  const entries: Array<{ phrase: string; payload: Entry }> = [];
  const terms = {} as Record<TermId, CompiledTerm>;
  for (const id of TERM_IDS) {
    const term = input.watchlist.terms[id];
    for (const form of term.forms)
      entries.push({ phrase: form, payload: { lane: 0, term: id, group: -1 } });
    term.guarded.forEach((group, index) => {
      for (const form of group.forms)
        entries.push({ phrase: form, payload: { lane: 0, term: id, group: index } });
    });
    term.descriptions.forEach((description, index) => {
      for (const first of description.allOf[0] ?? [])
        entries.push({ phrase: first, payload: { lane: 3, term: id, description: index } });
    });
    terms[id] = {
      id,
      name: term.name,
      groups: term.guarded.map((group) => ({
        why: group.why,
        requiresNamed: group.requires?.namedInDocument ?? false,
        near: contextTrie(group.requires?.near ?? []),
        unlessNear: contextTrie(group.unlessNear),
        notAfter: group.notAfter.map(wordsOf),
        notBefore: group.notBefore.map(wordsOf),
      })),
      descriptions: term.descriptions.map((description) =>
        description.allOf.slice(1).map((group) => contextTrie(group) as ContextTrie),
      ),
    };
  }
  input.entities.entities.forEach((entity, index) => {
    const exact = new Set(entity.exactCase);
    for (const form of entity.forms)
      entries.push({ phrase: form, payload: { lane: 1, entity: index, exact: null } });
    for (const form of exact)
      entries.push({ phrase: form, payload: { lane: 1, entity: index, exact: form } });
  });
  const topics = TOPIC_IDS.map((id): CompiledTopic => {
    const topic = input.topics.topics[id];
    topic.cues.forEach((cue, index) => {
      for (const text of cue.phrases)
        entries.push({
          phrase: text,
          payload: { lane: 2, topic: id, cue: index, weight: cue.weight },
        });
    });
    return {
      id,
      label: topic.label,
      threshold: topic.threshold,
      cues: topic.cues,
      terms: topic.terms,
      amounts: topic.amounts,
    };
  });
  for (const text of input.topics.neutral)
    entries.push({ phrase: text, payload: { lane: 2, topic: null } });
  const { topics: _topics, neutral: _neutral, ...scoring } = input.topics;
  return {
    trie: compilePhrases(entries),
    terms,
    topics,
    scoring,
    entities: input.entities.entities.map(({ id, name, kind }) => ({ id, name, kind })),
  };
}

function contextTrie(list: readonly string[]): ContextTrie | null {
  if (list.length === 0) return null;
  return compilePhrases(list.map((text) => ({ phrase: text, payload: { lane: 0 as const } })));
}

function wordsOf(text: string): string[] {
  return phraseWords(text).map((word) => word.text);
}
