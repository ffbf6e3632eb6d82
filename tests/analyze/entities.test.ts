import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../src/analyze/entities.ts';
import { rules } from './rules-fixture.ts';

describe('extractEntities', () => {
  it('normalizes names to ids and counts them', () => {
    const text =
      'OVHcloud et 3DS Outscale devancent Microsoft Azure ; OVH reste premier devant la CNIL et l’ANSSI.';
    expect(extractEntities(text, rules)).toEqual([
      { id: 'ovhcloud', name: 'OVHcloud', count: 2 },
      { id: 'anssi', name: 'ANSSI', count: 1 },
      { id: 'cnil', name: 'CNIL', count: 1 },
      { id: 'microsoft', name: 'Microsoft Azure', count: 1 },
      { id: 'outscale', name: '3DS Outscale', count: 1 },
    ]);
  });

  it('reads institutions by their long names', () => {
    const text =
      "La Commission nationale de l'informatique et des libertés a saisi le Conseil d’Etat.";
    expect(extractEntities(text, rules).map((entity) => entity.id)).toEqual([
      'cnil',
      'conseil-d-etat',
    ]);
  });

  it('needs the capital for names that are common words', () => {
    expect(
      extractEntities('Bleu vise la qualification.', rules).map((entity) => entity.id),
    ).toEqual(['bleu']);
    expect(extractEntities('Un ciel bleu et une orange.', rules)).toEqual([]);
  });
});
