import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { saveMatchedArticle } from '../../src/store/articles.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { listFeeds, syncConfiguredFeeds } from '../../src/store/feeds.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { RANK_WINDOW, RARE_WORD_ARTICLES, searchArticles } from '../../src/store/search.ts';
import {
  foldWord,
  MAX_PREFIX_EXPANSION,
  newVocabularyWords,
  WordKeys,
} from '../../src/store/vocabulary.ts';
import { article } from './fixtures.ts';

const now = '2026-03-02T07:00:00.000Z';
const noAnnounce = { digest: false, alerts: [] };

function freshDb(): Db {
  const db = openDb(':memory:');
  syncConfiguredFeeds(db, [{ name: 'LeMagIT', url: 'https://www.lemagit.fr/rss' }], now);
  return db;
}

let serial = 0;
/** Saves an article; ids grow with each call, as they do with time. */
function save(db: Db, title: string, text: string): number {
  serial += 1;
  const feedId = (listFeeds(db)[0] as { id: number }).id;
  return saveMatchedArticle(
    db,
    article({ url: `https://example.org/${serial}`, title, text }),
    { feedId, itemKey: `k${serial}`, itemUrl: null, publishedAt: null },
    noAnnounce,
    now,
  ).articleId;
}

const ids = (db: Db, query: string, limit = 10) =>
  searchArticles(db, { query, limit }).results.map((r) => r.id);
const vocabulary = (db: Db) =>
  (db.prepare('SELECT term FROM search_terms ORDER BY term').all() as { term: string }[]).map(
    (row) => row.term,
  );

