/**
 * One poll cycle: every due feed is fetched, decoded, parsed; each item never seen before is
 * read in full (the feed's content, or the article page), analysed, and stored when it mentions
 * a watch term. A feed's failure is recorded on that feed and costs nothing else.
 *
 * A feed's first successful poll stores what it holds without announcing it (no flood of old
 * news), except items newer than `backfillDays`.
 */
import { analyzeIfMatched } from '../analyze/analyze.ts';
import type { AnalysisRules } from '../analyze/rules.ts';
import type { Analysis, TermId } from '../analyze/types.ts';
import type { AlertRule, Settings } from '../config/schema.ts';
import { onPrivateHost } from '../ingest/address.ts';
import { decodeDocument } from '../ingest/decode.ts';
import { extractArticle } from '../ingest/extract.ts';
import type { FetchError, Fetcher } from '../ingest/fetch.ts';
import { createLimiter } from '../ingest/limiter.ts';
import { itemText, parseFeed } from '../ingest/parse.ts';
import type { ExtractMethod, FeedItem, ParsedFeed } from '../ingest/types.ts';
import { canonicalUrl } from '../ingest/url.ts';
import type { Logger } from '../log.ts';
import { contentFingerprint, findArticleIdByUrl, markSeen, unseenKeys } from '../store/articles.ts';
import { type Db, transaction } from '../store/db.ts';
import { type FeedRow, recordPollFailure, recordPollSuccess } from '../store/feeds.ts';
import {
  addStorySource,
  type StoryAnnouncement,
  type StoryMatch,
  saveInStory,
} from '../store/stories.ts';
import { type BackoffPolicy, nextPollAfterFailure, nextPollAfterSuccess } from './backoff.ts';

export interface PollContext {
  db: Db;
  fetcher: Fetcher;
  rules: AnalysisRules;
  settings: Settings;
  /** Resolves an alert rule to its outbox destination (e.g. `discord:123`, `console`). */
  alertDestination: (rule: AlertRule) => string;
  logger: Logger;
  clock: () => Date;
  random: () => number;
}

export interface CycleSummary {
  feeds: number;
  fetched: number;
  notModified: number;
  failed: number;
  newItems: number;
  matched: number;
  durationMs: number;
}

export interface FeedOutcome {
  feed: FeedRow;
  status: 'fetched' | 'not-modified' | 'failed';
  newItems: number;
  matched: number;
  error?: { code: string; message: string; failures: number; disabled: boolean };
}

/** One log line per feed: info when it answered, warn when it failed; `prefix` e.g. "[3/12]". */
export function logFeedOutcome(logger: Logger, outcome: FeedOutcome, prefix = ''): void {
  const { feed, status, newItems, matched, error } = outcome;
  const lead = prefix ? `${prefix} ` : '';
  if (error)
    logger.warn(
      { feed: feed.name, url: feed.url, ...error },
      `${lead}${feed.name}: failed: ${error.message}`,
    );
  else
    logger.info(
      { feed: feed.name, status, newItems, matched },
      `${lead}${feed.name}: ${status}, ${newItems} new, ${matched} matched`,
    );
}

/** Polls `feeds` concurrently (the fetcher bounds concurrency) and sums up the cycle. */
export async function runPollCycle(
  context: PollContext,
  feeds: readonly FeedRow[],
  onFeed?: (outcome: FeedOutcome) => void,
): Promise<CycleSummary> {
  const started = context.clock().getTime();
  // A feed holds its slot from request to commit, not just while fetching: were only requests
  // bounded, bodies fetched faster than they are parsed would pile up in memory.
  const { concurrency, perHost } = context.settings.poll;
  const pipeline = createLimiter({ global: concurrency, perKey: perHost });
  const unchanged = createWriteBatch(context.db, context.logger);
  const outcomes = await Promise.all(
    feeds.map((feed) =>
      pipeline.run(hostOf(feed.url), async () => {
        const outcome = await pollFeed(context, feed, unchanged);
        onFeed?.(outcome);
        return outcome;
      }),
    ),
  );
  unchanged.flush();
  const count = (status: FeedOutcome['status']) =>
    outcomes.filter((o) => o.status === status).length;
  return {
    feeds: feeds.length,
    fetched: count('fetched'),
    notModified: count('not-modified'),
    failed: count('failed'),
    newItems: outcomes.reduce((sum, o) => sum + o.newItems, 0),
    matched: outcomes.reduce((sum, o) => sum + o.matched, 0),
    durationMs: context.clock().getTime() - started,
  };
}

