import { describe, expect, it } from 'vitest';
import {
  escapeMarkdown,
  fitText,
  linkTarget,
  snippetMarkdown,
} from '../../../src/deliver/discord/text.ts';

describe('escapeMarkdown', () => {
  it('escapes a leading list number with a backslash Discord removes (before the dot)', () => {
    expect(escapeMarkdown('1. L’UGAP publie son bilan')).toBe('1\\. L’UGAP publie son bilan');
  });

  it('keeps a heading or quote marker from opening a block', () => {
    expect(escapeMarkdown('# SecNum Cloud')).toBe('\\# SecNum Cloud');
    expect(escapeMarkdown('> Health Data Hub')).toBe('\\> Health Data Hub');
  });

  it('puts the feed text on one line, without terminal escapes or bidi overrides', () => {
    expect(escapeMarkdown('Le HDH\n\u001b[2J(hôpital de jour)\u202e ferme')).toBe(
      'Le HDH \\[2J\\(hôpital de jour\\) ferme',
    );
  });
});

describe('linkTarget', () => {
  it('percent-encodes parentheses so the masked link cannot end early', () => {
    expect(linkTarget('https://fr.wikipedia.org/wiki/UGAP_(France)')).toBe(
      'https://fr.wikipedia.org/wiki/UGAP_%28France%29',
    );
  });

  it('refuses what is not an http(s) URL or is too long', () => {
    expect(linkTarget('javascript:alert(1)')).toBeNull();
    expect(linkTarget('pas une url')).toBeNull();
    expect(linkTarget(`https://www.example.fr/${'a'.repeat(600)}`)).toBeNull();
  });
});

describe('fitText', () => {
  it('keeps whole words and marks the cut with …', () => {
    expect(fitText('La centrale d’achat public UGAP', 20, escapeMarkdown)).toBe(
      'La centrale d’achat…',
    );
  });

  it('cuts a single overlong word between graphemes, never inside an emoji', () => {
    const word = '🇫🇷'.repeat(10);
    const cut = fitText(word, 9, (s) => s);
    expect(cut).toBe('🇫🇷🇫🇷…');
  });

  it('counts the escaping in the budget', () => {
    const fitted = fitText('**UGAP** **UGAP** **UGAP**', 20, escapeMarkdown);
    expect(fitted).toBe('\\*\\*UGAP\\*\\*…');
    expect(fitted.length).toBeLessThanOrEqual(20);
  });
});

describe('snippetMarkdown', () => {
  it('bolds hits after escaping the rest, and closes a hit cut short', () => {
    expect(snippetMarkdown('Le *marché* de ⟦l’UGAP⟧ et ⟦SecNum')).toBe(
      'Le \\*marché\\* de **l’UGAP** et **SecNum**',
    );
  });

  it('cannot be made to bold or link through a hit', () => {
    expect(snippetMarkdown('⟦**[UGAP](http://evil)**⟧')).toBe(
      '**\\*\\*\\[UGAP\\]\\(http://evil\\)\\*\\***',
    );
  });
});
