/**
 * Issue 10, "Data": a database that cannot be written or is locked gives a clear error naming
 * the file; `vigie search` reads while a writer holds the write lock (WAL); `vigie backup`
 * writes a copy that opens and holds every article.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countArticles } from '../../src/store/articles.ts';
import { openDb } from '../../src/store/db.ts';
import { searchArticles } from '../../src/store/search.ts';
import { seededDb } from '../deliver/discord/commands/seed.ts';
import { type CompiledVigie, compileVigie } from '../support/hostile.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'vigie-data-'));
const asRoot = process.getuid?.() === 0;

/** The sources compiled once for the file: `vigie` starts without the tsx loader. */
let compiled: CompiledVigie;

function vigie(dbFile: string, ...args: string[]) {
  return spawnSync(process.execPath, [compiled.entry('cli'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, VIGIE_DB: dbFile, LOG_LEVEL: 'silent' },
    timeout: 20_000,
  });
}

/** A database file holding the seeded stories, in WAL mode as the worker leaves it. */
function seededFile(name: string): string {
  const file = path.join(dir, name);
  const memory = seededDb();
  writeFileSync(file, memory.serialize());
  memory.close();
  openDb(file).close();
  return file;
}

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  compiled?.remove();
});

type Run = Pick<ReturnType<typeof vigie>, 'status' | 'stdout' | 'stderr'>;

/** `vigie(…)` without blocking: the run goes on while other cases use the event loop. */
function vigieLater(dbFile: string, ...args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [compiled.entry('cli'), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, VIGIE_DB: dbFile, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * `vigie poll --once` on a database another process holds an exclusive write transaction on, as
 * a stuck tool would. Started before the other cases: it waits out the 5 s busy timeout while
 * they run, and the cases at the end of the file read its outcome.
 */
interface LockedRun {
  file: string;
  run: Run;
  /** From the spawn to the exit. */
  elapsedMs: number;
}
let lockedRun: Promise<LockedRun>;

beforeAll(async () => {
  compiled = await compileVigie();
  const file = seededFile('verrouillee.db');
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const D = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))});
       const db = new D(${JSON.stringify(file)});
       db.exec('BEGIN EXCLUSIVE'); db.exec("UPDATE feeds SET name = name");
       process.stdout.write('locked\\n'); setTimeout(() => {}, 30000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
  const sources = path.join(dir, 'aucune-source.yml');
  writeFileSync(sources, 'feeds: []\n');
  const started = Date.now();
  lockedRun = vigieLater(file, 'poll', '--once', '--sources', sources)
    .then((run) => ({ file, run, elapsedMs: Date.now() - started }))
    .finally(() => holder.kill('SIGKILL'));
  // Settled here too, so a failure is reported by the cases that await it, not as unhandled.
  lockedRun.catch(() => {});
});

describe('a database Vigie cannot use', () => {
  it('names the file and the reason when its folder cannot be created', () => {
    const blocker = path.join(dir, 'un-fichier');
    writeFileSync(blocker, 'pas un dossier');
    expect(() => openDb(path.join(blocker, 'vigie.db'))).toThrow(
      expect.objectContaining({ code: 'STORE_OPEN', message: expect.stringContaining(blocker) }),
    );
  });

  it('names the file when it is not a database', () => {
    const file = path.join(dir, 'pas-une-base.db');
    writeFileSync(file, 'Ceci est une note de la rédaction, pas une base SQLite. '.repeat(20));
    const run = vigie(file, 'search', 'UGAP');
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`vigie: cannot use database ${file}: file is not a database`);
  });

  it.skipIf(asRoot)(
    'says the database is read-only when a write is refused (skipped as root: root writes anyway)',
    () => {
      const file = seededFile('lecture-seule.db');
      chmodSync(file, 0o444);
      chmodSync(dir, 0o555);
      try {
        expect(() => openDb(file)).toThrow(expect.objectContaining({ code: 'STORE_OPEN' }));
      } finally {
        chmodSync(dir, 0o755);
        chmodSync(file, 0o644);
      }
    },
  );
});

describe('reads while the worker writes (WAL)', () => {
  let file: string;
  let writer: Database.Database;

  beforeAll(() => {
    file = seededFile('wal.db');
    writer = new Database(file);
    writer.pragma('busy_timeout = 5000');
    writer.exec('BEGIN IMMEDIATE');
    writer.prepare(`UPDATE articles SET title = 'Titre en cours de réécriture'`).run();
  });
  afterAll(() => {
    writer.exec('ROLLBACK');
    writer.close();
  });

  it('vigie search answers at once from the last committed state', () => {
    const started = Date.now();
    const run = vigie(file, '--json', 'search', 'UGAP');
    expect(run.status).toBe(0);
    const page = JSON.parse(run.stdout) as { total: number; results: { title: string }[] };
    expect(page.total).toBeGreaterThan(0);
    expect(page.results.map((r) => r.title)).not.toContain('Titre en cours de réécriture');
    // Well under the 5 s busy timeout: the reader never waited for the writer.
    expect(Date.now() - started).toBeLessThan(4_500);
  });
});

describe('vigie backup', () => {
  it('writes a copy that opens and holds every article, searchable', () => {
    const file = seededFile('source.db');
    const copy = path.join(dir, 'sauvegardes', 'vigie-2026-03-02.db');
    const original = openDb(file, { readonly: true });
    const articles = countArticles(original);
    const ids = original.prepare('SELECT id, title FROM articles ORDER BY id').all();
    original.close();

    const run = vigie(file, '--json', 'backup', copy);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ articles });

    const restored = openDb(copy, { readonly: true });
    expect(restored.prepare('SELECT id, title FROM articles ORDER BY id').all()).toEqual(ids);
    expect(searchArticles(restored, { query: 'UGAP' }).total).toBeGreaterThan(0);
    expect(restored.pragma('integrity_check', { simple: true })).toBe('ok');
    restored.close();
  });

  it('refuses to overwrite the database itself', () => {
    const file = seededFile('soi-meme.db');
    const run = vigie(file, 'backup', file);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/is the database itself/);
  });
});

describe('a database locked by another process', () => {
  it('gives up on a locked database after the busy timeout, exit 1, no stack trace', async () => {
    const { run, elapsedMs } = await lockedRun;
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^vigie: .*database is locked/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(elapsedMs).toBeLessThan(15_000);
  }, 30_000);

  // Was a bug: the first write (seeding feeds) was outside openDb's error wrapping, so the user
  // read only "vigie: database is locked", with no file and no hint.
  it('names the locked database file in the error', async () => {
    const { run, file } = await lockedRun;
    expect(run.stderr).toContain(file);
  }, 30_000);
});
