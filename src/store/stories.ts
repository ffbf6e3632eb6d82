/**
 * Stories in the store: which story a new article joins, and how that changes its announcement.
 *
 * When a matched article is saved, its comparison key (`analyze/stories.ts`) is compared with the
 * keys of the articles published within the story window around it (default 72 h); it joins the
 * story most of the matching articles belong to (ties: the oldest story), or starts one. Stories
 * are never merged afterwards: an article that would bridge two stories joins one of them, so a
 * story announced once keeps its identity.
 *
 * Articles stored before stories existed (migration 1) are each their own story; their keys are
 * computed lazily, the first time a newer article looks for its story among them.
 *
 * Everything here runs inside the caller's transaction or opens its own: an article, its story
 * and its outbox rows are written together or not at all.
 */
import {
  DEFAULT_STORY_WINDOW_MS,
  minhashSignature,
  type StoryKey,
  sameStory,
  storyKey,
} from '../analyze/stories.ts';
import type { Analysis, TermId } from '../analyze/types.ts';
import {
  type Announcement,
  addSource,
  type NewArticle,
  type SaveResult,
  type SourceRef,
  saveMatchedArticle,
} from './articles.ts';
import { type Db, statement, transaction } from './db.ts';

/** The story an article would join, as announcement decisions need it. */
export interface StoryMatch {
  storyId: number;
  /** The story was already queued for a digest or an alert. */
  announced: boolean;
  /** Watch terms of the story's articles so far. */
  terms: ReadonlySet<TermId>;
}

/** How a new article is announced once its story is known. */
export interface StoryAnnouncement extends Announcement {
  /** Its digest and email rows are an update of an announced story ("+1 source"). */
  update: boolean;
}

export interface StorySaveResult extends SaveResult {
  storyId: number | null;
  /** The article was queued as an update of its story rather than as news. */
  update: boolean;
}

/** A stored key with the story its article belongs to. */
interface StoredKey extends StoryKey {
  storyId: number | null;
}

const SIGNATURE_BYTES = 4;

/** A MinHash signature as a BLOB (little-endian uint32s, whatever the platform). Pure. */
export function encodeSignature(signature: Uint32Array): Buffer {
  const buffer = Buffer.alloc(signature.length * SIGNATURE_BYTES);
  signature.forEach((value, i) => {
    buffer.writeUInt32LE(value, i * SIGNATURE_BYTES);
  });
  return buffer;
}

/** The signature stored by `encodeSignature`. Pure. */
export function decodeSignature(blob: Uint8Array): Uint32Array {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const signature = new Uint32Array(Math.floor(blob.byteLength / SIGNATURE_BYTES));
  for (let i = 0; i < signature.length; i += 1)
    signature[i] = view.getUint32(i * SIGNATURE_BYTES, true);
  return signature;
}

/** Milliseconds of an article's instant: publication, else first sight. Pure. */
export function articleInstant(publishedAt: string | null, firstSeenAt: string): number {
  const published = publishedAt === null ? Number.NaN : Date.parse(publishedAt);
  return Number.isNaN(published) ? Date.parse(firstSeenAt) : published;
}

/** The comparison key of an article about to be stored (id 0: it has none yet). Pure. */
export function newArticleKey(article: NewArticle, now: string): StoryKey {
  return storyKey(storyInput(0, article.title, article.text, article.analysis, now, article));
}

function storyInput(
  id: number,
  title: string,
  text: string,
  analysis: Analysis,
  firstSeenAt: string,
  dated: { publishedAt: string | null },
) {
  return {
    id,
    title,
    text,
    at: articleInstant(dated.publishedAt, firstSeenAt),
    entities: analysis.entities.map((entity) => entity.id),
    amounts: analysis.amounts.map((amount) => amount.eur),
  };
}

/**
 * Keys of the stored articles whose instant is within `windowMs` of `at`, computing and storing
 * the missing ones (articles from before migration 2). Writes only those keys.
 */
