/**
 * What renderers (Discord digest, alerts, email, console) receive: plain data read from the
 * store, never a database handle. One `ArticleView` is one story as a reader sees it: the same
 * article seen on several outlets carries all of them in `sources`.
 */
import type { AmountHit, DeadlineHit, TermId, TopicId } from '../analyze/types.ts';

export interface SourceView {
  /** Outlet name as configured in sources.yml (e.g. "LeMagIT"). */
  name: string;
  url: string;
  publishedAt: string | null;
}

export interface ArticleView {
  id: number;
  title: string;
  url: string;
  /** ISO instant: the earliest publication among sources (or first-seen time). */
  publishedAt: string | null;
  sources: SourceView[];
  terms: TermId[];
  /** Best first, only topics above threshold. */
  topics: TopicId[];
  /** One keyword-in-context snippet, hits wrapped in ⟦ ⟧, or null. */
  snippet: string | null;
  amounts: AmountHit[];
  deadlines: DeadlineHit[];
}

export interface FailingFeedView {
  name: string;
  url: string;
  consecutiveFailures: number;
  lastError: string | null;
  disabled: boolean;
}

export interface DigestView {
  /** ISO instants bounding the digest window. */
  since: string | null;
  until: string;
  articles: ArticleView[];
  failingFeeds: FailingFeedView[];
}
