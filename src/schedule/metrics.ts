/**
 * The worker's metrics in Prometheus text format (exposition format 0.0.4), served on
 * `/metrics`. A tiny registry rather than prom-client: Vigie needs a dozen series, no default
 * process metrics and no global registry that tests would have to reset.
 *
 * Counters and the cycle histogram live in memory (they restart at zero, as Prometheus
 * expects of counters); what the database knows (feeds failing or disabled, deliveries by
 * status, articles stored) is read at scrape time, so it is right even after a restart.
 */
import type { DispatchSummary } from '../deliver/dispatch.ts';
import { countArticles } from '../store/articles.ts';
import type { Db } from '../store/db.ts';
import { outboxStats } from '../store/outbox.ts';
import type { CycleSummary } from './poll.ts';

type Labels = Readonly<Record<string, string>>;

interface Series {
  labels: Labels;
  value: number;
}

/** A monotonically increasing count, optionally split by labels. */
export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

/** A value that goes up and down, optionally split by labels. */
export interface Gauge {
  set(labels: Labels, value: number): void;
}

/** Observations counted into cumulative buckets, with their sum. */
export interface Histogram {
  observe(value: number): void;
}

export interface Registry {
  counter(name: string, help: string): Counter;
  gauge(name: string, help: string): Gauge;
  histogram(name: string, help: string, buckets: readonly number[]): Histogram;
  /** Every metric in Prometheus text format, in registration order. */
  render(): string;
}

/** Seconds-scale buckets for poll cycles: a cycle of cached 304s takes well under a second. */
export const CYCLE_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] as const;

/** A new, empty registry. Holds its series in memory; reads no clock. */
export function createRegistry(): Registry {
  const renderers: (() => string)[] = [];

  const valueMetric = (name: string, help: string, type: 'counter' | 'gauge') => {
    const series = new Map<string, Series>();
    renderers.push(() =>
      block(
        name,
        help,
        type,
        [...series.values()].map((s) => sample(name, s.labels, s.value)),
      ),
    );
    return (labels: Labels, update: (previous: number) => number) => {
      const key = labelKey(labels);
      const current = series.get(key) ?? { labels, value: 0 };
      current.value = update(current.value);
      series.set(key, current);
    };
  };

  return {
    counter(name, help) {
      const update = valueMetric(name, help, 'counter');
      return {
        inc: (labels = {}, by = 1) => {
          if (by < 0 || !Number.isFinite(by)) throw new RangeError(`${name}: counters only go up`);
          update(labels, (previous) => previous + by);
        },
      };
    },
    gauge(name, help) {
      const update = valueMetric(name, help, 'gauge');
      return { set: (labels, value) => update(labels, () => value) };
    },
    histogram(name, help, buckets) {
      const bounds = [...buckets].sort((a, b) => a - b);
      const counts = bounds.map(() => 0);
      let sum = 0;
      let count = 0;
      renderers.push(() =>
        block(name, help, 'histogram', [
          ...bounds.map((bound, i) =>
            sample(`${name}_bucket`, { le: formatNumber(bound) }, counts[i] ?? 0),
          ),
          sample(`${name}_bucket`, { le: '+Inf' }, count),
          sample(`${name}_sum`, {}, sum),
          sample(`${name}_count`, {}, count),
        ]),
      );
      return {
        observe: (value) => {
          bounds.forEach((bound, i) => {
            if (value <= bound) counts[i] = (counts[i] ?? 0) + 1;
          });
          sum += value;
          count += 1;
        },
      };
    },
    render: () => renderers.map((render) => render()).join(''),
  };
}

function block(name: string, help: string, type: string, samples: string[]): string {
  const escapedHelp = help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
  return `# HELP ${name} ${escapedHelp}\n# TYPE ${name} ${type}\n${samples.join('')}`;
}

function sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([key, raw]) => `${key}="${escapeLabel(raw)}"`);
  return `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${formatNumber(value)}\n`;
}

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

/** What the worker reports to its metrics; `render()` is what `/metrics` serves. */
export interface WorkerMetrics {
  /** Counts one poll cycle (every scheduled run, even when no feed was due). */
  recordCycle(summary: CycleSummary): void;
  /** Counts one outbox dispatch run. */
  recordDispatch(summary: DispatchSummary): void;
  /** When the last good cycle ended: one where at least one feed answered (200 or 304). */
  lastGoodCycleAt(): Date | null;
  /** The exposition text, database gauges read now. Throws if the database cannot be read. */
  render(): string;
}