export function keysAround(db: Db, at: number, windowMs: number): StoredKey[] {
  const from = new Date(at - windowMs).toISOString();
  const to = new Date(at + windowMs).toISOString();
  backfillKeys(db, from, to);
  const rows = statement(
    db,
    `SELECT k.article_id AS id, k.at, k.signature, k.entities, k.amounts, a.title,
         a.story_id AS storyId
       FROM story_keys k JOIN articles a ON a.id = k.article_id
       WHERE k.at BETWEEN ? AND ?`,
  ).all(at - windowMs, at + windowMs) as {
    id: number;
    at: number;
    signature: Buffer;
    entities: string;
    amounts: string;
    title: string;
    storyId: number | null;
  }[];
  return rows.map((row) => ({
    ...storyKey(
      {
        id: row.id,
        title: row.title,
        text: '',
        at: row.at,
        entities: JSON.parse(row.entities) as string[],
        amounts: JSON.parse(row.amounts) as number[],
      },
      decodeSignature(row.signature),
    ),
    storyId: row.storyId,
  }));
}

function backfillKeys(db: Db, from: string, to: string): void {
  const missing = statement(
    db,
    `SELECT a.id, a.title, a.text, a.analysis, a.published_at AS publishedAt,
         a.first_seen_at AS firstSeenAt
       FROM articles a LEFT JOIN story_keys k ON k.article_id = a.id
       WHERE k.article_id IS NULL AND coalesce(a.published_at, a.first_seen_at) BETWEEN ? AND ?`,
  ).all(from, to) as {
    id: number;
    title: string;
    text: string;
    analysis: string;
    publishedAt: string | null;
    firstSeenAt: string;
  }[];
  for (const row of missing) {
    const input = storyInput(
      row.id,
      row.title,
      row.text,
      JSON.parse(row.analysis) as Analysis,
      row.firstSeenAt,
      row,
    );
    insertKey(db, row.id, { ...input, signature: minhashSignature(input.text) });
  }
}

function insertKey(
  db: Db,
  articleId: number,
  key: {
    at: number;
    signature: Uint32Array;
    entities: Iterable<string>;
    amounts: Iterable<number>;
  },
): void {
  statement(
    db,
    `INSERT OR REPLACE INTO story_keys (article_id, at, signature, entities, amounts)
     VALUES (?, ?, ?, ?, ?)`,
  ).run(
    articleId,
    key.at,
    encodeSignature(key.signature),
    JSON.stringify([...key.entities]),
    JSON.stringify([...key.amounts]),
  );
}

/**
 * The story `key` belongs to among the stored articles around it, or null when it starts a new
 * one. May store missing keys of older articles (see `keysAround`).
 */
export function findStory(
  db: Db,
  key: StoryKey,
  windowMs = DEFAULT_STORY_WINDOW_MS,
): StoryMatch | null {
  const votes = new Map<number, number>();
  for (const candidate of keysAround(db, key.at, windowMs))
    if (candidate.storyId !== null && sameStory(key, candidate, windowMs))
      votes.set(candidate.storyId, (votes.get(candidate.storyId) ?? 0) + 1);
  const best = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  if (!best) return null;
  return storyMatch(db, best[0]);
}

/** Announcement state and terms of story `storyId`. Read-only. */
export function storyMatch(db: Db, storyId: number): StoryMatch {
  const story = statement(db, 'SELECT announced_at AS announcedAt FROM stories WHERE id = ?').get(
    storyId,
  ) as { announcedAt: string | null } | undefined;
  const terms = statement(
    db,
    `SELECT DISTINCT t.term_id AS id FROM term_hits t JOIN articles a ON a.id = t.article_id
       WHERE a.story_id = ?`,
  ).all(storyId) as { id: TermId }[];
  return {
    storyId,
    announced: Boolean(story?.announcedAt),
    terms: new Set(terms.map((row) => row.id)),
  };
}

/**
 * Stores a matched article in its story, in one transaction: a copy of a stored article only adds
 * a source (see `addStorySource`); a new article finds its story, `plan` decides its announcement
 * from that story, then the article, its analysis, its key, its story and its outbox rows are
 * written together. `fresh` says whether a copy may be announced as an update (false on a feed's
 * first poll of old items).
 */
