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
import { pendingStoryItems, storiesSeenBetween } from '../store/stories.ts';
import { weekStart } from '../store/trends.ts';
import { failingFeedViews, storyViews } from '../store/views.ts';
import { rankStories, type StoryView } from './discord/group.ts';
import {
  renderDigest,
  renderDigestText,
  renderWeeklyDigest,
  renderWeeklyText,
} from './discord/render.ts';
import type { DiscordPayload } from './dispatch.ts';
import type { DigestView } from './types.ts';

const WEEK_MS = 7 * 86_400_000;

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

export interface WeeklyDigestOptions {
  now: Date;
  lang: 'fr' | 'en';
  /** Stories shown; default 20. */
  maxStories?: number;
}

/**
 * The week before the one holding `now` (Monday to Monday, UTC, like `store/trends.ts`) and its
 * stories ranked by outlets then terms: what the Monday digest reports. Read-only.
 */
export function buildWeeklyDigest(db: Db, now: Date): { weekStart: string; stories: StoryView[] } {
  const thisWeek = Date.parse(`${weekStart(now)}T00:00:00Z`);
  const from = new Date(thisWeek - WEEK_MS).toISOString();
  const stories = storyViews(db, storiesSeenBetween(db, from, new Date(thisWeek).toISOString()));
  return { weekStart: from.slice(0, 10), stories: rankStories(stories) };
}

/** The weekly digest rendered for Discord and the console. Pure. */
export function renderWeeklyPayload(
  weekly: { weekStart: string; stories: readonly StoryView[] },
  options: Pick<WeeklyDigestOptions, 'lang' | 'maxStories'>,
): DiscordPayload {
  const render = {
    lang: options.lang,
    weekStart: weekly.weekStart,
    maxStories: options.maxStories,
  };
  return {
    messages: renderWeeklyDigest(weekly.stories, render),
    text: renderWeeklyText(weekly.stories, render),
  };
}

/**
 * Queues last week's digest to `destination`, once per week and destination
 * (`weekly:<destination>:<monday>`). Returns the outbox row id and the number of stories, or
 * null when the week had none or its digest was already queued.
 */
export function queueWeeklyDigest(
  db: Db,
  destination: string,
  options: WeeklyDigestOptions,
): { deliveryId: number; stories: number } | null {
  const weekly = buildWeeklyDigest(db, options.now);
  if (weekly.stories.length === 0) return null;
  const deliveryId = queueBatch(db, {
    kind: 'digest',
    destination,
    dedupKey: `weekly:${destination}:${weekly.weekStart}`,
    payload: renderWeeklyPayload(weekly, options),
    itemIds: [],
    now: options.now.toISOString(),
  });
  return deliveryId === null ? null : { deliveryId, stories: weekly.stories.length };
}
