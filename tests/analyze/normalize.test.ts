import { describe, expect, it } from 'vitest';
import { fold, ignoredSpans, sentenceAround, tokenize } from '../../src/analyze/normalize.ts';

const norms = (text: string) => tokenize(text).norms;

describe('fold', () => {
  it('strips accents, lowers case and expands ligatures', () => {
    expect(fold('Hébergé À L’ŒUVRE')).toBe('heberge a l’oeuvre');
  });
});

describe('tokenize', () => {
  it('drops French elisions and the English possessive', () => {
    expect(norms("l’UGAP, d'achats, qu’elle, jusqu’au, France's cloud")).toEqual([
      'ugap',
      'achats',
      'elle',
      'au',
      'france',
      'cloud',
    ]);
  });

  it('keeps offsets into the original text', () => {
    const tokens = tokenize('Données de santé');
    expect(tokens.source.slice(tokens.starts[2], tokens.ends[2])).toBe('santé');
    expect(tokens.norms[0]).toBe('donnees');
  });

  it('joins dotted acronyms, spaced capitals and words hyphenated at a line end', () => {
    expect(norms('U.G.A.P. et U G A P et héber-\ngement')).toEqual([
      'ugap',
      'et',
      'ugap',
      'et',
      'hebergement',
    ]);
  });

  it('does not join version numbers or a plain pair of capitals', () => {
    expect(norms('SecNumCloud 3.2, plan B A')).toEqual(['secnumcloud', '3', '2', 'plan', 'b', 'a']);
  });

  it('keeps soft hyphens inside words', () => {
    expect(norms('héber\u00adgement')).toEqual(['hebergement']);
  });

  it('marks sentence breaks and blank lines but not single line breaks', () => {
    const tokens = tokenize('Health Data\nHub. Cloud\n\nAct');
    expect([...tokens.breaks]).toEqual([1, 0, 0, 1, 1]);
  });

  it('skips ignored spans', () => {
    const text = 'voir https://ugap.fr/x puis UGAP';
    expect(tokenize(text, ignoredSpans(text)).norms).toEqual(['voir', 'puis', 'ugap']);
  });
});

describe('sentenceAround', () => {
  const text = 'M. Dupont a parlé. Selon l’ANSSI, le visa est exigé. Ensuite';

  it('finds the sentence, not stopping at abbreviations', () => {
    const at = text.indexOf('ANSSI');
    const span = sentenceAround(text, at, at + 5);
    expect(text.slice(span.start, span.end)).toBe('Selon l’ANSSI, le visa est exigé.');
    const first = sentenceAround(text, 3, 9);
    expect(text.slice(first.start, first.end)).toBe('M. Dupont a parlé.');
  });

  it('treats a title line without full stop as its own sentence', () => {
    const doc = 'Le HDH change d’hébergeur\nLa suite du texte.';
    const span = sentenceAround(doc, 3, 6);
    expect(doc.slice(span.start, span.end)).toBe('Le HDH change d’hébergeur');
  });

  it('does not cut a hard-wrapped sentence at its line break', () => {
    const doc = 'La communauté a été approchée par la centrale\nd’achat publique.';
    const span = sentenceAround(doc, 0, 2);
    expect(doc.slice(span.start, span.end)).toBe(doc);
  });
});