export function saveInStory(
  db: Db,
  article: NewArticle,
  source: SourceRef,
  plan: (story: StoryMatch | null) => StoryAnnouncement,
  options: { now: string; fresh: boolean; windowMs?: number },
): StorySaveResult {
  return transaction(db, (): StorySaveResult => {
    const copy = statement(
      db,
      'SELECT id, story_id AS storyId FROM articles WHERE canonical_url = ? OR content_hash = ? LIMIT 1',
    ).get(article.canonicalUrl, article.contentHash) as
      | { id: number; storyId: number | null }
      | undefined;
    if (copy) {
      const update = addStorySource(db, copy.id, source, options);
      return { articleId: copy.id, created: false, storyId: copy.storyId, update };
    }
    const key = newArticleKey(article, options.now);
    const story = findStory(db, key, options.windowMs);
    const announce = plan(story);
    const saved = saveMatchedArticle(db, article, source, announce, options.now);
    const storyId = story?.storyId ?? createStory(db, options.now);
    insertKey(db, saved.articleId, key);
    statement(db, 'UPDATE articles SET story_id = ? WHERE id = ?').run(storyId, saved.articleId);
    if (announce.update)
      statement(
        db,
        `UPDATE outbox SET story_update = 1
         WHERE article_id = ? AND kind IN ('digest-item', 'email-item')`,
      ).run(saved.articleId);
    if (announce.digest || announce.alerts.length > 0) markAnnounced(db, storyId, options.now);
    return { ...saved, storyId, update: announce.update };
  });
}

function createStory(db: Db, now: string): number {
  return Number(
    statement(db, 'INSERT INTO stories (created_at) VALUES (?)').run(now).lastInsertRowid,
  );
}

function markAnnounced(db: Db, storyId: number, now: string): void {
  statement(db, 'UPDATE stories SET announced_at = coalesce(announced_at, ?) WHERE id = ?').run(
    now,
    storyId,
  );
}

/**
 * Records that `source` also carries stored article `articleId` (`addSource`) and, when that
 * outlet is new to the article, `fresh` holds and its story was announced, queues the outlet as
 * an update of the story for the next digest and email. Returns whether it queued one.
 */
export function addStorySource(
  db: Db,
  articleId: number,
  source: SourceRef,
  options: { now: string; fresh: boolean },
): boolean {
  return transaction(db, (): boolean => {
    const known = statement(
      db,
      'SELECT 1 FROM article_sources WHERE article_id = ? AND feed_id = ?',
    ).get(articleId, source.feedId);
    addSource(db, articleId, source, options.now);
    if (known || !options.fresh) return false;
    const announced = statement(
      db,
      `SELECT 1 FROM articles a JOIN stories s ON s.id = a.story_id
         WHERE a.id = ? AND s.announced_at IS NOT NULL`,
    ).get(articleId);
    if (!announced) return false;
    const insert = statement(
      db,
      `INSERT OR IGNORE INTO outbox (kind, destination, dedup_key, article_id, story_update, created_at)
       VALUES (?, ?, ?, ?, 1, ?)`,
    );
    for (const [kind, destination] of [
      ['digest-item', 'digest'],
      ['email-item', 'email'],
    ] as const)
      insert.run(
        kind,
        destination,
        `${kind}:${articleId}:feed:${source.feedId}`,
        articleId,
        options.now,
      );
    return true;
  });
}

/** An outbox item row (`digest-item` / `email-item`) as story views need it. */
export interface StoryItem {
  /** The outbox row. */
  id: number;
  articleId: number;
  /** The row announces sources added to an already announced story. */
  update: boolean;
  createdAt: string;
}

/** Item rows of `kind` waiting for the next digest or email, oldest first. Read-only. */
export function pendingStoryItems(db: Db, kind: 'digest-item' | 'email-item'): StoryItem[] {
  return (
    statement(
      db,
      `SELECT id, article_id AS articleId, story_update AS up, created_at AS createdAt
         FROM outbox WHERE kind = ? AND status = 'pending' AND article_id IS NOT NULL ORDER BY id`,
    ).all(kind) as { id: number; articleId: number; up: number; createdAt: string }[]
  ).map((row) => ({
    id: row.id,
    articleId: row.articleId,
    update: row.up === 1,
    createdAt: row.createdAt,
  }));
}

/**
 * One request per story that gained an article first seen in [from, to) (ISO instants), for
 * `storyViews`: the weekly digest's stories. Read-only.
 */
export function storiesSeenBetween(
  db: Db,
  from: string,
  to: string,
): { articleId: number; update: false; createdAt: string }[] {
  const rows = statement(
    db,
    `SELECT min(id) AS articleId FROM articles
       WHERE first_seen_at >= ? AND first_seen_at < ?
       GROUP BY coalesce(story_id, -id)`,
  ).all(from, to) as { articleId: number }[];
  return rows.map((row) => ({ articleId: row.articleId, update: false, createdAt: from }));
}