/** Writes that may wait a little and then commit together. */
export interface WriteBatch {
  add(write: () => void): void;
  flush(): void;
}

const BATCHED_WRITES = 64;

/**
 * The feed-state writes of unchanged feeds (304), committed `BATCHED_WRITES` at a time: a
 * commit costs 20–80 µs here, a sizeable share of what a 304 costs. A crash or a failed commit
 * (a locked database) only means these feeds are asked again, and answer 304 again: a failure
 * is logged, never charged to the feed that happened to fill the batch.
 */
function createWriteBatch(db: Db, logger: Logger): WriteBatch {
  const pending: (() => void)[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const writes = pending.splice(0);
    try {
      transaction(db, () => {
        for (const write of writes) write();
      });
    } catch (error) {
      logger.warn(
        { err: error, feeds: writes.length },
        'state of unchanged feeds not recorded; they will be asked again',
      );
    }
  };
  return {
    add(write) {
      pending.push(write);
      if (pending.length >= BATCHED_WRITES) flush();
    },
    flush,
  };
}

/**
 * A feed added at runtime is user input: its requests stay off private addresses unless
 * `allowPrivateFeeds` says otherwise (feeds of sources.yml are the operator's own choice).
 */
function feedIsPublicOnly(feed: FeedRow, settings: Settings): boolean {
  return feed.origin === 'runtime' && !settings.allowPrivateFeeds;
}

/**
 * Article links are written by the feed's publisher: they stay off private addresses too, unless
 * the feed itself is on one (a loopback or LAN address, `localhost`) and was configured by the
 * operator. Otherwise one item linking to 169.254.169.254 would have Vigie fetch the cloud
 * metadata endpoint and store what it answers.
 */
function articlesArePublicOnly(feed: FeedRow, settings: Settings): boolean {
  if (settings.allowPrivateFeeds) return false;
  return feedIsPublicOnly(feed, settings) || !onPrivateHost(feed.url);
}

/** The limiter key of a feed: its host and port, or the whole URL when it is not one. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function policyFor(feed: FeedRow, settings: Settings): BackoffPolicy {
  return {
    intervalMs: feed.intervalMs ?? settings.poll.interval,
    minIntervalMs: settings.poll.minInterval,
    maxBackoffMs: settings.poll.maxBackoff,
    jitter: settings.poll.jitter,
    disableAfterFailures: settings.poll.disableAfterFailures,
  };
}

/**
 * Polls one feed; never throws (a bug in a stage is recorded as that feed's failure). A 304's
 * feed state is left to `unchanged`, the cycle's batch.
 */
