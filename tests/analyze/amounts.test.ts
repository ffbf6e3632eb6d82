import { describe, expect, it } from 'vitest';
import { extractAmounts, readNumber } from '../../src/analyze/amounts.ts';

describe('extractAmounts', () => {
  it.each([
    [
      'Le marché est estimé à 6,2 millions d’euros sur quatre ans.',
      6_200_000,
      '6,2 millions d’euros',
    ],
    ['Un contrat de 54 M€ a été signé.', 54_000_000, '54 M€'],
    ['Les économies tombent à 500 000 euros.', 500_000, '500 000 euros'],
    ['The deal is worth €1.2bn over five years.', 1_200_000_000, '€1.2bn'],
    ['Les commandes ont atteint 1,2 milliard d’euros.', 1_200_000_000, '1,2 milliard d’euros'],
    ['Une enveloppe de 3,7 Md€ est prévue.', 3_700_000_000, '3,7 Md€'],
    ['Une amende de 15 000€ est encourue.', 15_000, '15 000€'],
    ['The agency got EUR 3 million.', 3_000_000, 'EUR 3 million'],
    ['Un budget de 250 k€ pour l’audit.', 250_000, '250 k€'],
  ])('reads %j', (text, eur, phrase) => {
    expect(extractAmounts(text)).toEqual([{ eur, text: phrase }]);
  });

  it('leaves other currencies and bare numbers out', () => {
    expect(
      extractAmounts('Microsoft a investi 4 milliards de dollars et recruté 2 000 personnes.'),
    ).toEqual([]);
  });

  it('lists every amount in order, repeats once', () => {
    const text =
      'OVH (19,5 millions d’euros) devance Microsoft (8,1 millions d’euros), puis OVH à 19,5 millions d’euros.';
    expect(extractAmounts(text).map((amount) => amount.eur)).toEqual([19_500_000, 8_100_000]);
  });

  it('skips amounts inside ignored spans', () => {
    const text = 'Voir 5 M€ ici.';
    expect(extractAmounts(text, [{ start: 5, end: 9 }])).toEqual([]);
  });
});

describe('readNumber', () => {
  it('tells thousands groups from decimal marks', () => {
    expect(readNumber('1.200', false)).toBe(1200);
    expect(readNumber('1,250', true)).toBe(1.25);
    expect(readNumber('1,200,000', false)).toBe(1_200_000);
    expect(readNumber('1.234,5', false)).toBe(1234.5);
    expect(readNumber('500 000', false)).toBe(500_000);
  });
});
