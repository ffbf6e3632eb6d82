/**
 * Opening the one SQLite file: pragmas, then pending migrations, each with its `user_version`
 * bump inside one transaction so a crash never leaves half a schema.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export class StoreError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

export interface OpenOptions {
  readonly?: boolean;
}

/**
 * Opens (creating if needed) the database at `file` (`:memory:` for tests) and migrates it.
 * Throws StoreError `STORE_OPEN` naming the file when it cannot be opened or is newer than
 * this code.
 */
export function openDb(file: string, options: OpenOptions = {}): Db {
  if (options.readonly && file !== ':memory:' && !existsSync(file))
    throw new StoreError(
      'STORE_MISSING',
      `no database at ${file} yet: run \`vigie poll --once\` or \`npm start\` first`,
    );
  let db: Db;
  try {
    if (file !== ':memory:' && !options.readonly)
      mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
  } catch (error) {
    throw new StoreError(
      'STORE_OPEN',
      `cannot open database ${file}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  try {
    // WAL lets CLI reads run while the worker writes; NORMAL is durable at checkpoints in WAL
    // and much faster than FULL; the busy timeout rides out a concurrent writer.
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if (options.readonly) checkVersion(db, file);
    else migrate(db, file);
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError('STORE_OPEN', `cannot use database ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return db;
}

function checkVersion(db: Db, file: string): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length)
    throw new StoreError(
      'STORE_TOO_NEW',
      `${file} has schema version ${version}, this Vigie knows ${MIGRATIONS.length}: upgrade Vigie`,
    );
  return version;
}

function migrate(db: Db, file: string): void {
  const version = checkVersion(db, file);
  for (let next = version; next < MIGRATIONS.length; next += 1) {
    db.transaction(() => {
      db.exec(MIGRATIONS[next] as string);
      db.pragma(`user_version = ${next + 1}`);
    }).immediate();
  }
}

/** Schema version of an open database. */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * The prepared statement for `sql` on `db`, compiled once per connection: compiling costs more
 * than running most of Vigie's queries.
 */
export function statement(db: Db, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let prepared = cache.get(sql);
  if (!prepared) {
    prepared = db.prepare(sql);
    cache.set(sql, prepared);
  }
  return prepared;
}

const transactions = new WeakMap<Db, (work: () => unknown) => unknown>();

/**
 * Runs `work` in a transaction: its own, or the caller's when one is already open. Joining the
 * open transaction instead of nesting a savepoint saves two statements per call on the hot
 * paths (an article saved inside its feed's transaction); an error still undoes the caller's
 * whole transaction unless the caller catches it in between, which no caller does.
 */
export function transaction<T>(db: Db, work: () => T): T {
  if (db.inTransaction) return work();
  let run = transactions.get(db);
  if (!run) {
    run = db.transaction((inner: () => unknown) => inner());
    transactions.set(db, run);
  }
  return run(work) as T;
}
