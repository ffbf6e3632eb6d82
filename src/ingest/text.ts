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
  return collapse(stripControlChars(text), LINE_SPACES, LINE_SPACES_TO_COLLAPSE, ' ')
    .trim()
    .normalize('NFC');
}

const LINE_SPACES = /[ \t\r\n\f\v]+/g;
const LINE_SPACES_TO_COLLAPSE = /[\t\r\n\f\v]| {2}/;
const SPACES = /[ \t\r\f\v]+/g;
const SPACES_TO_COLLAPSE = /[\t\r\f\v]| {2}/;
const AROUND_NEWLINE = /\s*\n\s*/g;

/**
 * `text.replace(runs, by)`, skipped when `changes` (a test for what `runs` would rewrite)
 * finds nothing: a run of white space matches at every single space of a summary, and
 * rebuilding the string for each of them dominated text cleanup on the polling path.
 */
function collapse(text: string, runs: RegExp, changes: RegExp, by: string): string {
  return changes.test(text) ? text.replace(runs, by) : text;
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
  const lines = clean.includes('\n') ? clean.replace(AROUND_NEWLINE, '\n') : clean;
  return collapse(lines, SPACES, SPACES_TO_COLLAPSE, ' ').trim().normalize('NFC');
}

/** The text without the control characters XML 1.0 forbids (tab, LF and CR are kept). Pure. */
export function stripControlChars(text: string): string {
  return text.replace(CONTROL_CHARS, '');
}
