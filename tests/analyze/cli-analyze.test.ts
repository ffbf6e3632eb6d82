import { describe, expect, it } from 'vitest';
import { formatAnalysis, looksLikeHtml } from '../../src/cli/analyze.ts';

describe('vigie analyze helpers', () => {
  it('recognises HTML documents and fragments, not plain text', () => {
    expect(looksLikeHtml('<!DOCTYPE html><html><body></body></html>')).toBe(true);
    expect(looksLikeHtml('<div><p>Un</p><p>Deux</p><p>Trois</p></div>')).toBe(true);
    expect(looksLikeHtml('L’UGAP a signé. Le taux < 3 % reste faible.')).toBe(false);
  });

  it('prints a readable summary with the hits shown in brackets', () => {
    const text = formatAnalysis({
      terms: [{ id: 'ugap', count: 1, snippets: ['Selon l’⟦UGAP⟧, le marché est ouvert.'] }],
      topics: [{ id: 'commande-publique', score: 6, reasons: ['UGAP', 'marché'] }],
      entities: [{ id: 'ugap', name: 'UGAP', count: 1 }],
      amounts: [{ eur: 54_000_000, text: '54 M€' }],
      deadlines: [{ date: '2026-03-30', text: 'jusqu’au 30 mars 2026' }],
    });
    expect(text).toContain('ugap ×1');
    expect(text).toContain('« Selon l’[UGAP], le marché est ouvert. »');
    expect(text).toContain('commande-publique 6 (UGAP, marché)');
    expect(text).toContain('2026-03-30 (jusqu’au 30 mars 2026)');
  });
});
