import { describe, expect, it } from 'vitest';
import { renderPng, trendChartSvg, trendChartText } from '../../src/deliver/chart.ts';
import type { WeeklyTrends } from '../../src/store/trends.ts';

const trends: WeeklyTrends = {
  weeks: [
    '2026-01-12',
    '2026-01-19',
    '2026-01-26',
    '2026-02-02',
    '2026-02-09',
    '2026-02-16',
    '2026-02-23',
    '2026-03-02',
  ],
  articles: [4, 6, 8, 10, 14, 11, 10, 11],
  terms: {
    'health-data-hub': [3, 5, 2, 8, 12, 7, 4, 9],
    secnumcloud: [1, 2, 6, 4, 3, 5, 7, 2],
    ugap: [0, 1, 1, 2, 0, 3, 1, 1],
  },
  topics: {
    hebergement: [0, 0, 0, 0, 0, 0, 0, 0],
    certification: [0, 0, 0, 0, 0, 0, 0, 0],
    'commande-publique': [0, 0, 0, 0, 0, 0, 0, 0],
    regulation: [0, 0, 0, 0, 0, 0, 0, 0],
    finances: [0, 0, 0, 0, 0, 0, 0, 0],
    'donnees-sante': [0, 0, 0, 0, 0, 0, 0, 0],
    souverainete: [0, 0, 0, 0, 0, 0, 0, 0],
    cybersecurite: [0, 0, 0, 0, 0, 0, 0, 0],
  },
};

describe('trend chart', () => {
  it('draws one line per watch term with French week labels', () => {
    const svg = trendChartSvg(trends, 'fr');
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    expect(svg).toContain('12 janv.');
    expect(svg).toContain('Articles par terme suivi, 8 dernières semaines');
    expect(svg).toContain('>SecNumCloud<');
  });

  it('renders a PNG from the SVG', () => {
    const png = renderPng(trendChartSvg(trends, 'en'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // Width and height from the IHDR chunk.
    expect(png.readUInt32BE(16)).toBe(800);
    expect(png.readUInt32BE(20)).toBe(360);
  });

  it('falls back to text bars scaled on the busiest term', () => {
    expect(trendChartText(trends, 'fr')).toEqual([
      'Health Data Hub ▃▄▂▆█▅▃▆ 9 cette semaine',
      'SecNumCloud ▂▂▅▃▃▄▅▂ 2 cette semaine',
      'UGAP ▁▂▂▂▁▃▂▂ 1 cette semaine',
    ]);
  });

  it('draws an empty period without dividing by zero', () => {
    const empty = {
      ...trends,
      terms: { 'health-data-hub': [0, 0], secnumcloud: [0, 0], ugap: [0, 0] },
      weeks: ['2026-02-23', '2026-03-02'],
    };
    expect(trendChartSvg(empty, 'fr')).not.toContain('NaN');
    expect(trendChartText(empty, 'en')[0]).toBe('Health Data Hub ▁▁ 0 this week');
  });
});
