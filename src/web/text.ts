/**
 * Feed text made safe for the web page and the Atom feed: pure string functions, no I/O.
 *
 * Feed text is data. It is reduced to one line, stripped of what XML 1.0 forbids (a single
 * control character or lone surrogate makes a whole Atom document unreadable to a strict feed
 * reader), then escaped, so a title such as `<script>` stays text in HTML and in XML.
 */
import { mapSnippet, oneLine } from '../deliver/discord/text.ts';
import { escapeHtml } from '../deliver/email/render.ts';

// `oneLine` already removes C0/C1 controls and bidi overrides; XML also forbids lone surrogates
// and the two non-characters U+FFFE/U+FFFF.
const XML_FORBIDDEN = /[\p{Cs}\uFFFE\uFFFF]/gu;

/** `text` on one line, without controls, bidi overrides or XML-forbidden characters. Pure. */
export function cleanLine(text: string): string {
  return oneLine(text.replace(XML_FORBIDDEN, ' '));
}

/** `text` cleaned (see `cleanLine`) and escaped for HTML/XML content or a quoted attribute. Pure. */
export function escapeLine(text: string): string {
  return escapeHtml(cleanLine(text));
}

/**
 * A ⟦ ⟧-marked keyword-in-context snippet as HTML: the text escaped, each hit in `<strong>`
 * (escaped first, so a hit can carry no markup of its own). Pure.
 */
export function snippetHtml(snippet: string): string {
  return mapSnippet(cleanLine(snippet), escapeHtml, (hit) => `<strong>${escapeHtml(hit)}</strong>`);
}

/**
 * Whether a snippet tells the reader more than the title: false when, markers dropped, it is
 * the title itself (the matcher often quotes the headline sentence). Pure.
 */
export function snippetAddsToTitle(snippet: string, title: string): boolean {
  const plain = (text: string) => cleanLine(text).replace(/[⟦⟧]/g, '').toLowerCase();
  return plain(snippet) !== plain(title);
}
