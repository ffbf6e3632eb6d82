/**
 * Read models for renderers: stored articles turned into the plain `ArticleView` /
 * `FailingFeedView` data of `deliver/types.ts`.
 */
import type { Analysis, TermId, TopicId } from '../analyze/types.ts';
import type { ArticleView, FailingFeedView } from '../deliver/types.ts';
import type { Db } from './db.ts';
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
  const rows = db
    .prepare(
      `SELECT id, title, url, published_at AS publishedAt, first_seen_at AS firstSeenAt, analysis
       FROM articles WHERE id IN (SELECT value FROM json_each(?))
       ORDER BY coalesce(published_at, first_seen_at) DESC, id DESC`,
    )
    .all(JSON.stringify(ids)) as ArticleRow[];
  const sourcesOf = db.prepare(
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
  const rows = db
    .prepare(
      `SELECT t.term_id AS id, count(*) AS n FROM term_hits t JOIN articles a ON a.id = t.article_id
       WHERE a.first_seen_at >= ? AND a.first_seen_at < ? GROUP BY t.term_id`,
    )
    .all(from, to) as { id: TermId; n: number }[];
  return new Map(rows.map((row) => [row.id, row.n]));
}
