import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as backupCommand from '../../src/cli/backup.ts';
import * as pruneCommand from '../../src/cli/prune.ts';
import { countArticles, markSeen, saveMatchedArticle } from '../../src/store/articles.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { listFeeds, syncConfiguredFeeds } from '../../src/store/feeds.ts';
import { backupDatabase, pruneCutoff, pruneOlderThan } from '../../src/store/maintenance.ts';
import { searchArticles } from '../../src/store/search.ts';
import { analysisOf, article } from './fixtures.ts';

const now = new Date('2026-03-02T08:00:00+01:00');

const stories = [
  {
    title: 'L’UGAP référence une offre de cloud souverain pour les collectivités',
    text: 'La centrale d’achat public ajoute à son catalogue une offre d’hébergement qualifiée SecNumCloud.',
    url: 'https://exemple.fr/2024/ugap-cloud',
    publishedAt: '2024-11-04T09:00:00.000Z',
    analysis: analysisOf(['ugap', 'secnumcloud'], ['commande-publique']),
  },
  {
    title: 'Health Data Hub : la migration hors d’Azure prend du retard',
    text: 'La Plateforme des données de santé repousse son changement d’hébergeur à la fin de l’année.',
    url: 'https://exemple.fr/2025/hdh-retard',
    // Published with a Paris offset, 3 h before the cutoff once read as an instant.
    publishedAt: '2025-03-02T07:00:00+01:00',
    analysis: analysisOf(['health-data-hub'], ['hebergement']),
  },
  {
    title: 'SecNum Cloud : l’ANSSI qualifie un quatrième hébergeur',
    text: 'Un nouvel acteur obtient la qualification SecNumCloud pour son offre d’hébergement.',
    url: 'https://exemple.fr/2026/secnumcloud-4',
    publishedAt: '2026-02-27T16:30:00.000Z',
    analysis: analysisOf(['secnumcloud'], ['certification']),
  },
  {
    title: 'Marchés publics : l’UGAP signe avec un troisième opérateur',
    text: 'L’Union des groupements d’achats publics élargit son accord-cadre cloud.',
    url: 'https://exemple.fr/sans-date/ugap-operateur',
    publishedAt: null,
    analysis: analysisOf(['ugap'], ['commande-publique']),
  },
];

function seed(db: Db): void {
  syncConfiguredFeeds(
    db,
    [{ name: 'Le Journal du Cloud', url: 'https://exemple.fr/rss' }],
    now.toISOString(),
  );
  const feedId = listFeeds(db)[0]?.id ?? 0;
  stories.forEach((story, index) => {
    // The undated article was first seen two years ago: its age comes from first_seen_at.
    const seenAt = story.publishedAt ?? '2024-01-15T10:00:00.000Z';
    saveMatchedArticle(
      db,
      article(story),
      { feedId, itemKey: `g:${index}`, itemUrl: story.url, publishedAt: story.publishedAt },
      { digest: true, alerts: [] },
      seenAt,
    );
  });
  markSeen(db, feedId, ['g:vieux-sans-rapport'], '2024-06-01T10:00:00.000Z');
  markSeen(db, feedId, ['g:recent-sans-rapport'], '2026-03-01T10:00:00.000Z');
}

