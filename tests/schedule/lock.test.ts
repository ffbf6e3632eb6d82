import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireInstanceLock, LockError, lockPathFor } from '../../src/schedule/lock.ts';

/** A PID that was alive a moment ago and is now certainly dead: a child that already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('instance lock', () => {
  let dir: string;
  let dbPath: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigie-lock-'));
    dbPath = path.join(dir, 'vigie.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes this PID next to the database and removes the file on release', () => {
    const lock = acquireInstanceLock(dbPath, { releaseOnExit: false });
    expect(lock.path).toBe(`${dbPath}.lock`);
    expect(JSON.parse(readFileSync(lockPathFor(dbPath), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    lock.release();
    expect(existsSync(lockPathFor(dbPath))).toBe(false);
    lock.release();
  });

  it('refuses a second worker on the same database, naming the PID that holds it', () => {
    const first = acquireInstanceLock(dbPath, { releaseOnExit: false });
    let refusal: unknown;
    try {
      acquireInstanceLock(dbPath, { pid: 424242, releaseOnExit: false });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(LockError);
    expect(refusal).toMatchObject({ code: 'LOCK_HELD', pid: process.pid, path: `${dbPath}.lock` });
    expect((refusal as Error).message).toContain(`PID ${process.pid}`);
    expect((refusal as Error).message).toContain(dbPath);
    first.release();
  });

  it('lets another database be locked at the same time', () => {
    const first = acquireInstanceLock(dbPath, { releaseOnExit: false });
    const other = acquireInstanceLock(path.join(dir, 'autre.db'), { releaseOnExit: false });
    expect(other.path).toBe(path.join(dir, 'autre.db.lock'));
    other.release();
    first.release();
  });

  it('takes over a lock left by a process that died', () => {
    const dead = deadPid();
    writeFileSync(lockPathFor(dbPath), JSON.stringify({ pid: dead, host: 'ancien' }));
    const lock = acquireInstanceLock(dbPath, { releaseOnExit: false });
    expect(JSON.parse(readFileSync(lockPathFor(dbPath), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock file that holds no PID (truncated by a crash)', () => {
    writeFileSync(lockPathFor(dbPath), '');
    const lock = acquireInstanceLock(dbPath, { releaseOnExit: false });
    expect(JSON.parse(readFileSync(lockPathFor(dbPath), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('does not remove a lock another worker took after ours was released', () => {
    const first = acquireInstanceLock(dbPath, { releaseOnExit: false });
    first.release();
    const second = acquireInstanceLock(dbPath, {
      pid: 515151,
      isAlive: () => true,
      releaseOnExit: false,
    });
    first.release();
    expect(JSON.parse(readFileSync(lockPathFor(dbPath), 'utf8')).pid).toBe(515151);
    second.release();
    expect(existsSync(lockPathFor(dbPath))).toBe(false);
  });

  it('refuses across processes: a child worker cannot lock a database this process holds', () => {
    const lock = acquireInstanceLock(dbPath, { releaseOnExit: false });
    const script = `
      import { acquireInstanceLock } from ${JSON.stringify(path.resolve('src/schedule/lock.ts'))};
      try { acquireInstanceLock(${JSON.stringify(dbPath)}); console.log('acquired'); }
      catch (error) { console.log(error.code + ' ' + error.pid); }`;
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
      },
    );
    expect(child.stdout.trim()).toBe(`LOCK_HELD ${process.pid}`);
    lock.release();
  });

  it('needs no lock for an in-memory database', () => {
    const lock = acquireInstanceLock(':memory:');
    expect(lock.path).toBeNull();
    lock.release();
  });
});
