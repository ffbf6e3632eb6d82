/**
 * One worker per database. Two workers on one SQLite file would both poll, both digest and both
 * dispatch the outbox, so every message would go out twice.
 *
 * The lock is a file next to the database (`vigie.db.lock`) holding the owner's PID. It is
 * created atomically (written to a private temp file, then hard-linked into place, which fails
 * with EEXIST if it exists), so a reader never sees a half-written PID. A lock whose PID is no
 * longer alive is stale (a crash, a `kill -9`) and is taken over. Limits: a PID reused by an
 * unrelated process after a crash keeps the lock held until that file is removed by hand (the
 * message says which file), and the check is per machine (no network file systems).
 */
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Why a lock could not be taken: `LOCK_HELD` (another live process) or `LOCK_IO`. */
export class LockError extends Error {
  readonly code: 'LOCK_HELD' | 'LOCK_IO';
  /** The lock file. */
  readonly path: string;
  /** The PID holding it, for `LOCK_HELD`. */
  readonly pid: number | null;
  constructor(
    code: LockError['code'],
    message: string,
    details: { path: string; pid?: number | null; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.name = 'LockError';
    this.code = code;
    this.path = details.path;
    this.pid = details.pid ?? null;
  }
}

export interface InstanceLock {
  /** The lock file, or null for an in-memory database (nothing to share). */
  readonly path: string | null;
  /** Removes the lock if this process still holds it. Idempotent, synchronous. */
  release(): void;
}

export interface LockOptions {
  /** The PID written into the lock (default: this process). */
  pid?: number;
  /** Whether a PID is a live process (default: `process.kill(pid, 0)`). */
  isAlive?: (pid: number) => boolean;
  /** Also remove the lock when the process exits without releasing it (default true). */
  releaseOnExit?: boolean;
}

const TAKEOVER_ATTEMPTS = 3;

/** The lock file guarding database `dbPath`. Pure. */
export function lockPathFor(dbPath: string): string {
  return `${dbPath}.lock`;
}

/**
 * Takes the instance lock of database `dbPath`. Throws `LockError` `LOCK_HELD` naming the other
 * PID and the lock file when a live process holds it, `LOCK_IO` when the file cannot be written.
 * A stale lock (dead PID, or unreadable) is taken over. `:memory:` needs no lock. Not pure.
 */
export function acquireInstanceLock(dbPath: string, options: LockOptions = {}): InstanceLock {
  if (dbPath === ':memory:') return { path: null, release: () => {} };
  const path = lockPathFor(dbPath);
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? isProcessAlive;
  const content = `${JSON.stringify({ pid, host: hostname() })}\n`;

  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt += 1) {
    if (tryCreate(path, pid, content)) return holdLock(path, pid, options.releaseOnExit ?? true);
    const owner = readOwner(path);
    if (owner === undefined) continue; // removed between our attempt and the read: try again
    if (owner !== null && isAlive(owner))
      throw new LockError(
        'LOCK_HELD',
        `another Vigie worker (PID ${owner}${owner === pid ? ', this process' : ''}) is using ${dbPath}; ` +
          `stop it first, or remove ${path} if that process is not Vigie`,
        { path, pid: owner },
      );
    removeStale(path, owner);
  }
  throw new LockError('LOCK_IO', `cannot take the lock ${path}: it keeps changing under us`, {
    path,
  });
}

/** True when signal 0 reaches `pid` (EPERM: it exists but belongs to another user). */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the lock with our content; false when it already exists. */
function tryCreate(path: string, pid: number, content: string): boolean {
  const temp = `${path}.${pid}.${process.hrtime.bigint()}.tmp`;
  try {
    writeFileSync(temp, content, { flag: 'wx' });
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new LockError('LOCK_IO', `cannot create the lock ${path}: ${(error as Error).message}`, {
      path,
      cause: error,
    });
  } finally {
    unlinkQuietly(temp);
  }
}

/** The PID in the lock file; null when unreadable (garbage), undefined when the file is gone. */
function readOwner(path: string): number | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LockError('LOCK_IO', `cannot read the lock ${path}: ${(error as Error).message}`, {
      path,
      cause: error,
    });
  }
  return ownerOf(text);
}

function ownerOf(text: string): number | null {
  try {
    const { pid } = JSON.parse(text) as { pid?: unknown };
    return Number.isInteger(pid) && (pid as number) > 0 ? (pid as number) : null;
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

/**
 * Removes a stale lock. It is first renamed aside, so that when two workers race to take the
 * same stale lock, the one that renamed a fresh lock (the other's) puts it back untouched.
 */
function removeStale(path: string, staleOwner: number | null): void {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new LockError(
      'LOCK_IO',
      `cannot remove the stale lock ${path}: ${(error as Error).message}`,
      {
        path,
        cause: error,
      },
    );
  }
  const owner = ownerOf(readFileSync(aside, 'utf8'));
  if (owner !== staleOwner) {
    try {
      linkSync(aside, path);
    } catch (error) {
      // EEXIST: a third worker already holds a fresh lock; ours to drop is only the copy aside.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  unlinkQuietly(aside);
}

function holdLock(path: string, pid: number, releaseOnExit: boolean): InstanceLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    try {
      if (readOwner(path) === pid) unlinkSync(path);
    } catch (error) {
      // Already gone is what we wanted; anything else must be visible.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  };
  if (releaseOnExit) process.on('exit', release);
  return { path, release };
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
