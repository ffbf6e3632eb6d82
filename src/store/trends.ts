/**
 * Trends: articles per watch term and per topic, per day and per week, from `trend_days`
 * (migration 2), which triggers keep in the transaction that stores each article. Days are UTC
 * days of first sight (`first_seen_at`, like `stats.ts`); weeks are the seven UTC days from a
 * Monday. Counts survive `vigie prune`: a trend is history. The store reads no clock: the caller
 * says which week is the last.
 */
import { TERM_IDS, type TermId, TOPIC_IDS, type TopicId } from '../analyze/types.ts';
import { type Db, statement } from './db.ts';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Counts per week, oldest week first, every term and topic present (zeros included). */
export interface WeeklyTrends {
  /** The Monday (YYYY-MM-DD, UTC) starting each week. */
  weeks: string[];
  articles: number[];
  terms: Record<TermId, number[]>;
  topics: Record<TopicId, number[]>;
}

/** The Monday (UTC) of the week holding `instant`, as YYYY-MM-DD. Pure. */
export function weekStart(instant: Date): string {
  const day = Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate());
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * DAY_MS).toISOString().slice(0, 10);
}

/** Daily counts of one term or topic (or all articles) over [from, to) days, by day. Read-only. */
export function dailyCounts(
  db: Db,
  kind: 'articles' | 'term' | 'topic',
  id: string,
  from: string,
  to: string,
): Map<string, number> {
  const rows = statement(
    db,
    'SELECT day, n FROM trend_days WHERE kind = ? AND id = ? AND day >= ? AND day < ? ORDER BY day',
  ).all(kind, id, from, to) as { day: string; n: number }[];
  return new Map(rows.map((row) => [row.day, row.n]));
}

/**
 * Counts of the `weeks` weeks ending with the week that holds `until` (that week included, even
 * when it has only begun). Throws a RangeError when `weeks` is not a positive integer. Read-only.
 */
export function weeklyTrends(db: Db, until: Date, weeks = 8): WeeklyTrends {
  if (!Number.isInteger(weeks) || weeks < 1)
    throw new RangeError(`trends: weeks must be a positive integer, got ${weeks}`);
  const last = Date.parse(`${weekStart(until)}T00:00:00Z`);
  const starts = Array.from({ length: weeks }, (_, i) =>
    new Date(last - (weeks - 1 - i) * WEEK_MS).toISOString().slice(0, 10),
  );
  const from = starts[0] as string;
  const to = new Date(last + WEEK_MS).toISOString().slice(0, 10);
  const rows = statement(
    db,
    'SELECT kind, id, day, n FROM trend_days WHERE day >= ? AND day < ? ORDER BY day',
  ).all(from, to) as { kind: string; id: string; day: string; n: number }[];
  const series = new Map<string, number[]>();
  const index = (day: string) =>
    Math.floor((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / WEEK_MS);
  for (const row of rows) {
    const key = `${row.kind}:${row.id}`;
    const counts = series.get(key) ?? new Array<number>(weeks).fill(0);
    counts[index(row.day)] = (counts[index(row.day)] ?? 0) + row.n;
    series.set(key, counts);
  }
  const of = (key: string) => series.get(key) ?? new Array<number>(weeks).fill(0);
  return {
    weeks: starts,
    articles: of('articles:'),
    terms: Object.fromEntries(TERM_IDS.map((id) => [id, of(`term:${id}`)])) as Record<
      TermId,
      number[]
    >,
    topics: Object.fromEntries(TOPIC_IDS.map((id) => [id, of(`topic:${id}`)])) as Record<
      TopicId,
      number[]
    >,
  };
}
