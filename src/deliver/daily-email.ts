/**
 * The daily email job: everything announced since the previous daily summary becomes one
 * outbox row per recipient (`email:<day>:<destination>` is unique, so a restart or a second run
 * the same day never sends twice), written in the transaction that marks the articles included.
 */
import { TERM_IDS } from '../analyze/types.ts';
import { type Db, transaction } from '../store/db.ts';
import { queueBatch } from '../store/outbox.ts';
import { pendingStoryItems } from '../store/stories.ts';
import { weeklyTrends } from '../store/trends.ts';
import { failingFeedViews, storyViews, termCountsBetween } from '../store/views.ts';
import { ChartError, renderPng, trendChartSvg, trendChartText } from './chart.ts';
import type { EmailPayload } from './dispatch.ts';
import { renderDailyEmail } from './email/render.ts';
import { dailyMessageId } from './email/send.ts';
import type { EmailAttachment, EmailView } from './email/types.ts';

export interface DailyEmailOptions {
  now: Date;
  timeZone: string;
  lang: 'fr' | 'en';
  /** `smtp:<address>` per recipient, or `eml`. */
  destinations: readonly string[];
  /** All recipients, for the To: header of the .eml file. */
  recipients: readonly string[];
  sendEmpty: boolean;
  /**
   * On Mondays (in `timeZone`), embed the 8-week chart as an inline PNG attachment
   * (`payload.attachments`, nodemailer's shape).
   */
  weeklyChart?: boolean;
}

const CHART_CID = 'vigie-trends@vigie.local';
const CHART_WEEKS = 8;
const CHART_TITLE = { fr: 'Les 8 dernières semaines', en: 'The last 8 weeks' } as const;

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** The calendar day of `instant` in `timeZone`, as YYYY-MM-DD. Pure. */
export function localDay(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** The email view of what is pending now. Read-only. */
export function buildEmailView(
  db: Db,
  options: Pick<DailyEmailOptions, 'now' | 'timeZone'>,
): {
  view: EmailView;
  itemIds: number[];
} {
  const items = pendingStoryItems(db, 'email-item');
  const until = options.now.toISOString();
  const last = db
    .prepare(`SELECT max(created_at) AS at FROM outbox WHERE kind = 'email'`)
    .get() as {
    at: string | null;
  };
  const since = last.at ?? new Date(options.now.getTime() - DAY_MS).toISOString();
  // One entry per story (updates included), as in the digest.
  const articles = storyViews(db, items);
  const weekBefore = termCountsBetween(
    db,
    new Date(Date.parse(since) - WEEK_MS).toISOString(),
    new Date(options.now.getTime() - WEEK_MS).toISOString(),
  );
  return {
    view: {
      since,
      until,
      articles,
      failingFeeds: failingFeedViews(db),
      date: localDay(options.now, options.timeZone),
      termCounts: TERM_IDS.map((id) => ({
        id,
        count: articles.filter((article) => article.terms.includes(id)).length,
        previousWeek: weekBefore.get(id) ?? 0,
      })),
    },
    itemIds: items.map((item) => item.id),
  };
}

/**
 * Queues today's email to every destination. Returns how many rows were queued (0 when there
 * is nothing new and `sendEmpty` is off, or when today's email was already queued).
 */
export function queueDailyEmail(
  db: Db,
  options: DailyEmailOptions,
): { queued: number; articles: number } {
  const { view, itemIds } = buildEmailView(db, options);
  if (itemIds.length === 0 && !options.sendEmpty) return { queued: 0, articles: 0 };
  const chart = options.weeklyChart ? mondayChart(db, options) : null;
  const rendered = renderDailyEmail(view, {
    lang: options.lang,
    timeZone: options.timeZone,
    ...(chart
      ? { chart: { ...chart.render, cid: chart.attachment ? chart.render.cid : null } }
      : {}),
  });
  const now = options.now.toISOString();
  const queued = transaction(db, () =>
    options.destinations.filter((destination) => {
      const to = destination.startsWith('smtp:')
        ? [destination.slice('smtp:'.length)]
        : [...options.recipients];
      const payload: EmailPayload = {
        to,
        ...rendered,
        messageId: dailyMessageId(view.date, to),
        date: view.date,
        ...(chart?.attachment ? { attachments: [chart.attachment] } : {}),
      };
      return (
        queueBatch(db, {
          kind: 'email',
          destination,
          dedupKey: `email:${view.date}:${destination}`,
          payload,
          itemIds,
          now,
        }) !== null
      );
    }),
  );
  return { queued: queued.length, articles: view.articles.length };
}

/**
 * The chart of the Monday email, or null on other days (in `options.timeZone`): its text always,
 * its PNG attachment when resvg renders it (a chart that cannot render leaves the text only).
 */
export function mondayChart(
  db: Db,
  options: Pick<DailyEmailOptions, 'now' | 'timeZone' | 'lang'>,
): {
  render: { cid: string; title: string; lines: string[] };
  attachment: EmailAttachment | null;
} | null {
  const weekday = new Intl.DateTimeFormat('en-GB', {
    timeZone: options.timeZone,
    weekday: 'short',
  }).format(options.now);
  if (weekday !== 'Mon') return null;
  const weekly = weeklyTrends(db, options.now, CHART_WEEKS);
  const render = {
    cid: CHART_CID,
    title: CHART_TITLE[options.lang],
    lines: trendChartText(weekly, options.lang),
  };
  try {
    const png = renderPng(trendChartSvg(weekly, options.lang));
    return {
      render,
      attachment: {
        filename: 'vigie-8-semaines.png',
        content: png.toString('base64'),
        encoding: 'base64',
        contentType: 'image/png',
        cid: CHART_CID,
      },
    };
  } catch (error) {
    if (error instanceof ChartError) return { render, attachment: null };
    throw error;
  }
}
