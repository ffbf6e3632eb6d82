/**
 * Keyword-in-context snippets: the sentence around a hit, white space collapsed, every hit
 * wrapped in ⟦ ⟧ (U+27E6/U+27E7), at most `max` characters. A longer sentence is cut on word
 * boundaries around the first hit, with … where it was cut. Pure.
 */
import type { Span } from './normalize.ts';

export const MARK_OPEN = '⟦';
export const MARK_CLOSE = '⟧';

/** The snippet of `sentence` with `hits` (inside it, sorted, non-overlapping) marked. Pure. */
export function snippet(source: string, sentence: Span, hits: readonly Span[], max = 200): string {
  let marked = '';
  let at = sentence.start;
  for (const hit of hits) {
    if (hit.start < at || hit.end > sentence.end) continue;
    marked += `${source.slice(at, hit.start)}${MARK_OPEN}${source.slice(hit.start, hit.end)}${MARK_CLOSE}`;
    at = hit.end;
  }
  marked += source.slice(at, sentence.end);
  const text = marked.replace(/\s+/g, ' ').trim();
  return text.length <= max ? text : window(text, max);
}

/** Cuts `text` to at most `max` characters around its first mark, on word boundaries. */
function window(text: string, max: number): string {
  const open = Math.max(0, text.indexOf(MARK_OPEN));
  const close = text.indexOf(MARK_CLOSE, open) + 1;
  const budget = max - 2;
  const context = Math.max(0, budget - (close - open));
  let start = Math.max(0, open - Math.floor(context / 2));
  const end0 = Math.min(text.length, start + budget);
  start = Math.max(0, end0 - budget);
  let end = end0;
  if (start > 0) {
    const space = text.indexOf(' ', start);
    start = space >= 0 && space < open ? space + 1 : open;
  }
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    end = space > close ? space : Math.max(close, end);
  }
  let body = text.slice(start, end);
  const dangling = body.lastIndexOf(MARK_OPEN);
  if (dangling > body.lastIndexOf(MARK_CLOSE)) {
    body = body.slice(0, dangling);
    end = start + dangling;
  }
  body = body.trim();
  return `${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`;
}