export async function pollFeed(
  context: PollContext,
  feed: FeedRow,
  unchanged: WriteBatch,
): Promise<FeedOutcome> {
  try {
    return await pollFeedUnguarded(context, feed, unchanged);
  } catch (error) {
    return recordFailure(context, feed, {
      code: (error as { code?: string }).code ?? 'POLL_INTERNAL',
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

async function pollFeedUnguarded(
  context: PollContext,
  feed: FeedRow,
  unchanged: WriteBatch,
): Promise<FeedOutcome> {
  const { db, fetcher, settings, clock } = context;
  const response = await fetcher.fetch(feed.url, {
    etag: feed.etag,
    lastModified: feed.lastModified,
    publicOnly: feedIsPublicOnly(feed, settings),
  });
  if (!response.ok)
    return recordFailure(context, feed, describeFetchError(response.error), response.error);

  const now = clock();
  const success = {
    now: now.toISOString(),
    nextPollAt: new Date(
      nextPollAfterSuccess(now.getTime(), policyFor(feed, settings), context.random),
    ).toISOString(),
    etag: response.etag ?? feed.etag,
    lastModified: response.lastModified ?? feed.lastModified,
    movedTo: response.permanentRedirect,
  };
  if (response.status === 304) {
    unchanged.add(() => recordPollSuccess(db, feed.id, { ...success, notModified: true }));
    return { feed, status: 'not-modified', newItems: 0, matched: 0 };
  }

  const { text } = decodeDocument(response.body, response.contentType, 'xml');
  let parsed: ParsedFeed;
  try {
    parsed = await parseFeed(text, { fetchedAt: success.now, baseUrl: response.url });
  } catch (error) {
    return recordFailure(context, feed, {
      code: (error as { code?: string }).code ?? 'FEED_PARSE',
      message: (error as Error).message,
    });
  }
  const { newItems, matched } = await storeNewItems(context, feed, parsed.items);
  recordPollSuccess(db, feed.id, { ...success, notModified: false, title: parsed.title });
  return { feed, status: 'fetched', newItems, matched };
}

function describeFetchError(error: FetchError): { code: string; message: string } {
  return { code: error.code, message: error.message };
}

function recordFailure(
  context: PollContext,
  feed: FeedRow,
  error: { code: string; message: string },
  fetchError?: FetchError,
): FeedOutcome {
  const now = context.clock().getTime();
  const decision = nextPollAfterFailure(
    now,
    feed.consecutiveFailures + 1,
    policyFor(feed, context.settings),
    { retryAfterMs: fetchError?.retryAfterMs, status: fetchError?.status },
  );
  recordPollFailure(context.db, feed.id, {
    now: new Date(now).toISOString(),
    nextPollAt: new Date(decision.nextPollAt).toISOString(),
    code: error.code,
    message: error.message.slice(0, 500),
    disable: decision.disable,
  });
  return {
    feed,
    status: 'failed',
    newItems: 0,
    matched: 0,
    error: { ...error, failures: feed.consecutiveFailures + 1, disabled: decision.disable },
  };
}

/** The key that identifies an item within its feed across polls. Pure. */
export function itemKey(item: FeedItem): string {
  if (item.guid) return `g:${item.guid}`;
  if (item.url) return `u:${item.url}`;
  return `h:${contentFingerprint(item.title, item.summary)}`;
}

async function storeNewItems(
  context: PollContext,
  feed: FeedRow,
  items: readonly FeedItem[],
): Promise<{ newItems: number; matched: number }> {
  const byKey = new Map<string, FeedItem>();
  for (const item of items) if (!byKey.has(itemKey(item))) byKey.set(itemKey(item), item);
  const fresh = unseenKeys(context.db, feed.id, [...byKey.keys()]);
  const firstPoll = feed.firstPolledAt === null;
  const saves = await Promise.all(
    fresh.map((key) => readItem(context, feed, key, byKey.get(key) as FeedItem, firstPoll)),
  );
  // One transaction per feed for its matched articles and for the items that matched nothing:
  // FTS5 writes a segment per commit, and a cold cycle of 500 feeds would otherwise commit
  // tens of thousands of times. A crash before it only means these items are read again.
  const unmatched = fresh.filter((_, index) => saves[index] === null);
  transaction(context.db, () => {
    for (const save of saves) save?.();
    markSeen(context.db, feed.id, unmatched, context.clock().toISOString());
  });
  return { newItems: fresh.length, matched: fresh.length - unmatched.length };
}

/**
 * Reads and analyses one new item; resolves to the write that stores it when it mentions a
 * watch term (run by the caller in the feed's transaction), or null when it does not.
 */
async function readItem(
  context: PollContext,
  feed: FeedRow,
  key: string,
  item: FeedItem,
  firstPoll: boolean,
): Promise<(() => void) | null> {
  const { db, clock } = context;
  const source = {
    feedId: feed.id,
    itemKey: key,
    itemUrl: item.url,
    publishedAt: item.publishedAt,
  };
  const itemCanonical = canonicalUrl(item.url);
  const known = itemCanonical ? findArticleIdByUrl(db, itemCanonical) : null;
  if (known !== null)
    return () => {
      const now = clock();
      addStorySource(db, known, source, {
        now: now.toISOString(),
        fresh: !firstPoll || isWithinBackfill(item.publishedAt, now, context.settings.backfillDays),
      });
    };

  const body = await readArticle(context, feed, item);
  const analysis = analyzeIfMatched(
    { title: item.title, text: body.text, url: item.url, publishedAt: item.publishedAt },
    context.rules,
  );
  if (analysis === null) return null;
  const now = clock();
  const url = item.url ?? body.canonical ?? feed.url;
  const canonical = canonicalUrl(body.canonical) ?? itemCanonical ?? `${feed.url}#${key}`;
  const fresh =
    !firstPoll || isWithinBackfill(item.publishedAt, now, context.settings.backfillDays);
  return () =>
    saveInStory(
      db,
      {
        url,
        canonicalUrl: canonical,
        contentHash: contentFingerprint(item.title, body.text),
        title: item.title || body.text.slice(0, 120),
        summary: item.summary,
        text: body.text,
        textSource: body.method,
        author: item.author ?? body.author,
        lang: body.lang ?? feed.lang,
        siteName: body.siteName,
        publishedAt: item.publishedAt ?? body.publishedAt,
        analysis,
      },
      source,
      (story) =>
        storyAnnouncement(story, analysis, {
          fresh,
          rules: context.settings.alerts,
          destination: context.alertDestination,
        }),
      { now: now.toISOString(), fresh, windowMs: context.settings.stories.window },
    );
}

/**
 * How a new article is announced given the story it joins: not at all when it is not fresh (a
 * feed's first poll of old items); as news when its story is new or was never announced; as an
 * update ("+1 source", no alert) when it joins an announced story without a new watch term; as
 * news again when it brings one, with only the alert rules that the new term satisfies for the
 * first time. Pure.
 */
export function storyAnnouncement(
  story: StoryMatch | null,
  analysis: Analysis,
  options: {
    fresh: boolean;
    rules: readonly AlertRule[];
    destination: (rule: AlertRule) => string;
  },
): StoryAnnouncement {
  if (!options.fresh) return { digest: false, alerts: [], update: false };
  const terms = new Set(analysis.terms.map((hit) => hit.id));
  const alerts = rulesMet(terms, options.rules, options.destination);
  if (!story?.announced) return { digest: true, alerts, update: false };
  const union = new Set([...story.terms, ...terms]);
  if (union.size === story.terms.size) return { digest: true, alerts: [], update: true };
  const before = new Set(
    rulesMet(story.terms, options.rules, options.destination).map((a) => a.rule),
  );
  return {
    digest: true,
    alerts: rulesMet(union, options.rules, options.destination).filter((a) => !before.has(a.rule)),
    update: false,
  };
}

function isWithinBackfill(publishedAt: string | null, now: Date, days: number): boolean {
  if (days <= 0 || !publishedAt) return false;
  return now.getTime() - Date.parse(publishedAt) <= days * 86_400_000;
}

/** Alert destinations for an analysed article: every rule whose terms it all mentions. Pure. */
export function alertsFor(
  analysis: Analysis,
  rules: readonly AlertRule[],
  destination: (rule: AlertRule) => string,
): { rule: string; destination: string }[] {
  return rulesMet(new Set(analysis.terms.map((hit) => hit.id)), rules, destination);
}

function rulesMet(
  terms: ReadonlySet<TermId>,
  rules: readonly AlertRule[],
  destination: (rule: AlertRule) => string,
): { rule: string; destination: string }[] {
  return rules
    .filter((rule) => rule.terms.every((term) => terms.has(term)))
    .map((rule) => ({ rule: rule.name, destination: destination(rule) }));
}

interface ArticleBody {
  text: string;
  method: ExtractMethod;
  canonical: string | null;
  lang: string | null;
  siteName: string | null;
  author: string | null;
  publishedAt: string | null;
}

/**
 * The article's text: the feed's own content when it is the full article, otherwise the page
 * (a watch term is often only in the body). A refused page (403, paywall, timeout) falls back
 * to the feed's content, and `method` says so.
 */
async function readArticle(
  context: PollContext,
  feed: FeedRow,
  item: FeedItem,
): Promise<ArticleBody> {
  const { settings } = context;
  const feedText = itemText(item);
  const fromFeed: ArticleBody = {
    text: feedText,
    method: 'feed',
    canonical: null,
    lang: null,
    siteName: null,
    author: null,
    publishedAt: null,
  };
  if (
    !settings.poll.fetchArticles ||
    !item.url ||
    feedText.length >= settings.poll.fullTextMinChars
  )
    return fromFeed;
  const page = await context.fetcher.fetch(item.url, {
    accept: PAGE_ACCEPT,
    publicOnly: articlesArePublicOnly(feed, settings),
  });
  if (!page.ok || page.status !== 200) {
    if (!page.ok)
      context.logger.debug(
        { url: item.url, code: page.error.code },
        'article page refused, using feed text',
      );
    return fromFeed;
  }
  const html = decodeDocument(page.body, page.contentType, 'html').text;
  // The extractor keeps the longer of the page's text and the feed's (paywall stubs, teasers).
  return extractArticle(html, { url: page.url, feedContentHtml: item.contentHtml ?? item.summary });
}

const PAGE_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1';
