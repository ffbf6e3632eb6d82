/**
 * Search state behind Previous/Next buttons. A button's `custom_id` holds at most 100
 * characters, too few for a query and its filters, so the state is kept in the `meta` table
 * under `search-page:<key>` and the button carries only `search:<key>:<offset>:<p|n>`. Being in
 * the database, a button keeps working across a restart until the state is older than the TTL;
 * then it answers "expired". Identical searches share one key.
 */
import { createHash } from 'node:crypto';
import type { TermId, TopicId } from '../../../analyze/types.ts';
import { type Db, transaction } from '../../../store/db.ts';

export interface SearchState {
  query: string;
  term?: TermId;
  topic?: TopicId;
  since?: string;
  source?: string;
}

interface Stored extends SearchState {
  savedAt: string;
}

const PREFIX = 'search-page:';
const BUTTON = /^search:([A-Za-z0-9_-]{16}):(\d{1,6}):[pn]$/;
/** Discord's limit on a component's custom_id. */
export const CUSTOM_ID_MAX = 100;

/** A stable 16-character key for a search (same query and filters, same key). Pure. */
export function searchKey(state: SearchState): string {
  const canonical = JSON.stringify([
    state.query,
    state.term ?? null,
    state.topic ?? null,
    state.since ?? null,
    state.source ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

/**
 * Stores (or refreshes) a search's state and deletes states older than `ttlMs`, so the table
 * does not grow with every search. Returns its key. Writes to the database.
 */
export function saveSearch(db: Db, state: SearchState, now: Date, ttlMs: number): string {
  const key = searchKey(state);
  const stored: Stored = { ...state, savedAt: now.toISOString() };
  transaction(db, () => {
    db.prepare(
      `DELETE FROM meta WHERE key >= ? AND key < ? AND json_extract(value, '$.savedAt') < ?`,
    ).run(PREFIX, `${PREFIX}\uffff`, new Date(now.getTime() - ttlMs).toISOString());
    db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(
      `${PREFIX}${key}`,
      JSON.stringify(stored),
    );
  });
  return key;
}

/** The state saved under `key` if younger than `ttlMs` at `now`, else null. Read-only. */
export function loadSearch(db: Db, key: string, now: Date, ttlMs: number): SearchState | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(`${PREFIX}${key}`) as
    | { value: string }
    | undefined;
  if (!row) return null;
  const { savedAt, ...state } = JSON.parse(row.value) as Stored;
  const age = now.getTime() - Date.parse(savedAt);
  return age >= 0 && age <= ttlMs ? state : null;
}

/** The custom_id of a page button (`which` keeps Previous and Next distinct). Pure. */
export function pageButtonId(key: string, offset: number, which: 'p' | 'n'): string {
  return `search:${key}:${Math.max(0, offset)}:${which}`;
}

/** Key and offset of a page button's custom_id, or null when it is not one. Pure. */
export function parsePageButton(customId: string): { key: string; offset: number } | null {
  const match = BUTTON.exec(customId);
  if (!match?.[1] || !match[2]) return null;
  return { key: match[1], offset: Number(match[2]) };
}
