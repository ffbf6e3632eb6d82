/**
 * Making feed text safe to show in Discord: pure string functions, no I/O.
 *
 * Feed text is data. It is reduced to one line (so it cannot start a heading, list or quote of
 * its own), every inline Markdown character is backslash-escaped (Discord un-escapes any
 * punctuation after `\`), so `[x](http://evil)` in a title stays text and cannot forge a masked
 * link, `<@123>`, `<@&456>` and `<t:…>` stay literal, and `@everyone`/`@here` get a zero-width
 * space after the `@` (what discord.js's `cleanContent` does) on top of `allowed_mentions`.
 */

// C0/C1 controls (terminal escapes, NUL) and bidi overrides that could reorder a link's text.
const UNSAFE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;
const ZERO_WIDTH_SPACE = '\u200B';

/** `text` without control or bidi-override characters, whitespace collapsed, trimmed. Pure. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * One line of feed text made inert for Discord Markdown: see the module comment. Pure; the
 * result is at most twice as long as `oneLine(text)` plus one character per mention.
 */
export function escapeMarkdown(text: string): string {
  return oneLine(text)
    .replace(/[\\*_~`|[\]()<>]/g, '\\$&')
    .replace(/^[#>+-]/, '\\$&')
    .replace(/^(\d+)\./, '$1\\.')
    .replace(/@(everyone|here)/gi, `@${ZERO_WIDTH_SPACE}$1`);
}

/**
 * The URL to put inside a masked link `[text](url)`, or null when it is not http(s), does not
 * parse, or is longer than `maxLength`. Parentheses are percent-encoded so the link cannot end
 * early. Pure.
 */
export function linkTarget(url: string, maxLength = 512): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    // Not a URL: the title is shown without a link rather than as a broken one.
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  const href = parsed.href.replace(/\(/g, '%28').replace(/\)/g, '%29');
  return href.length <= maxLength ? href : null;
}

const graphemes = new Intl.Segmenter('fr', { granularity: 'grapheme' });

/**
 * `render(raw)` when it fits in `max` characters; otherwise `render` of the longest prefix of
 * whole words of `raw` followed by "…" that fits. Only a single word longer than the whole budget
 * is cut, and then between graphemes. `raw` is expected on one line (see `oneLine`); `render`
 * must not shrink when its input grows. Returns "" when not even "…" fits. Pure.
 */
export function fitText(raw: string, max: number, render: (text: string) => string): string {
  const full = render(raw);
  if (full.length <= max) return full;
  const words = raw.split(' ');
  const wordCount = longestFitting(
    words.length - 1,
    (k) => render(`${words.slice(0, k).join(' ')}…`),
    max,
  );
  if (wordCount > 0) return render(`${words.slice(0, wordCount).join(' ')}…`);
  const pieces = Array.from(graphemes.segment(words[0] ?? ''), (s) => s.segment);
  const pieceCount = longestFitting(
    pieces.length - 1,
    (n) => render(`${pieces.slice(0, n).join('')}…`),
    max,
  );
  const cut = render(`${pieces.slice(0, pieceCount).join('')}…`);
  return cut.length <= max ? cut : '';
}

/** Largest n in [0, upper] whose rendering fits in `max` (0 when none does). */
function longestFitting(upper: number, renderPrefix: (n: number) => string, max: number): number {
  let lo = 0;
  let hi = Math.max(0, upper);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (renderPrefix(mid).length <= max) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * A keyword-in-context snippet (hits wrapped in ⟦ ⟧) as Discord Markdown: the text escaped,
 * then each hit in bold, so a hit can never carry Markdown of its own. An unclosed ⟦ (a snippet
 * cut short) bolds to the end. Pure.
 */
export function snippetMarkdown(snippet: string): string {
  return mapSnippet(snippet, escapeMarkdown, (hit) => `**${escapeMarkdown(hit)}**`);
}

/**
 * Splits a ⟦ ⟧-marked snippet into plain and hit parts, formats each with the given function and
 * joins them. Stray ⟧ are dropped; empty hits disappear. Pure.
 */
export function mapSnippet(
  snippet: string,
  plain: (text: string) => string,
  hit: (text: string) => string,
): string {
  const line = oneLine(snippet);
  const parts: string[] = [];
  const marker = /⟦([^⟦⟧]*)(?:⟧|$)/g;
  let last = 0;
  for (const match of line.matchAll(marker)) {
    parts.push(keepEdges(line.slice(last, match.index).replace(/⟧/g, ''), plain));
    const inner = (match[1] ?? '').trim();
    if (inner) parts.push(hit(inner));
    last = match.index + match[0].length;
  }
  parts.push(keepEdges(line.slice(last).replace(/⟧/g, ''), plain));
  return parts.join('');
}

/** Formats `text` but keeps its leading and trailing space, which separate it from a hit. */
function keepEdges(text: string, format: (text: string) => string): string {
  if (!text.trim()) return text ? ' ' : '';
  const lead = text.startsWith(' ') ? ' ' : '';
  const trail = text.endsWith(' ') ? ' ' : '';
  return `${lead}${format(text.trim())}${trail}`;
}
