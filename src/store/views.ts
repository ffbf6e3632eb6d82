/**
 * Read models for renderers: stored articles turned into the plain `ArticleView` /
 * `FailingFeedView` data of `deliver/types.ts`.
 */
import type { Analysis, TermId, TopicId } from '../analyze/types.ts';
import type { StoryView } from '../deliver/discord/group.ts';
import type { ArticleView, FailingFeedView, SourceView } from '../deliver/types.ts';
import { type Db, statement } from './db.ts';
import { failingFeeds } from './feeds.ts';

interface ArticleRow {
  id: number;
  title: string;
  url: string;
  publishedAt: string | null;
  firstSeenAt: string;
  analysis: string;
}

/** Views of the given articles, newest first; unknown ids are skipped. */
export function articleViews(db: Db, ids: readonly number[]): ArticleView[] {
  if (ids.length === 0) return [];
  const rows = statement(
    db,
    `SELECT id, title, url, published_at AS publishedAt, first_seen_at AS firstSeenAt, analysis
       FROM articles WHERE id IN (SELECT value FROM json_each(?))
       ORDER BY coalesce(published_at, first_seen_at) DESC, id DESC`,
  ).all(JSON.stringify(ids)) as ArticleRow[];
  const sourcesOf = statement(
    db,
    `SELECT f.name, coalesce(s.item_url, a.url) AS url, s.published_at AS publishedAt
     FROM article_sources s JOIN feeds f ON f.id = s.feed_id JOIN articles a ON a.id = s.article_id
     WHERE s.article_id = ? ORDER BY coalesce(s.published_at, s.seen_at), f.name`,
  );
  return rows.map((row) => {
    const analysis = JSON.parse(row.analysis) as Analysis;
    const terms = [...analysis.terms].sort((a, b) => b.count - a.count);
    return {
      id: row.id,
      title: row.title,
      url: row.url,
      publishedAt: row.publishedAt ?? row.firstSeenAt,
      sources: sourcesOf.all(row.id) as ArticleView['sources'],
      terms: terms.map((hit) => hit.id as TermId),
      topics: [...analysis.topics].sort((a, b) => b.score - a.score).map((t) => t.id as TopicId),
      snippet: bodySnippet(
        row.title,
        terms.flatMap((hit) => hit.snippets),
      ),
      amounts: analysis.amounts,
      deadlines: analysis.deadlines,
    };
  });
}

/** Which article a story view is asked for, and whether it is an update (see `StoryItem`). */
export interface StoryRequest {
  articleId: number;
  update: boolean;
  /** When the update was queued: sources seen since then are what it adds. */
  createdAt: string;
}

interface MemberRow extends ArticleRow {
  storyId: number | null;
  textLength: number;
}

/**
 * One view per story of the requested articles, newest first: the headline is the story's
 * earliest article (ties: the longest text), sources are every outlet of every article, terms,
 * topics, entities, amounts and deadlines their union. A story is an update (`newSources`) only
 * when every request for it is one; its new sources are those its update rows brought. Unknown
 * ids are skipped. Read-only.
 */
export function storyViews(db: Db, requests: readonly StoryRequest[]): StoryView[] {
  if (requests.length === 0) return [];
  const ids = [...new Set(requests.map((request) => request.articleId))];
  const stories = new Map<string, { storyId: number | null; anchor: number }>();
  const owners = statement(
    db,
    'SELECT id, story_id AS storyId FROM articles WHERE id IN (SELECT value FROM json_each(?))',
  ).all(JSON.stringify(ids)) as { id: number; storyId: number | null }[];
  const storyOf = new Map(owners.map((row) => [row.id, storyKeyOf(row)] as const));
  for (const row of owners) stories.set(storyKeyOf(row), { storyId: row.storyId, anchor: row.id });
  const members = statement(
    db,
    `SELECT id, title, url, published_at AS publishedAt, first_seen_at AS firstSeenAt, analysis,
       story_id AS storyId, length(text) AS textLength
     FROM articles WHERE story_id = ?`,
  );
  const single = statement(
    db,
    `SELECT id, title, url, published_at AS publishedAt, first_seen_at AS firstSeenAt, analysis,
       story_id AS storyId, length(text) AS textLength
     FROM articles WHERE id = ?`,
  );
  const sourcesOf = statement(
    db,
    `SELECT f.name, coalesce(s.item_url, a.url) AS url, s.published_at AS publishedAt,
       s.seen_at AS seenAt
     FROM article_sources s JOIN feeds f ON f.id = s.feed_id JOIN articles a ON a.id = s.article_id
     WHERE s.article_id = ? ORDER BY coalesce(s.published_at, s.seen_at), f.name`,
  );
  const views: StoryView[] = [];
  for (const [key, { storyId, anchor }] of stories) {
    const rows = (storyId === null ? [single.get(anchor)] : members.all(storyId)) as MemberRow[];
    const asked = requests.filter((request) => storyOf.get(request.articleId) === key);
    const sources = rows.flatMap((row) =>
      (sourcesOf.all(row.id) as (SourceView & { seenAt: string })[]).map((source) => ({
        ...source,
        articleId: row.id,
      })),
    );
    const isUpdate = asked.length > 0 && asked.every((request) => request.update);
    const added = isUpdate
      ? sources.filter((source) =>
          asked.some(
            (request) =>
              request.articleId === source.articleId && source.seenAt >= request.createdAt,
          ),
        )
      : null;
    views.push(storyView(rows, sources, added, storyId ?? -anchor));
  }
  return views.sort(
    (a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? '') || b.id - a.id,
  );
}

