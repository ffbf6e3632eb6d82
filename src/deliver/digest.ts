/**
 * The digest job: the articles announced since the last digest become one outbox row holding
 * the rendered messages, in the same transaction that marks them included — so an article is
 * in exactly one digest, and a crash before sending leaves a row that is sent on restart.
 *
 * The digest shows stories, not copies: the pending articles of one story are one entry with
 * every outlet; a story announced in an earlier digest that only gained outlets comes back as an
 * update ("+1 source : …").
 */
import type { Db } from '../store/db.ts';
import { queueBatch } from '../store/outbox.ts';
import { pendingStoryItems } from '../store/stories.ts';
import { failingFeedViews, storyViews } from '../store/views.ts';
import { renderDigest, renderDigestText } from './discord/render.ts';
import type { DiscordPayload } from './dispatch.ts';
import type { DigestView } from './types.ts';

export interface DigestOptions {
  now: Date;
  lang: 'fr' | 'en';
  maxArticles: number;
  timeZone: string;
}

/** The digest that would go out now: pending stories, failing feeds. Read-only. */
export function buildDigestView(db: Db, now: Date): { view: DigestView; itemIds: number[] } {
  const items = pendingStoryItems(db, 'digest-item');
  const last = db
    .prepare(`SELECT max(created_at) AS at FROM outbox WHERE kind = 'digest'`)
    .get() as { at: string | null };
  return {
    view: {
      since: last.at,
      until: now.toISOString(),
      articles: storyViews(db, items),
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
 * number of stories shown (`articles`), or null when nothing is pending.
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
