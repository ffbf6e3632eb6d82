/**
 * The digest job: the articles announced since the last digest become one outbox row holding
 * the rendered messages, in the same transaction that marks them included — so an article is
 * in exactly one digest, and a crash before sending leaves a row that is sent on restart.
 */
import type { Db } from '../store/db.ts';
import { pendingItems, queueBatch } from '../store/outbox.ts';
import { articleViews, failingFeedViews } from '../store/views.ts';
import { renderDigest, renderDigestText } from './discord/render.ts';
import type { DiscordPayload } from './dispatch.ts';
import type { DigestView } from './types.ts';

export interface DigestOptions {
  now: Date;
  lang: 'fr' | 'en';
  maxArticles: number;
  timeZone: string;
}

/** The digest that would go out now: pending articles, failing feeds. Read-only. */
export function buildDigestView(db: Db, now: Date): { view: DigestView; itemIds: number[] } {
  const items = pendingItems(db, 'digest-item');
  const last = db
    .prepare(`SELECT max(created_at) AS at FROM outbox WHERE kind = 'digest'`)
    .get() as { at: string | null };
  return {
    view: {
      since: last.at,
      until: now.toISOString(),
      articles: articleViews(
        db,
        items.map((item) => item.articleId),
      ),
      failingFeeds: failingFeedViews(db),
    },
    itemIds: items.map((item) => item.id),
  };
}

/** Renders a view for Discord and for the console. Pure. */
export function renderDigestPayload(view: DigestView, options: DigestOptions): DiscordPayload {
  const since = view.since?.slice(0, 10);
  const render = {
    lang: options.lang,
    maxArticles: options.maxArticles,
    searchHint: since ? `/search since:${since}` : '/search',
  };
  return {
    messages: renderDigest(view, render),
    text: renderDigestText(view, { ...render, timeZone: options.timeZone }),
  };
}

/**
 * Queues a digest of the pending articles to `destination`. Returns the outbox row id and the
 * number of articles, or null when nothing is pending.
 */
export function queueDigest(
  db: Db,
  destination: string,
  options: DigestOptions,
): { deliveryId: number; articles: number } | null {
  const { view, itemIds } = buildDigestView(db, options.now);
  if (itemIds.length === 0) return null;
  const now = options.now.toISOString();
  const deliveryId = queueBatch(db, {
    kind: 'digest',
    destination,
    dedupKey: `digest:${destination}:${now}`,
    payload: renderDigestPayload(view, options),
    itemIds,
    now,
  });
  return deliveryId === null ? null : { deliveryId, articles: view.articles.length };
}
