import { describe, expect, it } from 'vitest';
import { matchTerms } from '../../src/analyze/match.ts';
import { rules } from './rules-fixture.ts';

const termIds = (text: string) => matchTerms(text, rules).map((hit) => hit.id);
const countOf = (text: string, id: string) =>
  matchTerms(text, rules).find((hit) => hit.id === id)?.count ?? 0;

describe('matchTerms: spellings', () => {
  it('matches UGAP after an elision, with either apostrophe', () => {
    expect(countOf("Les ministères achètent via l’UGAP et d'UGAP dépend le prix.", 'ugap')).toBe(2);
  });

  it('matches the long name of UGAP, accents and case folded', () => {
    expect(
      termIds("Une convention avec l'UNION DES GROUPEMENTS D’ACHATS PUBLICS a été signée."),
    ).toEqual(['ugap']);
  });

  it('matches dotted and spaced acronyms', () => {
    expect(
      countOf('La centrale U.G.A.P. référence ce marché, comme l’U G A P en 2019.', 'ugap'),
    ).toBe(2);
  });

  it('matches SecNumCloud written in two words, hyphenated or in lower case', () => {
    expect(
      countOf('Offre SecNum Cloud, label Secnum-Cloud, visa secnumcloud.', 'secnumcloud'),
    ).toBe(3);
  });

  it('matches a long name split across a line break', () => {
    expect(termIds('Le rapport sur la Plateforme des\ndonnées de santé est paru.')).toEqual([
      'health-data-hub',
    ]);
    expect(termIds('le Health Data\nHub prépare sa migration')).toEqual(['health-data-hub']);
  });

  it('matches a word hyphenated at a line end', () => {
    expect(termIds('Le Health Data Hub et la qualification SecNum-\nCloud.')).toEqual([
      'health-data-hub',
      'secnumcloud',
    ]);
  });

  it('matches the typo "Health Hub Data" seen in the press', () => {
    expect(termIds('Le Health Hub Data reste hébergé chez Microsoft.')).toEqual([
      'health-data-hub',
    ]);
  });

  it('does not match SecNumedu, another ANSSI label', () => {
    expect(termIds('Cette formation est labellisée SecNumedu par l’ANSSI.')).toEqual([]);
  });

  it('does not match other purchasing centres (UniHA, Resah, CAIH)', () => {
    expect(termIds('UniHA, le Resah et la CAIH mutualisent les achats hospitaliers.')).toEqual([]);
  });
});

describe('matchTerms: look-alikes of the Health Data Hub', () => {
  it('ignores HDH when it means hôpital de jour', () => {
    expect(termIds('Le service HDH (hôpital de jour) du CHU ferme l’été.')).toEqual([]);
  });

  it('ignores a bare HDH without any health-data context', () => {
    expect(termIds('Réunion HDH jeudi à 14 h en salle 3.')).toEqual([]);
  });

  it('counts HDH once the Health Data Hub is named in the article', () => {
    const text =
      'Le Health Data Hub publie son bilan.\n\nLe HDH compte 200 projets. Le HDH recrute.';
    expect(countOf(text, 'health-data-hub')).toBe(3);
  });

  it('counts HDH alone in a sentence about hosting health data', () => {
    expect(termIds('Le HDH quittera Microsoft Azure pour un hébergeur qualifié.')).toEqual([
      'health-data-hub',
    ]);
  });

  it('ignores HDS, the health data hosting certification', () => {
    expect(
      termIds('Cet hébergeur est certifié HDS (hébergeur de données de santé) depuis 2021.'),
    ).toEqual([]);
  });

  it('ignores the SNDS alone', () => {
    expect(
      termIds('Le Système national des données de santé (SNDS) couvre 68 millions de personnes.'),
    ).toEqual([]);
  });

  it('ignores the EHDS and regional health data hubs', () => {
    expect(termIds('L’EHDS (European Health Data Space) entre en vigueur.')).toEqual([]);
    expect(termIds('La Bretagne crée un health data hub régional.')).toEqual([]);
    expect(termIds('Each country should build a regional health data hub.')).toEqual([]);
    expect(termIds('Les health data hubs se multiplient en Europe.')).toEqual([]);
  });

  it('ignores PDS when it means permanence des soins', () => {
    expect(termIds('La PDS (permanence des soins) reste fragile le week-end.')).toEqual([]);
  });

  it('counts the platform described without its name', () => {
    const text =
      'La CNIL veut que la plateforme réunissant les données de santé des Français ne soit plus hébergée par Microsoft.';
    expect(termIds(text)).toEqual(['health-data-hub']);
  });
});

describe('matchTerms: links and navigation do not count', () => {
  it('ignores a term only present in a URL', () => {
    expect(termIds('Source : https://www.ugap.fr/secnumcloud/health-data-hub.html')).toEqual([]);
    expect(termIds('Plus d’informations sur ugap.fr et www.secnumcloud.example.org')).toEqual([]);
  });

  it('ignores a « À lire aussi » block and a breadcrumb', () => {
    const text = [
      'Accueil > Cloud > SecNumCloud',
      'Les hébergeurs français investissent dans leurs datacenters.',
      '',
      'À lire aussi',
      'L’UGAP renouvelle son marché cloud',
      'Le Health Data Hub change d’hébergeur',
      '',
      'Fin de l’article.',
    ].join('\n');
    expect(termIds(text)).toEqual([]);
  });
});

describe('matchTerms: snippets', () => {
  it('returns the sentence around the hit with the hit marked', () => {
    const [hit] = matchTerms(
      'Premier point. Selon l’UGAP, le marché est ouvert. Dernier point.',
      rules,
    );
    expect(hit?.snippets).toEqual(['Selon l’⟦UGAP⟧, le marché est ouvert.']);
  });

  it('cuts a long sentence to 200 characters on word boundaries, with ellipses', () => {
    const filler = 'les collectivités territoriales commandent du matériel informatique ';
    const text = `En 2025, ${filler.repeat(4)}par l’UGAP ${filler.repeat(4)}chaque année.`;
    const [snippet] = matchTerms(text, rules)[0]?.snippets ?? [];
    expect(snippet?.length).toBeLessThanOrEqual(200);
    expect(snippet).toMatch(/^….*⟦UGAP⟧.*…$/);
    const words = new Set(text.split(/\s+/));
    for (const word of (snippet ?? '').replace(/[…⟦⟧]/g, '').split(' ')) {
      expect(words.has(word) || word === 'l’UGAP').toBe(true);
    }
  });

  it('keeps at most three snippets from distinct sentences but counts every hit', () => {
    const text = Array.from({ length: 5 }, (_, i) => `Phrase ${i + 1} sur l’UGAP et l’UGAP.`).join(
      ' ',
    );
    const [hit] = matchTerms(text, rules);
    expect(hit?.count).toBe(10);
    expect(hit?.snippets).toHaveLength(3);
    expect(hit?.snippets[0]).toBe('Phrase 1 sur l’⟦UGAP⟧ et l’⟦UGAP⟧.');
  });
});