function storyKeyOf(row: { id: number; storyId: number | null }): string {
  return row.storyId === null ? `a${row.id}` : `s${row.storyId}`;
}

type StorySource = SourceView & { seenAt: string; articleId: number };

function storyView(
  rows: MemberRow[],
  sources: StorySource[],
  added: StorySource[] | null,
  storyId: number,
): StoryView {
  const at = (row: MemberRow) => row.publishedAt ?? row.firstSeenAt;
  const ordered = [...rows].sort(
    (a, b) => at(a).localeCompare(at(b)) || b.textLength - a.textLength || a.id - b.id,
  );
  const headline = ordered[0] as MemberRow;
  const analyses = ordered.map((row) => JSON.parse(row.analysis) as Analysis);
  const terms = new Map<TermId, number>();
  const topics = new Map<TopicId, number>();
  const entities = new Map<string, { name: string; count: number }>();
  for (const analysis of analyses) {
    for (const hit of analysis.terms) terms.set(hit.id, (terms.get(hit.id) ?? 0) + hit.count);
    for (const topic of analysis.topics)
      topics.set(topic.id, Math.max(topics.get(topic.id) ?? 0, topic.score));
    for (const entity of analysis.entities) {
      const known = entities.get(entity.id);
      entities.set(entity.id, {
        name: known?.name ?? entity.name,
        count: (known?.count ?? 0) + entity.count,
      });
    }
  }
  const headlineTerms = [...(analyses[0] as Analysis).terms].sort((a, b) => b.count - a.count);
  const plain = (source: StorySource): SourceView => ({
    name: source.name,
    url: source.url,
    publishedAt: source.publishedAt,
  });
  return {
    id: headline.id,
    storyId,
    title: headline.title,
    url: headline.url,
    publishedAt: at(headline),
    sources: [...sources]
      .sort((a, b) => (a.publishedAt ?? a.seenAt).localeCompare(b.publishedAt ?? b.seenAt))
      .map(plain),
    terms: byCount(terms),
    topics: byCount(topics),
    snippet: bodySnippet(
      headline.title,
      headlineTerms.flatMap((hit) => hit.snippets),
    ),
    entities: [...entities.values()].sort((a, b) => b.count - a.count).map((e) => e.name),
    amounts: distinctBy(
      analyses.flatMap((analysis) => analysis.amounts),
      (amount) => amount.eur,
    ),
    deadlines: distinctBy(
      analyses.flatMap((analysis) => analysis.deadlines),
      (deadline) => deadline.date,
    ),
    newSources: added ? added.map(plain) : null,
  };
}

function byCount<Id>(counts: Map<Id, number>): Id[] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
}

function distinctBy<T>(items: T[], key: (item: T) => unknown): T[] {
  const seen = new Set<unknown>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The first snippet that says more than the title (the analyzer reads title and body
 * together, so the first hit is often the headline itself). Pure.
 */
export function bodySnippet(title: string, snippets: readonly string[]): string | null {
  const plain = (text: string) => text.replace(/[⟦⟧]/g, '').replace(/\s+/g, ' ').trim();
  const headline = plain(title);
  return snippets.find((snippet) => plain(snippet) !== headline) ?? snippets[0] ?? null;
}

/** Feeds failing or disabled, as renderers show them. */
export function failingFeedViews(db: Db): FailingFeedView[] {
  return failingFeeds(db).map((feed) => ({
    name: feed.name,
    url: feed.url,
    consecutiveFailures: feed.consecutiveFailures,
    lastError: feed.lastError,
    disabled: feed.disabledAt !== null,
  }));
}

/** Articles per watch term first seen in [from, to), for trend lines in reports. */
export function termCountsBetween(db: Db, from: string, to: string): Map<TermId, number> {
  const rows = statement(
    db,
    `SELECT t.term_id AS id, count(*) AS n FROM term_hits t JOIN articles a ON a.id = t.article_id
       WHERE a.first_seen_at >= ? AND a.first_seen_at < ? GROUP BY t.term_id`,
  ).all(from, to) as { id: TermId; n: number }[];
  return new Map(rows.map((row) => [row.id, row.n]));
}
