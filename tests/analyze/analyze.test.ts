import { describe, expect, it } from 'vitest';
import { analyze, analyzeIfMatched } from '../../src/analyze/analyze.ts';
import { rules } from './rules-fixture.ts';

describe('analyze', () => {
  it('returns the DESIGN.md shape for a realistic article', () => {
    const result = analyze(
      {
        title: 'La Plateforme des données de santé quitte Azure',
        text: [
          'Le gouvernement a choisi un hébergeur qualifié SecNum Cloud pour le Health Data Hub (HDH).',
          'Le marché, passé via l’UGAP, atteint 6,2 millions d’euros ; les offres sont attendues jusqu’au 4 août.',
        ].join('\n\n'),
        url: 'https://example.org/hdh',
        publishedAt: '2025-07-07T08:00:00Z',
      },
      rules,
    );
    expect(result.terms.map((term) => [term.id, term.count])).toEqual([
      ['health-data-hub', 3],
      ['secnumcloud', 1],
      ['ugap', 1],
    ]);
    expect(result.terms[0]?.snippets[0]).toBe('La ⟦Plateforme des données de santé⟧ quitte Azure');
    expect(result.amounts).toEqual([{ eur: 6_200_000, text: '6,2 millions d’euros' }]);
    expect(result.deadlines).toEqual([{ date: '2025-08-04', text: 'jusqu’au 4 août' }]);
    expect(result.entities.map((entity) => entity.id)).toEqual(['microsoft', 'ugap']);
    expect(result.topics.map((topic) => topic.id)).toContain('hebergement');
    for (const topic of result.topics) expect(topic.reasons.length).toBeGreaterThan(0);
  });

  it('finds nothing in an unrelated text', () => {
    expect(analyze({ text: 'Le club de rugby a gagné dimanche.' }, rules)).toEqual({
      terms: [],
      topics: [],
      entities: [],
      amounts: [],
      deadlines: [],
    });
  });
});

describe('analyzeIfMatched (the poll path)', () => {
  const matched = {
    title: 'L’UGAP référence un cloud qualifié SecNumCloud',
    text: 'La centrale d’achat public ouvre son catalogue à 12 millions d’euros d’ici le 1er mars.',
    url: 'https://example.org/ugap',
    publishedAt: '2026-01-10T08:00:00Z',
  };

  it('gives the whole analysis of a document that mentions a watch term', () => {
    expect(analyzeIfMatched(matched, rules)).toEqual(analyze(matched, rules));
  });

  it('gives null for a document that mentions none, even with amounts and dates', () => {
    const other = {
      ...matched,
      title: 'Un opérateur lance une offre de stockage',
      text: 'L’offre coûte 12 millions d’euros et ouvre le 1er mars chez Microsoft.',
    };
    expect(analyze(other, rules).terms).toEqual([]);
    expect(analyzeIfMatched(other, rules)).toBeNull();
  });
});
