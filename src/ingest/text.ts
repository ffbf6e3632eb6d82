/**
 * Text cleanup shared by the ingest stages: feed titles and summaries here, article text in
 * extract. Pure string functions, no DOM: they run on every feed item, so they stay regex-based.
 */
import { decodeHTML } from 'entities';

// Control characters XML 1.0 forbids and no reader wants to see (tab, LF and CR stay).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g;

/**
 * Decodes HTML entities (named, decimal, hex) exactly once, as a browser would in text:
 * `C&rsquo;est` → `C’est`, `&amp;eacute;` → `&eacute;` (not `é`). Unknown names stay as written.
 * Pure.
 */
export function decodeHtmlEntities(text: string): string {
  return text.includes('&') ? decodeHTML(text) : text;
}

/**
 * Trims and collapses runs of whitespace (line breaks included) into one space, drops control
 * characters and normalizes to NFC. A no-break space (U+00A0) inside the text is kept: French
 * typography puts one before `:` and inside « ». Pure.
 */
export function cleanLine(text: string): string {
  const clean = stripControlChars(text);
  return (hasRunsToCollapse(clean, true) ? clean.replace(LINE_SPACES, ' ') : clean)
    .trim()
    .normalize('NFC');
}

const LINE_SPACES = /[ \t\r\n\f\v]+/g;
const SPACES = /[ \t\r\f\v]+/g;

/**
 * Whether replacing runs of white space (space, tab, CR, FF, VT, and LF when `newlines`) with
 * one space would change `text`. A single space between two words is such a run, so the
 * replacement rebuilt every summary once per word; plain searches tell first whether it is
 * needed, faster than one more pattern over the text.
 */
function hasRunsToCollapse(text: string, newlines: boolean): boolean {
  return (
    text.includes('  ') ||
    text.includes('\t') ||
    text.includes('\r') ||
    text.includes('\f') ||
    text.includes('\v') ||
    (newlines && text.includes('\n'))
  );
}

// What replacing each match of `\s*\n\s*` with a line break gives: each run of white space
// holding a line break becomes that line break. Found from the line breaks themselves, where
// the pattern was tried at every character.
function joinAroundNewlines(text: string): string {
  let joined = '';
  let copied = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', copied)) {
    let from = at;
    while (from > copied && isJsSpace(text.charCodeAt(from - 1))) from--;
    let to = at + 1;
    while (to < text.length && isJsSpace(text.charCodeAt(to))) to++;
    joined += `${text.slice(copied, from)}\n`;
    copied = to;
  }
  return joined + text.slice(copied);
}

/** Whether a UTF-16 code unit is white space to `\s` (ECMAScript WhiteSpace and LineTerminator). */
function isJsSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * A feed title as a reader should see it: entities decoded once, whitespace cleaned (see
 * {@link cleanLine}). Markup is left alone: in RSS a `<` in a title is text. Pure.
 */
export function cleanTitle(raw: string): string {
  return cleanLine(decodeHtmlEntities(raw));
}

// Elements whose end or start is a line break in rendered text.
const BLOCK_TAG =
  /<\/?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|pre|table|tr|td|th|section|article|header|footer|figure|figcaption|aside|nav|main)\b[^>]*>/gi;
// Elements whose content is never text for a reader.
const INVISIBLE = /<(script|style|noscript|template|iframe|svg|math)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const HAS_INVISIBLE = /<(?:script|style|noscript|template|iframe|svg|math)\b/i;
const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const TAG = /<\/?[A-Za-z][^>]*>|<![^>]*>|<\?[^>]*>/g;

/**
 * Plain text of an HTML fragment: scripts, styles and comments dropped, block elements turned
 * into line breaks, other tags removed, entities decoded once, control characters dropped,
 * whitespace collapsed, lines trimmed, empty lines dropped (lines joined by `\n`), NFC.
 * Regex-based, not a parser:
 * good enough for summaries, not for article extraction. Pure; never throws.
 */
export function htmlToText(html: string): string {
  let text = html;
  if (text.includes('<')) {
    // Each pass runs only when it can match: this is on the per-item path of every poll.
    if (text.includes('<!--')) text = text.replace(COMMENT, '');
    if (HAS_INVISIBLE.test(text)) text = text.replace(INVISIBLE, '');
    text = text.replace(BLOCK_TAG, '\n').replace(TAG, '');
  }
  return joinLines(decodeHtmlEntities(text));
}

function joinLines(text: string): string {
  // Regexes rather than split/trim per line: this runs on every item of every feed.
  const clean = stripControlChars(text);
  const lines = clean.includes('\n') ? joinAroundNewlines(clean) : clean;
  return (hasRunsToCollapse(lines, false) ? lines.replace(SPACES, ' ') : lines)
    .trim()
    .normalize('NFC');
}

/** The text without the control characters XML 1.0 forbids (tab, LF and CR are kept). Pure. */
export function stripControlChars(text: string): string {
  return text.replace(CONTROL_CHARS, '');
}