const count = (db: Db, table: string) =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('database maintenance', () => {
  let dir: string;
  let db: Db;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigie-maintenance-'));
    db = openDb(path.join(dir, 'vigie.db'));
    seed(db);
  });
  afterEach(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs up to a copy that opens and holds every article, searchable', async () => {
    const result = await backupDatabase(db, path.join(dir, 'sauvegardes', 'vigie-copie.db'));
    expect(result.file).toBe(path.join(dir, 'sauvegardes', 'vigie-copie.db'));
    expect(result.pages).toBeGreaterThan(0);
    const copy = openDb(result.file, { readonly: true });
    expect(countArticles(copy)).toBe(stories.length);
    expect(searchArticles(copy, { query: 'accord-cadre' }).results.map((r) => r.url)).toEqual([
      'https://exemple.fr/sans-date/ugap-operateur',
    ]);
    copy.close();
  });

  it('backs up writes still in the WAL', async () => {
    // A write after the seed sits in the -wal file until a checkpoint; the copy must have it.
    db.prepare(
      `UPDATE articles SET title = 'UGAP : le catalogue cloud s’étoffe' WHERE id = 1`,
    ).run();
    const { file } = await backupDatabase(db, path.join(dir, 'copie.db'));
    const copy = openDb(file, { readonly: true });
    expect(copy.prepare('SELECT title FROM articles WHERE id = 1').get()).toEqual({
      title: 'UGAP : le catalogue cloud s’étoffe',
    });
    copy.close();
  });

  it('names the target when the backup cannot be written', async () => {
    writeFileSync(path.join(dir, 'un-fichier'), 'pas un dossier');
    await expect(
      backupDatabase(db, path.join(dir, 'un-fichier', 'copie.db')),
    ).rejects.toMatchObject({
      code: 'STORE_BACKUP',
      message: expect.stringContaining(path.join(dir, 'un-fichier', 'copie.db')),
    });
  });

  it('prunes articles older than the cutoff by publication date, else first seen', () => {
    const before = pruneCutoff(now, 365 * 86_400_000);
    expect(before).toBe('2025-03-02T07:00:00.000Z');
    const result = pruneOlderThan(db, before);
    // Three matched items (their keys go with them) and one old item that never matched.
    expect(result).toEqual({ deleted: 3, seenItems: 4, before });
    expect(db.prepare('SELECT url FROM articles').all()).toEqual([
      { url: 'https://exemple.fr/2026/secnumcloud-4' },
    ]);
  });

  it('removes what hangs off a pruned article: FTS rows, sources, hits, topics, outbox rows', () => {
    pruneOlderThan(db, pruneCutoff(now, 365 * 86_400_000));
    expect(searchArticles(db, { query: 'UGAP' }).total).toBe(0);
    expect(count(db, 'articles_fts')).toBe(1);
    expect(count(db, 'article_sources')).toBe(1);
    expect(count(db, 'term_hits')).toBe(1);
    expect(count(db, 'article_topics')).toBe(1);
    expect(count(db, 'outbox')).toBe(2);
    const seen = db.prepare('SELECT item_key AS key FROM seen_items ORDER BY key').all();
    expect(seen).toEqual([{ key: 'g:2' }, { key: 'g:recent-sans-rapport' }]);
  });

  it('only counts in a dry run', () => {
    const result = pruneOlderThan(db, pruneCutoff(now, 365 * 86_400_000), { dryRun: true });
    expect(result).toMatchObject({ deleted: 3, seenItems: 4 });
    expect(countArticles(db)).toBe(stories.length);
  });
});

describe('vigie backup and vigie prune', () => {
  let dir: string;
  let dbPath: string;
  let output: string[];

  const run = async (...args: string[]) => {
    const program = new Command().option('--db <path>').option('--json').exitOverride();
    backupCommand.register(program);
    pruneCommand.register(program);
    await program.parseAsync(['node', 'vigie', '--db', dbPath, '--json', ...args]);
    return JSON.parse(output.join(''));
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigie-cli-maintenance-'));
    dbPath = path.join(dir, 'vigie.db');
    const db = openDb(dbPath);
    seed(db);
    db.close();
    output = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      output.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prune --older-than 365d prints {deleted} as JSON', async () => {
    const result = await run('prune', '--older-than', '365d');
    // The cutoff is a year before the real clock: every seeded article but the 2026 one is older.
    expect(result).toMatchObject({ deleted: 3 });
    const db = openDb(dbPath, { readonly: true });
    expect(countArticles(db)).toBe(1);
    db.close();
  });

  it('prune refuses an unreadable age', async () => {
    await expect(run('prune', '--older-than', 'un an')).rejects.toThrow(
      /--older-than: expected an age/,
    );
  });

  it('backup FILE writes a copy with every article and refuses to overwrite without --force', async () => {
    const target = path.join(dir, 'copie.db');
    expect(await run('backup', target)).toMatchObject({ file: target, articles: stories.length });
    expect(existsSync(target)).toBe(true);
    output = [];
    await expect(run('backup', target)).rejects.toThrow(/exists; pass --force/);
    expect(await run('backup', target, '--force')).toMatchObject({ articles: stories.length });
  });
});