export interface WorkerMetricsOptions {
  db: Db;
  clock?: () => Date;
}

/**
 * The metrics of issue 8: polls and failures per result, new and matched items, cycle
 * durations, deliveries pending/sent/failed, feeds failing or disabled, articles stored.
 * Not pure: reads the clock when a cycle is recorded and the database when rendered.
 */
export function createWorkerMetrics(options: WorkerMetricsOptions): WorkerMetrics {
  const clock = options.clock ?? (() => new Date());
  const registry = createRegistry();
  const cycles = registry.counter('vigie_poll_cycles_total', 'Poll cycles run.');
  const polls = registry.counter(
    'vigie_feed_polls_total',
    'Feed polls by result: fetched (200), not_modified (304) or failed.',
  );
  const newItems = registry.counter('vigie_items_new_total', 'Feed items seen for the first time.');
  const matched = registry.counter(
    'vigie_items_matched_total',
    'New items that mention a watch term (Health Data Hub, SecNumCloud, UGAP).',
  );
  const duration = registry.histogram(
    'vigie_poll_cycle_duration_seconds',
    'Duration of poll cycles that polled at least one feed.',
    CYCLE_BUCKETS,
  );
  const lastGood = registry.gauge(
    'vigie_last_good_cycle_timestamp_seconds',
    'Unix time of the last cycle in which at least one feed answered.',
  );
  const dispatched = registry.counter(
    'vigie_deliveries_total',
    'Delivery attempts by result: sent, retried (transient failure) or failed (given up).',
  );
  const deliveries = registry.gauge(
    'vigie_deliveries',
    'Deliveries (digests, alerts, emails) in the outbox by status.',
  );
  const feeds = registry.gauge('vigie_feeds', 'Active feeds by state: ok, failing or disabled.');
  const articles = registry.gauge('vigie_articles', 'Matched articles stored.');

  for (const result of ['fetched', 'not_modified', 'failed']) polls.inc({ result }, 0);
  for (const result of ['sent', 'retried', 'failed']) dispatched.inc({ result }, 0);
  let lastGoodAt: Date | null = null;

  return {
    recordCycle(summary) {
      cycles.inc();
      polls.inc({ result: 'fetched' }, summary.fetched);
      polls.inc({ result: 'not_modified' }, summary.notModified);
      polls.inc({ result: 'failed' }, summary.failed);
      newItems.inc({}, summary.newItems);
      matched.inc({}, summary.matched);
      if (summary.feeds > 0) duration.observe(summary.durationMs / 1000);
      if (summary.fetched + summary.notModified > 0) {
        lastGoodAt = clock();
        lastGood.set({}, lastGoodAt.getTime() / 1000);
      }
    },
    recordDispatch(summary) {
      dispatched.inc({ result: 'sent' }, summary.sent);
      dispatched.inc({ result: 'retried' }, summary.retried);
      dispatched.inc({ result: 'failed' }, summary.failed);
    },
    lastGoodCycleAt: () => lastGoodAt,
    render() {
      const outbox = outboxStats(options.db);
      deliveries.set({ status: 'pending' }, outbox.pending + outbox.sending);
      deliveries.set({ status: 'sent' }, outbox.sent);
      deliveries.set({ status: 'failed' }, outbox.failed);
      for (const [state, count] of Object.entries(feedStates(options.db)))
        feeds.set({ state }, count);
      articles.set({}, countArticles(options.db));
      return registry.render();
    },
  };
}

function feedStates(db: Db): { ok: number; failing: number; disabled: number } {
  return db
    .prepare(
      `SELECT
         count(*) FILTER (WHERE disabled_at IS NULL AND consecutive_failures = 0) AS ok,
         count(*) FILTER (WHERE disabled_at IS NULL AND consecutive_failures > 0) AS failing,
         count(*) FILTER (WHERE disabled_at IS NOT NULL) AS disabled
       FROM feeds WHERE removed_at IS NULL AND paused = 0`,
    )
    .get() as { ok: number; failing: number; disabled: number };
}
