import { describe, expect, it } from 'vitest';
import { saveMatchedArticle } from '../../src/store/articles.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { listFeeds, syncConfiguredFeeds } from '../../src/store/feeds.ts';
import { dailyCounts, weeklyTrends, weekStart } from '../../src/store/trends.ts';
import { analysisOf, article } from './fixtures.ts';

const feeds = [{ name: 'LeMagIT', url: 'https://www.lemagit.fr/rss/ContentSyndication.xml' }];

function store(db: Db, slug: string, seenAt: string, terms: Parameters<typeof analysisOf>[0]) {
  const feedId = (listFeeds(db)[0] as { id: number }).id;
  return saveMatchedArticle(
    db,
    article({
      title: `L’UGAP et le cloud : ${slug}`,
      text: `La centrale d’achat public ${slug} référence une offre qualifiée SecNum Cloud.`,
      url: `https://www.lemagit.fr/actualites/${slug}`,
      analysis: analysisOf(terms, ['commande-publique']),
    }),
    { feedId, itemKey: slug, itemUrl: null, publishedAt: null },
    { digest: false, alerts: [] },
    seenAt,
  );
}

describe('trends', () => {
  it('starts weeks on Monday, UTC', () => {
    expect(weekStart(new Date('2026-03-02T08:00:00+01:00'))).toBe('2026-03-02');
    expect(weekStart(new Date('2026-03-08T23:30:00Z'))).toBe('2026-03-02');
    expect(weekStart(new Date('2026-03-01T23:30:00Z'))).toBe('2026-02-23');
  });

  it('counts articles per term and topic per week, the current week last', () => {
    const db = openDb(':memory:');
    syncConfiguredFeeds(db, feeds, '2026-01-01T00:00:00.000Z');
    store(db, 'catalogue', '2026-02-24T09:00:00.000Z', ['ugap', 'secnumcloud']);
    store(db, 'postes', '2026-02-26T09:00:00.000Z', ['ugap']);
    store(db, 'numspot', '2026-03-02T06:00:00.000Z', ['ugap']);
    store(db, 'ancien', '2025-11-03T09:00:00.000Z', ['ugap']);
    const weekly = weeklyTrends(db, new Date('2026-03-02T08:00:00+01:00'), 8);
    expect(weekly.weeks).toHaveLength(8);
    expect(weekly.weeks.at(-1)).toBe('2026-03-02');
    expect(weekly.weeks[0]).toBe('2026-01-12');
    expect(weekly.terms.ugap).toEqual([0, 0, 0, 0, 0, 0, 2, 1]);
    expect(weekly.terms.secnumcloud).toEqual([0, 0, 0, 0, 0, 0, 1, 0]);
    expect(weekly.topics['commande-publique']).toEqual([0, 0, 0, 0, 0, 0, 2, 1]);
    expect(weekly.articles.reduce((a, b) => a + b, 0)).toBe(3);
    expect(dailyCounts(db, 'term', 'ugap', '2026-02-24', '2026-02-27')).toEqual(
      new Map([
        ['2026-02-24', 1],
        ['2026-02-26', 1],
      ]),
    );
  });

  it('keeps counts when articles are pruned', () => {
    const db = openDb(':memory:');
    syncConfiguredFeeds(db, feeds, '2026-01-01T00:00:00.000Z');
    store(db, 'catalogue', '2026-02-24T09:00:00.000Z', ['ugap']);
    db.prepare('DELETE FROM articles').run();
    expect(weeklyTrends(db, new Date('2026-03-02T08:00:00Z'), 2).terms.ugap).toEqual([1, 0]);
  });

  it('refuses a non-positive number of weeks', () => {
    expect(() => weeklyTrends(openDb(':memory:'), new Date('2026-03-02T08:00:00Z'), 0)).toThrow(
      RangeError,
    );
  });
});
