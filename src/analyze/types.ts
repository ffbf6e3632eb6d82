/** Shapes produced by the analysis stage. Ids are the contracts of DESIGN.md. */

export const TERM_IDS = ['health-data-hub', 'secnumcloud', 'ugap'] as const;
export type TermId = (typeof TERM_IDS)[number];

export const TOPIC_IDS = [
  'hebergement',
  'certification',
  'commande-publique',
  'regulation',
  'finances',
  'donnees-sante',
  'souverainete',
  'cybersecurite',
] as const;
export type TopicId = (typeof TOPIC_IDS)[number];

export interface TermHit {
  id: TermId;
  count: number;
  /** Up to 3 keyword-in-context sentences, ≤ 200 chars, each hit wrapped in ⟦ ⟧ (U+27E6/U+27E7) so renderers can bold it after escaping. */
  snippets: string[];
}

export interface TopicScore {
  id: TopicId;
  score: number;
  /** The cue phrases that fired, as found in the text. */
  reasons: string[];
}

export interface EntityHit {
  id: string;
  name: string;
  count: number;
}

export interface AmountHit {
  eur: number;
  text: string;
}

export interface DeadlineHit {
  /** ISO date YYYY-MM-DD. */
  date: string;
  text: string;
}

export interface Analysis {
  terms: TermHit[];
  topics: TopicScore[];
  entities: EntityHit[];
  amounts: AmountHit[];
  deadlines: DeadlineHit[];
}

/** What the analyzer reads. `publishedAt` anchors relative dates; it is never read from a clock. */
export interface AnalysisInput {
  title?: string | null;
  text: string;
  url?: string | null;
  publishedAt?: string | null;
}
