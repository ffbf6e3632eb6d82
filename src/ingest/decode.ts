/**
 * Bytes → text, before any parser sees them (rss-parser and cheerio ignore the charset).
 *
 * The encoding is taken, in order, from:
 * 1. a byte-order mark (`bom`), which wins over every declaration;
 * 2. the `charset` of the HTTP Content-Type (`header`);
 * 3. the XML declaration (`prolog`), or for HTML a `<meta charset>` / `http-equiv` (`meta`);
 * 4. UTF-8 (`default`).
 * Labels are mapped as the WHATWG Encoding Standard does: `iso-8859-1`, `latin1` and `us-ascii`
 * mean windows-1252, so byte 0x92 is `’`, not the control character U+0092.
 *
 * Declarations lie, so the bytes get the last word (`fallback`):
 * - UTF-8 chosen but the bytes are not UTF-8 → windows-1252, unless invalid sequences are rare
 *   next to valid multi-byte ones. A real UTF-8 feed with one truncated character keeps its
 *   accents (and gets one U+FFFD) instead of turning every `é` into `Ã©`.
 * - another encoding declared but the bytes are valid UTF-8 with multi-byte sequences → UTF-8:
 *   Latin-1 French text almost never forms valid UTF-8 (an `é` before an ASCII letter breaks it),
 *   nor does GBK or Shift_JIS text (their trail bytes are mostly not UTF-8 continuations), while
 *   servers that label UTF-8 files `ISO-8859-1` by default, and pages converted to UTF-8 that
 *   kept their old `<meta charset>`, are common.
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import type { DecodedText, EncodingSource } from './types.ts';

const UTF8 = 'utf-8';
const WINDOWS_1252 = 'windows-1252';

// WHATWG labels of the encodings French feeds use; other labels go to iconv-lite as written.
const LABELS: Record<string, string> = {};
for (const [name, labels] of Object.entries({
  [UTF8]: [
    'utf-8',
    'utf8',
    'unicode-1-1-utf-8',
    'unicode11utf8',
    'unicode20utf8',
    'x-unicode20utf8',
  ],
  [WINDOWS_1252]: [
    'windows-1252',
    'ansi_x3.4-1968',
    'ascii',
    'cp1252',
    'cp819',
    'csisolatin1',
    'ibm819',
    'iso-8859-1',
    'iso-ir-100',
    'iso8859-1',
    'iso88591',
    'iso_8859-1',
    'iso_8859-1:1987',
    'l1',
    'latin1',
    'us-ascii',
    'x-cp1252',
  ],
  'iso-8859-15': ['iso-8859-15', 'csisolatin9', 'iso8859-15', 'iso885915', 'iso_8859-15', 'l9'],
  'utf-16le': [
    'utf-16le',
    'utf-16',
    'ucs-2',
    'unicode',
    'unicodefeff',
    'csunicode',
    'iso-10646-ucs-2',
  ],
  'utf-16be': ['utf-16be', 'unicodefffe'],
})) {
  for (const label of labels) LABELS[label] = name;
}

/**
 * The WHATWG name of an encoding label (`Latin1` → `windows-1252`), or null when neither the
 * table nor iconv-lite knows it. Pure.
 */
export function encodingForLabel(label: string): string | null {
  const key = label
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (!key) return null;
  const known = LABELS[key];
  if (known) return known;
  return iconv.encodingExists(key) ? key : null;
}

/**
 * Decodes a fetched document to text. `contentType` is the HTTP header (or null); `kind`
 * says where an in-document declaration may sit (XML prolog or HTML meta). Returns the text
 * without BOM and the encoding used with the reason it was chosen (see the module comment).
 * Pure; never throws (unknown labels are skipped, undecodable bytes become U+FFFD).
 */
export function decodeDocument(
  bytes: Uint8Array,
  contentType: string | null,
  kind: 'xml' | 'html',
): DecodedText {
  const declared = declaredEncoding(bytes, contentType, kind);
  if (declared.source === 'bom') return decoded(bytes, declared.name, 'bom');
  if (declared.name === UTF8) {
    // The native validity check settles the common case; counting sequences in JS is only
    // needed when the bytes are not valid UTF-8 (it was a tenth of the parse time).
    return isUtf8(bytes) || keepsUtf8(utf8Stats(bytes))
      ? decoded(bytes, UTF8, declared.source)
      : decoded(bytes, WINDOWS_1252, 'fallback');
  }
  if (looksLikeUtf8(bytes)) return decoded(bytes, UTF8, 'fallback');
  return decoded(bytes, declared.name, declared.source);
}

