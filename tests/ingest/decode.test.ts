import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetParameter, decodeDocument, encodingForLabel } from '../../src/ingest/decode.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url));

const cp1252 = (text: string) => iconv.encode(text, 'windows-1252');
const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe('decodeDocument: where the encoding comes from', () => {
  it('lets a UTF-8 BOM win over a Latin-1 Content-Type and strips it', () => {
    const result = decodeDocument(
      fixture('utf8-bom-latin1-header.xml'),
      'text/xml; charset=ISO-8859-1',
      'xml',
    );
    expect(result.encoding).toEqual({ name: 'utf-8', source: 'bom' });
    expect(result.text.startsWith('<?xml')).toBe(true);
    expect(result.text).toContain('Le Health Data Hub quitte Azure : l’État choisit un cloud');
  });

  it('reads UTF-16LE behind its BOM', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('<rss><title>L’UGAP à Rennes</title></rss>', 'utf16le'),
    ]);
    const result = decodeDocument(bytes, 'application/xml; charset=utf-8', 'xml');
    expect(result.encoding).toEqual({ name: 'utf-16le', source: 'bom' });
    expect(result.text).toBe('<rss><title>L’UGAP à Rennes</title></rss>');
  });

  it('takes the Content-Type charset before the XML prolog', () => {
    const bytes = cp1252(
      '<?xml version="1.0" encoding="UTF-8"?><rss><title>Télétravail : l’État tranche</title></rss>',
    );
    const result = decodeDocument(bytes, 'application/rss+xml; charset=windows-1252', 'xml');
    expect(result.encoding).toEqual({ name: 'windows-1252', source: 'header' });
    expect(result.text).toContain('Télétravail : l’État tranche');
  });

  it('takes the XML prolog when the header has no charset, with 0x92 as ’ and 0x80 as €', () => {
    const bytes = fixture('windows-1252-quotes-euro.xml');
    expect(bytes.includes(0x92)).toBe(true);
    expect(bytes.includes(0x80)).toBe(true);
    const result = decodeDocument(bytes, 'application/rss+xml', 'xml');
    expect(result.encoding).toEqual({ name: 'windows-1252', source: 'prolog' });
    expect(result.text).toContain('L’UGAP relève à 120 M€ son accord-cadre de cloud qualifié');
    expect(result.text).not.toMatch(/[\u0080-\u009f]/);
  });

  it('reads iso-8859-1 as windows-1252, as browsers do (not U+0092)', () => {
    const bytes = cp1252('<rss><title>L’ANSSI qualifie l’offre : 3 M€</title></rss>');
    const result = decodeDocument(bytes, 'text/xml; charset=ISO-8859-1', 'xml');
    expect(result.encoding.name).toBe('windows-1252');
    expect(result.text).toContain('L’ANSSI qualifie l’offre : 3 M€');
  });

  it('takes an HTML page’s <meta charset> when the header is silent', () => {
    const page = '<html><head><meta charset="iso-8859-1"><title>Marchés publics</title></head>';
    const result = decodeDocument(
      cp1252(`${page}<body>Réforme de l’UGAP</body></html>`),
      null,
      'html',
    );
    expect(result.encoding).toEqual({ name: 'windows-1252', source: 'meta' });
    expect(result.text).toContain('Réforme de l’UGAP');
  });

  it('reads the charset of an http-equiv Content-Type meta', () => {
    const page =
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">' +
      '</head><body>Hébergeur qualifié SecNumCloud</body></html>';
    const result = decodeDocument(cp1252(page), 'text/html', 'html');
    expect(result.encoding).toEqual({ name: 'windows-1252', source: 'meta' });
    expect(result.text).toContain('Hébergeur qualifié');
  });

  it('ignores an XML prolog in an HTML page (it is not how pages declare their charset)', () => {
    const page = '<?xml version="1.0" encoding="iso-8859-1"?><html><body>Santé</body></html>';
    const result = decodeDocument(utf8(page), null, 'html');
    expect(result.encoding).toEqual({ name: 'utf-8', source: 'default' });
    expect(result.text).toContain('Santé');
  });

  it('defaults to UTF-8 when nothing is declared and the bytes are UTF-8', () => {
    const result = decodeDocument(utf8('<rss><title>Données de santé</title></rss>'), null, 'xml');
    expect(result.encoding).toEqual({ name: 'utf-8', source: 'default' });
    expect(result.text).toContain('Données de santé');
  });

  it('skips an unknown header label and falls through to the prolog', () => {
    const bytes = cp1252('<?xml version="1.0" encoding="latin1"?><rss><title>Été</title></rss>');
    const result = decodeDocument(bytes, 'text/xml; charset=x-inconnu', 'xml');
    expect(result.encoding).toEqual({ name: 'windows-1252', source: 'prolog' });
    expect(result.text).toContain('Été');
  });
});

