import { describe, expect, it } from 'vitest';
import { headerValue, isMessageId, isPlainAddress } from '../../../src/deliver/email/header.ts';

describe('headerValue', () => {
  it('flattens CR, LF, tabs, NUL and Unicode line separators into single spaces', () => {
    expect(headerValue('L’UGAP relance\r\nBcc: intrus@example.net\t\0fin\u2028ligne')).toBe(
      'L’UGAP relance Bcc: intrus@example.net fin ligne',
    );
  });

  it('removes bidi overrides that could disguise a subject', () => {
    expect(headerValue('Offre \u202Egnp.exe\u202C SecNumCloud')).toBe('Offre gnp.exe SecNumCloud');
  });

  it('cuts a runaway value at 300 characters with an ellipsis', () => {
    const long = 'Health Data Hub '.repeat(40);
    const value = headerValue(long);
    expect(value).toHaveLength(300);
    expect(value.endsWith('…')).toBe(true);
  });
});

describe('isPlainAddress', () => {
  it('accepts one ordinary mailbox', () => {
    expect(isPlainAddress('prenom.nom+veille@exemple-ministere.gouv.fr')).toBe(true);
  });

  it.each([
    ['a header smuggled after CRLF', 'equipe@exemple.fr\r\nBcc: intrus@example.net'],
    ['a display name', 'Équipe Cloud <equipe@exemple.fr>'],
    ['a list', 'equipe@exemple.fr, dsi@exemple.fr'],
    ['no domain', 'equipe@'],
    ['a space', 'equipe cloud@exemple.fr'],
  ])('refuses %s', (_case, address) => {
    expect(isPlainAddress(address)).toBe(false);
  });
});

describe('isMessageId', () => {
  it('accepts <left@right> and refuses anything with spaces, controls or no brackets', () => {
    expect(isMessageId('<vigie-2026-11-23-0123456789abcdef@vigie.local>')).toBe(true);
    expect(isMessageId('vigie-2026-11-23@vigie.local')).toBe(false);
    expect(isMessageId('<a@b>\r\nBcc: intrus@example.net')).toBe(false);
    expect(isMessageId('<a b@c>')).toBe(false);
  });
});
