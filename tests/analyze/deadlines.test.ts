import { describe, expect, it } from 'vitest';
import { extractDeadlines } from '../../src/analyze/deadlines.ts';

const published = '2026-01-15T09:00:00Z';

describe('extractDeadlines', () => {
  it('keeps the lead-in of a deadline with its full date', () => {
    expect(
      extractDeadlines('Les candidatures sont ouvertes jusqu’au 30 mars 2026.', published),
    ).toEqual([{ date: '2026-03-30', text: 'jusqu’au 30 mars 2026' }]);
  });

  it('infers the year from the publication date', () => {
    expect(extractDeadlines('Le comité se réunira le 9 février.', published)).toEqual([
      { date: '2026-02-09', text: 'le 9 février' },
    ]);
  });

  it('picks the nearest year around the turn of the year', () => {
    expect(extractDeadlines('Rendez-vous le 9 janvier.', '2025-12-20')).toEqual([
      { date: '2026-01-09', text: 'le 9 janvier' },
    ]);
    expect(extractDeadlines('Annoncé le 28 décembre.', '2026-01-03')).toEqual([
      { date: '2025-12-28', text: 'le 28 décembre' },
    ]);
  });

  it('leaves a day without a year out when there is no publication date', () => {
    expect(extractDeadlines('Le comité se réunira le 9 février.')).toEqual([]);
  });

  it('leaves seasons out: « d’ici l’été 2026 » names no day', () => {
    expect(extractDeadlines('La migration sera achevée d’ici l’été 2026.', published)).toEqual([]);
  });

  it('resolves « fin mars 2026 » and « fin 2026 » to the last day', () => {
    expect(
      extractDeadlines(
        'Attribution attendue d’ici fin mars 2026, copie complète fin 2026.',
        published,
      ),
    ).toEqual([
      { date: '2026-03-31', text: 'attendue d’ici fin mars 2026' },
      { date: '2026-12-31', text: 'fin 2026' },
    ]);
  });

  it('reads 1er, weekdays, numeric and English dates', () => {
    const text =
      'Ouverture le 1er avril 2026. Dépôt avant le vendredi 26/01/2024. Bids are due by March 30, 2026 and 5 June 2026.';
    expect(extractDeadlines(text, published).map((hit) => hit.date)).toEqual([
      '2026-04-01',
      '2024-01-26',
      '2026-03-30',
      '2026-06-05',
    ]);
  });

  it('ignores publication bylines and impossible dates', () => {
    expect(
      extractDeadlines(
        'Publié le 24 janvier 2022 à 10h17. Le 31 février 2026 n’existe pas.',
        published,
      ),
    ).toEqual([]);
  });

  it('does not take the English modal "may" for a month', () => {
    expect(extractDeadlines('The agency may 10 times review it.', published)).toEqual([]);
  });
});