describe('decodeDocument: when the declaration lies', () => {
  it('falls back to windows-1252 when a declared UTF-8 is not UTF-8', () => {
    const bytes = cp1252(
      '<?xml version="1.0" encoding="UTF-8"?><rss><title>Hôpital de jour : l’HDH de Nantes</title></rss>',
    );
    const result = decodeDocument(bytes, 'text/xml; charset=utf-8', 'xml');
    expect(result.encoding).toEqual({ name: 'windows-1252', source: 'fallback' });
    expect(result.text).toContain('Hôpital de jour : l’HDH de Nantes');
    expect(result.text).not.toContain('\uFFFD');
  });

  it('falls back to windows-1252 when nothing is declared and the bytes are not UTF-8', () => {
    const result = decodeDocument(cp1252('<rss><title>Sécurité</title></rss>'), null, 'xml');
    expect(result.encoding).toEqual({ name: 'windows-1252', source: 'fallback' });
    expect(result.text).toContain('Sécurité');
  });

  it('keeps UTF-8 when one truncated character sits among many accents', () => {
    const paragraph =
      'La plateforme des données de santé précise qu’elle hébergera les données à l’échelle ' +
      'européenne, après l’avis défavorable de la Cnil. ';
    const truncated = Buffer.from([0xc3]); // an excerpt cut in the middle of « é »
    const bytes = Buffer.concat([
      utf8(`<?xml version="1.0" encoding="UTF-8"?><rss><title>Réécriture</title><description>`),
      utf8(paragraph.repeat(3)),
      truncated,
      utf8('</description></rss>'),
    ]);
    const result = decodeDocument(bytes, 'application/rss+xml; charset=UTF-8', 'xml');
    expect(result.encoding).toEqual({ name: 'utf-8', source: 'header' });
    expect(result.text).toContain('<title>Réécriture</title>');
    expect(result.text.match(/\uFFFD/g)).toHaveLength(1);
    expect(result.text).not.toContain('Ã©');
  });

  it('still falls back when invalid bytes are as common as valid multi-byte ones', () => {
    const mixed = Buffer.concat([utf8('<rss><title>Événement'), cp1252(' à Paris, déjà complet')]);
    const result = decodeDocument(mixed, 'text/xml; charset=utf-8', 'xml');
    expect(result.encoding.source).toBe('fallback');
    expect(result.text).toContain('déjà complet');
  });

  it('reads UTF-8 bytes served as ISO-8859-1 as UTF-8', () => {
    const bytes = utf8('<rss><title>La Cnil et l’hébergement des données de santé</title></rss>');
    const result = decodeDocument(bytes, 'text/xml; charset=ISO-8859-1', 'xml');
    expect(result.encoding).toEqual({ name: 'utf-8', source: 'fallback' });
    expect(result.text).toContain('l’hébergement des données');
  });

  it('reads a page converted to UTF-8 that kept its GBK meta as UTF-8, and a real GBK page as GBK', () => {
    const title = '<title>人工智能迈上新台阶</title>';
    const page = (bytes: Buffer) =>
      Buffer.concat([utf8('<html><head><meta charset="gb2312">'), bytes, utf8('</head></html>')]);
    const converted = decodeDocument(page(utf8(title)), null, 'html');
    expect(converted.encoding).toEqual({ name: 'utf-8', source: 'fallback' });
    expect(converted.text).toContain('人工智能迈上新台阶');
    const legacy = decodeDocument(page(iconv.encode(title, 'gb2312')), null, 'html');
    expect(legacy.encoding.source).toBe('meta');
    expect(legacy.text).toContain('人工智能迈上新台阶');
  });

  it('keeps a declared windows-1252 when the text is plain ASCII', () => {
    const bytes = utf8('<rss><title>UGAP: new cloud framework</title></rss>');
    const result = decodeDocument(bytes, 'text/xml; charset=us-ascii', 'xml');
    expect(result.encoding).toEqual({ name: 'windows-1252', source: 'header' });
  });
});

describe('encodingForLabel', () => {
  it.each([
    ['latin1', 'windows-1252'],
    ['ISO-8859-1', 'windows-1252'],
    ['us-ascii', 'windows-1252'],
    ['  "UTF8" ', 'utf-8'],
    ['Windows-1252', 'windows-1252'],
    ['ISO-8859-15', 'iso-8859-15'],
    ['koi8-r', 'koi8-r'],
  ])('maps %j to %s as the WHATWG Encoding Standard does', (label, name) => {
    expect(encodingForLabel(label)).toBe(name);
  });

  it('returns null for a label nobody knows', () => {
    expect(encodingForLabel('x-martien')).toBeNull();
    expect(encodingForLabel('')).toBeNull();
  });
});

describe('charsetParameter', () => {
  it('reads quoted and unquoted values and ignores other parameters', () => {
    expect(charsetParameter('text/html; charset="windows-1252"')).toBe('windows-1252');
    expect(charsetParameter('application/xml;charset=UTF-8;q=1')).toBe('UTF-8');
    expect(charsetParameter('application/atom+xml')).toBeNull();
    expect(charsetParameter('text/xml; charset=')).toBeNull();
  });
});
