/**
 * Keeping the database small and safe: online backup and pruning of old articles.
 *
 * Both run while the worker is running: the backup uses SQLite's online backup API (a
 * consistent copy, WAL content included, without stopping writers), and pruning is one short
 * transaction that the worker's busy timeout rides out.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Db, StoreError, transaction } from './db.ts';

export interface BackupResult {
  file: string;
  pages: number;
}

/**
 * Copies the open database to `file` (created or overwritten) with SQLite's online backup.
 * Resolves with the absolute path and the number of pages copied; rejects with StoreError
 * `STORE_BACKUP` naming the file. Not pure (writes a file).
 */
export async function backupDatabase(db: Db, file: string): Promise<BackupResult> {
  const target = path.resolve(file);
  try {
    mkdirSync(path.dirname(target), { recursive: true });
    const { totalPages } = await db.backup(target);
    return { file: target, pages: totalPages };
  } catch (error) {
    throw new StoreError(
      'STORE_BACKUP',
      `cannot back up ${db.name} to ${target}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

export interface PruneResult {
  /** Articles deleted (with their sources, hits, topics, outbox rows and FTS rows). */
  deleted: number;
  /** Seen-item keys forgotten. */
  seenItems: number;
  /** The cutoff used, ISO. */
  before: string;
}

/** The ISO instant `olderThanMs` before `now`: what is older is pruned. Pure. */
export function pruneCutoff(now: Date, olderThanMs: number): string {
  return new Date(now.getTime() - olderThanMs).toISOString();
}

/**
 * Deletes articles dated before `before` (published date, else first seen) and seen-item keys
 * recorded before it, in one transaction; `dryRun` only counts. Foreign keys cascade to sources,
 * term hits, topics and outbox rows; the FTS triggers remove the indexed text. Dates are compared
 * as instants (`julianday`), so offsets other than Z compare right; an unreadable date is kept.
 *
 * A key forgotten here lets an item that is still in its feed after that long be read again as
 * new; a year is far beyond what feeds keep, which is why the CLI asks for the age explicitly.
 */
export function pruneOlderThan(
  db: Db,
  before: string,
  options: { dryRun?: boolean } = {},
): PruneResult {
  const articles = `FROM articles WHERE julianday(coalesce(published_at, first_seen_at)) < julianday(?)`;
  const seen = `FROM seen_items WHERE julianday(seen_at) < julianday(?)`;
  return transaction(db, (): PruneResult => {
    if (options.dryRun) {
      const count = (from: string) =>
        (db.prepare(`SELECT count(*) AS n ${from}`).get(before) as { n: number }).n;
      return { deleted: count(articles), seenItems: count(seen), before };
    }
    const deleted = db.prepare(`DELETE ${articles}`).run(before).changes;
    const seenItems = db.prepare(`DELETE ${seen}`).run(before).changes;
    return { deleted, seenItems, before };
  });
}