function declaredEncoding(
  bytes: Uint8Array,
  contentType: string | null,
  kind: 'xml' | 'html',
): { name: string; source: EncodingSource } {
  const bom = bomEncoding(bytes);
  if (bom) return { name: bom, source: 'bom' };
  const header = contentType ? charsetParameter(contentType) : null;
  const fromHeader = header ? encodingForLabel(header) : null;
  if (fromHeader) return { name: fromHeader, source: 'header' };
  if (kind === 'xml') {
    const fromProlog = prologEncoding(bytes);
    if (fromProlog) return { name: fromProlog, source: 'prolog' };
  } else {
    const fromMeta = metaEncoding(bytes);
    if (fromMeta) return { name: fromMeta, source: 'meta' };
  }
  return { name: UTF8, source: 'default' };
}

function bomEncoding(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return UTF8;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

/** The `charset` parameter of a Content-Type value, or null. Pure. */
export function charsetParameter(contentType: string): string | null {
  const match = /;\s*charset\s*=\s*("[^"]*"|[^;\s]*)/i.exec(contentType);
  const value = match?.[1]?.replace(/"/g, '').trim();
  return value ? value : null;
}

function prologEncoding(bytes: Uint8Array): string | null {
  // XML 1.0 appendix F: a UTF-16 document without BOM starts `<?` with interleaved zeros.
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x3f && bytes[3] === 0x00) {
    return 'utf-16le';
  }
  if (bytes[0] === 0x00 && bytes[1] === 0x3c && bytes[2] === 0x00 && bytes[3] === 0x3f) {
    return 'utf-16be';
  }
  const head = asciiHead(bytes, 512);
  const prolog = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']+)["']/i.exec(head);
  if (!prolog?.[1]) return null;
  const name = encodingForLabel(prolog[1]);
  // A prolog read as ASCII can only be true for an ASCII-compatible encoding.
  return name?.startsWith('utf-16') ? UTF8 : name;
}

function metaEncoding(bytes: Uint8Array): string | null {
  // The WHATWG prescan looks at the first 1024 bytes; pages with long heads put it later.
  const head = asciiHead(bytes, 4096);
  for (const tag of head.match(/<meta\b[^>]*>/gi) ?? []) {
    const direct = /\bcharset\s*=\s*["']?\s*([^"'\s;/>]+)/i.exec(tag);
    const label = direct?.[1];
    if (!label) continue;
    const name = encodingForLabel(label);
    // WHATWG: a meta that claims UTF-16 is read as UTF-8, the bytes being ASCII-compatible.
    if (name) return name.startsWith('utf-16') ? UTF8 : name;
  }
  return null;
}

function asciiHead(bytes: Uint8Array, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, length)).toString(
    'latin1',
  );
}

interface Utf8Stats {
  /** Maximal invalid subparts, as the WHATWG decoder counts its U+FFFD. */
  invalid: number;
  /** Well-formed sequences of two to four bytes. */
  multibyte: number;
}

function utf8Stats(bytes: Uint8Array): Utf8Stats {
  let invalid = 0;
  let multibyte = 0;
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need =
      b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0) {
      invalid++;
      i++;
      continue;
    }
    // The second byte's range is narrower after E0, ED, F0 and F4 (overlongs, surrogates).
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    let j = 1;
    while (j <= need) {
      const c = bytes[i + j];
      const lo = j === 1 ? low : 0x80;
      const hi = j === 1 ? high : 0xbf;
      if (c === undefined || c < lo || c > hi) break;
      j++;
    }
    if (j > need) multibyte++;
    else invalid++;
    i += j > need ? need + 1 : j;
  }
  return { invalid, multibyte };
}

// Valid multi-byte sequences per invalid one above which a document is UTF-8 with a few bad
// bytes (a truncated excerpt) rather than a single-byte encoding. windows-1252 French text
// yields almost no valid sequences, so even a small ratio separates the two.
const MULTIBYTE_PER_INVALID = 10;

function keepsUtf8(stats: Utf8Stats): boolean {
  return stats.invalid === 0 || stats.multibyte >= MULTIBYTE_PER_INVALID * stats.invalid;
}

const strictUtf8 = new TextDecoder(UTF8, { fatal: true });

function looksLikeUtf8(bytes: Uint8Array): boolean {
  let hasHighByte = false;
  for (const b of bytes) {
    if (b >= 0x80) {
      hasHighByte = true;
      break;
    }
  }
  if (!hasHighByte) return false;
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch (error) {
    // fatal: true reports malformed input by throwing TypeError; that is the answer, not a fault.
    if (error instanceof TypeError) return false;
    throw error;
  }
}

const lenientUtf8 = new TextDecoder(UTF8);

function decoded(bytes: Uint8Array, name: string, source: EncodingSource): DecodedText {
  const raw =
    name === UTF8
      ? lenientUtf8.decode(bytes)
      : iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), name);
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  return { text, encoding: { name, source } };
}
