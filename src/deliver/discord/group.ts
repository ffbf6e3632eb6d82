/**
 * Which articles a digest shows and in which order, shared by the Discord and text renderers.
 * Pure: plain data in, plain data out, no clock.
 */
import { TOPIC_IDS, type TopicId } from '../../analyze/types.ts';
import type { ArticleView, SourceView } from '../types.ts';
import { type Lang, WORDS } from './labels.ts';

/**
 * One story as renderers show it: an `ArticleView` whose title, url and snippet are the
 * headline's, and whose sources, terms, topics, amounts and deadlines are the union over the
 * story's articles (its `id` is the headline article's, so selections stay unique).
 */
export interface StoryView extends ArticleView {
  storyId: number;
  /** Names of the actors the story's articles cite (OVHcloud, ANSSI…), most cited first. */
  entities: string[];
  /**
   * Null when the story is news; when it was announced before and only gained outlets, the
   * sources it gained ("+1 source : Le Monde Informatique").
   */
  newSources: SourceView[] | null;
}

/** The outlets a story gained since its announcement, or null when it is news. Pure. */
export function storyUpdate(article: ArticleView): SourceView[] | null {
  return (article as Partial<StoryView>).newSources ?? null;
}

export interface TopicGroup {
  /** The articles' top topic; null for articles without any topic above threshold. */
  topic: TopicId | null;
  /** Newest first. */
  articles: ArticleView[];
}

export interface DigestSelection {
  groups: TopicGroup[];
  /** Distinct articles in the view. */
  total: number;
  /** Articles left out because the digest would exceed `maxArticles`. */
  omitted: number;
  /** Distinct outlets across every article of the view. */
  outlets: number;
}

/** Epoch milliseconds of an ISO instant, or null when absent or unparsable. Pure. */
export function instantMs(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * The newest `maxArticles` distinct articles (by id) grouped under their top topic: larger
 * groups first, ties in DESIGN.md's topic order, topic-less articles last. Pure.
 */
export function selectDigest(articles: ArticleView[], maxArticles: number): DigestSelection {
  const unique = [...new Map(articles.map((a) => [a.id, a] as const)).values()];
  const newestFirst = unique.sort(
    (a, b) =>
      (instantMs(b.publishedAt) ?? -Infinity) - (instantMs(a.publishedAt) ?? -Infinity) ||
      b.id - a.id,
  );
  const shown = newestFirst.slice(0, Math.max(0, maxArticles));
  const byTopic = new Map<TopicId | null, ArticleView[]>();
  for (const article of shown) {
    const topic = article.topics[0] ?? null;
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), article]);
  }
  const rank = (topic: TopicId | null) =>
    topic === null ? TOPIC_IDS.length : TOPIC_IDS.indexOf(topic);
  const groups = [...byTopic.entries()]
    .map(([topic, list]) => ({ topic, articles: list }))
    .sort(
      (a, b) =>
        Number(a.topic === null) - Number(b.topic === null) ||
        b.articles.length - a.articles.length ||
        rank(a.topic) - rank(b.topic),
    );
  const outlets = new Set(unique.flatMap((a) => a.sources.map((s) => s.name.trim().toLowerCase())));
  return {
    groups,
    total: unique.length,
    omitted: unique.length - shown.length,
    outlets: outlets.size,
  };
}

/** Outlet names of an article, each once, in the order given. Pure. */
export function sourceNames(article: ArticleView): string[] {
  const seen = new Map<string, string>();
  for (const source of article.sources) {
    const key = source.name.trim().toLowerCase();
    if (key && !seen.has(key)) seen.set(key, source.name.trim());
  }
  return [...seen.values()];
}

const UPDATE_SOURCES_SHOWN = 4;

/**
 * "+1 source : Le Monde Informatique" for a story update (outlets it gained, each once, at most
 * four named, each through `name`), null for news. Pure.
 */
export function updateLine(
  article: ArticleView,
  lang: Lang,
  name: (outlet: string) => string,
): string | null {
  const added = storyUpdate(article);
  if (!added) return null;
  const names = sourceNames({ ...article, sources: added });
  const shown = names.slice(0, UPDATE_SOURCES_SHOWN).map(name);
  const rest = names.length - shown.length;
  return WORDS[lang].update(names.length, [...shown, ...(rest > 0 ? [`+${rest}`] : [])].join(', '));
}

/**
 * Stories ranked for the weekly digest: most distinct outlets first, then most watch terms, then
 * the earliest, then by id. Pure.
 */
export function rankStories<T extends ArticleView>(stories: readonly T[]): T[] {
  return [...stories].sort(
    (a, b) =>
      sourceNames(b).length - sourceNames(a).length ||
      b.terms.length - a.terms.length ||
      (instantMs(a.publishedAt) ?? Infinity) - (instantMs(b.publishedAt) ?? Infinity) ||
      a.id - b.id,
  );
}