describe('vocabulary words', () => {
  it('lists the new words longer than 3 characters, folded, numbers left out', () => {
    const known = new WordKeys();
    const text =
      'L’Intelligence du CHU de Nîmes, 2026 : e-santé à 99,9 % — Œuvre m365, intelligence';
    expect(newVocabularyWords(text, known)).toEqual([
      'intelligence',
      'nimes',
      'sante',
      'œuvre',
      'm365',
    ]);
    expect(newVocabularyWords('INTELLIGENCE artificielle, Nîmes', known)).toEqual(['artificielle']);
  });

  it('folds case and accents as the index does', () => {
    expect(foldWord('Souveraineté')).toBe('souverainete');
    expect(foldWord('ÉLYSÉE')).toBe('elysee');
    expect(foldWord('cloud')).toBe('cloud');
  });

  it('is kept when articles are saved, folded and without duplicates', () => {
    const db = freshDb();
    save(db, 'Souveraineté numérique', 'Les données de santé migrent en 2026.');
    save(db, 'Données publiques', 'Les données restent souveraines.');
    expect(vocabulary(db)).toEqual([
      'donnees',
      'migrent',
      'numerique',
      'publiques',
      'restent',
      'sante',
      'souveraines',
      'souverainete',
    ]);
  });

  it('is filled from the index by migration 4', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    for (const step of MIGRATIONS.slice(0, 3)) db.exec(step);
    db.pragma('user_version = 3');
    syncConfiguredFeeds(db, [{ name: 'LeMagIT', url: 'https://www.lemagit.fr/rss' }], now);
    save(db, 'Souveraineté numérique', 'Les données de santé migrent en 2026.');
    db.exec(MIGRATIONS[3] as string);
    expect(vocabulary(db)).toEqual(['donnees', 'migrent', 'numerique', 'sante', 'souverainete']);
  });

  it('keeps the words of an article saved after a rolled-back one', () => {
    const db = freshDb();
    save(db, 'Cloud', 'Un premier article.');
    expect(() =>
      db.transaction(() => {
        save(db, 'Xylophonique', 'Un article annulé.');
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    expect(vocabulary(db)).not.toContain('xylophonique');
    const kept = save(db, 'Xylophonique', 'Un article gardé.');
    expect(vocabulary(db)).toContain('xylophonique');
    expect(ids(db, 'xylo')).toEqual([kept]);
  });
});

describe('prefix search', () => {
  let db: Db;
  let souverainete: number;
  let souverain: number;
  beforeEach(() => {
    db = freshDb();
    souverainete = save(db, 'Souveraineté numérique', 'Le ministère veut un cloud de confiance.');
    souverain = save(db, 'Cloud souverain', 'La centrale d’achat publie son marché.');
    save(db, 'Messagerie', 'Une migration vers une offre collaborative.');
  });

  it('expands a prefix into the indexed words that start with it', () => {
    expect(ids(db, 'souverain').sort()).toEqual([souverainete, souverain].sort());
    // Each snippet is its own article's (a hit in the title only leaves the text unmarked).
    const texts = new Map([
      [souverainete, 'Le ministère veut un cloud de confiance.'],
      [souverain, 'La centrale d’achat publie son marché.'],
    ]);
    for (const result of searchArticles(db, { query: 'souverain' }).results)
      expect(result.snippet).toBe(texts.get(result.id));
    expect(ids(db, 'SOUVERAINETE')).toEqual([souverainete]);
    expect(ids(db, 'numér')).toEqual([souverainete]);
    const page = searchArticles(db, { query: 'confia' });
    expect(page.results[0]?.snippet).toContain('⟦confiance⟧');
  });

  it('highlights adjacent hits as one passage', () => {
    save(db, 'Hébergement', 'Le Health Data Hub quitte Azure ; le hub de données reste.');
    const [result] = searchArticles(db, { query: 'health data hub' }).results;
    expect(result?.snippet).toContain('⟦Health Data Hub⟧ quitte Azure');
    expect(result?.snippet).toContain('le ⟦hub⟧ de données');
  });

  it('finds the same articles without the vocabulary or when a prefix is too wide', () => {
    const queries = ['souverain', 'cloud -souv', 'numér cloud', '"cloud souverain"', 'mig'];
    const before = queries.map((query) => searchArticles(db, { query }));
    const wide = freshDb();
    for (const [title, text] of [
      ['Souveraineté numérique', 'Le ministère veut un cloud de confiance.'],
      ['Cloud souverain', 'La centrale d’achat publie son marché.'],
      ['Messagerie', 'Une migration vers une offre collaborative.'],
    ] as const)
      save(wide, title, text);
    const insert = wide.prepare('INSERT INTO search_terms (term) VALUES (?)');
    for (let i = 0; i <= MAX_PREFIX_EXPANSION; i += 1) {
      insert.run(`souverain${String.fromCharCode(97 + (i % 26))}${i}x`);
      insert.run(`numer${String.fromCharCode(97 + (i % 26))}${i}x`);
      insert.run(`mig${String.fromCharCode(97 + (i % 26))}${i}x`);
    }
    const dropped = freshDb();
    for (const [title, text] of [
      ['Souveraineté numérique', 'Le ministère veut un cloud de confiance.'],
      ['Cloud souverain', 'La centrale d’achat publie son marché.'],
      ['Messagerie', 'Une migration vers une offre collaborative.'],
    ] as const)
      save(dropped, title, text);
    dropped.exec('DROP TABLE search_terms');
    const shape = (page: ReturnType<typeof searchArticles>) => ({
      total: page.total,
      results: page.results.map((r) => [r.title, r.snippet.includes('⟦')]).sort(),
    });
    for (const [index, query] of queries.entries()) {
      const expected = shape(before[index] as ReturnType<typeof searchArticles>);
      expect(expected.total).toBeGreaterThan(0);
      expect(shape(searchArticles(wide, { query }))).toEqual(expected);
      expect(shape(searchArticles(dropped, { query }))).toEqual(expected);
    }
  });

  it('ignores words no stored article holds any more', () => {
    db.prepare('INSERT INTO search_terms (term) VALUES (?)').run('souverainistes');
    expect(ids(db, 'souverain').sort()).toEqual([souverainete, souverain].sort());
  });

  it('matches numbers exactly', () => {
    const year = save(db, 'Budget 2026', 'Le budget 20261 est une coquille.');
    const other = save(db, 'Budget', 'Le budget 20261 est une coquille.');
    expect(ids(db, '2026')).toEqual([year]);
    expect(ids(db, '20261')).toEqual([other, year]);
  });
});

describe('ranking', () => {
  it('ranks a query of rare words by relevance (bm25), not by date', () => {
    const db = freshDb();
    const often = save(db, 'Rectorat', 'Un xylophone, un xylophone, encore un xylophone.');
    const once = save(
      db,
      'Rectorat',
      'Un xylophone en passant, parmi bien d’autres mots du texte.',
    );
    expect(ids(db, 'xylophone')).toEqual([often, once]);
  });

  it('ranks a query of common words by title, then newest first, over the newest matches', () => {
    const db = freshDb();
    const oldTitle = save(db, 'Cloud : une ancienne annonce', 'Texte.');
    db.transaction(() => {
      for (let i = 0; i < RANK_WINDOW; i += 1) save(db, `Brève ${i}`, `Le cloud, épisode ${i}.`);
    })();
    const recentTitle = save(db, 'Le cloud de confiance', 'Texte sur le cloud.');
    const newest = save(db, 'Dernière brève', 'Encore du cloud.');
    expect(RARE_WORD_ARTICLES).toBeLessThanOrEqual(RANK_WINDOW);
    const page = searchArticles(db, { query: 'cloud', limit: 3 });
    expect(page.total).toBe(RANK_WINDOW);
    expect(page.more).toBe(true);
    // The old title match is past the newest RANK_WINDOW matches: not ranked.
    expect(page.results.map((r) => r.id)).toEqual([recentTitle, newest, recentTitle - 1]);
    expect(page.results.map((r) => r.id)).not.toContain(oldTitle);
    expect(
      searchArticles(db, { query: 'cloud', limit: 2, offset: 1 }).results.map((r) => r.id),
    ).toEqual([newest, recentTitle - 1]);
    // A title must hold every included word to come first.
    expect(ids(db, 'cloud confiance', 2)).toEqual([recentTitle]);
    expect(ids(db, 'cloud brève', 2)).toEqual([newest, recentTitle - 1]);
  });

  it('ranks by title, then newest, when an excluded word is common', () => {
    const db = freshDb();
    db.transaction(() => {
      for (let i = 0; i < RARE_WORD_ARTICLES; i += 1) save(db, `Brève ${i}`, 'Le cloud.');
    })();
    const often = save(db, 'Rectorat', 'Un xylophone, un xylophone, encore un xylophone.');
    const once = save(
      db,
      'Rectorat',
      'Un xylophone en passant, parmi bien d’autres mots du texte.',
    );
    const cloud = save(db, 'Rectorat', 'Un xylophone dans le cloud.');
    expect(ids(db, 'xylophone')[0]).toBe(often);
    expect(ids(db, 'xylophone -cloud')).toEqual([once, often]);
    expect(ids(db, 'xylophone -cloud')).not.toContain(cloud);
  });
});
