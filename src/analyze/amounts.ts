/**
 * Money amounts in euros, French and English forms: « 6,2 millions d’euros », « 54 M€ »,
 * « 500 000 euros », « 1,2 Md€ », "€1.2bn", "EUR 3 million". Other currencies are left out:
 * converting them would need a rate and a date we do not have. Pure.
 *
 * Number reading: a space (or no-break space) groups thousands. With one kind of separator,
 * a `,` or `.` followed by exactly three digits groups thousands unless a scale word follows
 * (« 1,250 milliard » is 1.25 billion, « 1.200 euros » is 1,200); otherwise it is the decimal
 * mark. With both, the last one is the decimal mark.
 */
import type { Span } from './normalize.ts';
import type { AmountHit } from './types.ts';

const NUMBER = String.raw`\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*`;
const SCALE = 'milliards?|mds?|md|millions?|mln|mio|mn|m|bn|billions?|k|mille|thousand';
const AMOUNT_RE = new RegExp(
  String.raw`(?<![\d.,])(?<n1>${NUMBER})\s?(?:(?<s1>${SCALE})\.?\s?)?(?:(?:d['’]\s?|de\s|of\s)?(?:euros?\b|eur\b)|€)` +
    String.raw`|(?:€|\beur\b)\s?(?<n2>${NUMBER})(?:\s?(?<s2>${SCALE})\b)?`,
  'giu',
);
const CURRENCY_RE = /€|\beur(?:os?)?\b/gi;
/** Characters around a currency marker that an amount may span (« 1 200 000,50 millions d’euros »). */
const WINDOW = 48;
const MULTIPLIERS: Array<[RegExp, number]> = [
  [/^(?:milliards?|mds?|md|bn|billions?)$/i, 1e9],
  [/^(?:millions?|mln|mio|mn|m)$/i, 1e6],
  [/^(?:k|mille|thousand)$/i, 1e3],
];

/**
 * Euro amounts in `text` in order of appearance, each with its value in euros and the phrase
 * as written; repeats of the same phrase are listed once. Matches starting inside `ignored`
 * spans (URLs, navigation) are skipped. Pure.
 */
export function extractAmounts(text: string, ignored: readonly Span[] = []): AmountHit[] {
  const hits: AmountHit[] = [];
  const seen = new Set<string>();
  for (const match of candidates(text)) {
    if (ignored.some((span) => match.index >= span.start && match.index < span.end)) continue;
    const groups = match.groups ?? {};
    const digits = groups.n1 ?? groups.n2;
    if (!digits) continue;
    const scale = groups.s1 ?? groups.s2 ?? null;
    const value = readNumber(digits, scale !== null);
    const eur = Math.round(value * multiplier(scale) * 100) / 100;
    const phrase = match[0].trim().replace(/\s+/g, ' ');
    if (!Number.isFinite(eur) || eur <= 0 || seen.has(phrase)) continue;
    seen.add(phrase);
    hits.push({ eur, text: phrase });
  }
  return hits;
}

/**
 * Amount matches, looking only around currency markers: they are rare, and running the full
 * pattern on every character of a long text costs more than the rest of the analysis.
 */
function* candidates(text: string): Generator<RegExpExecArray> {
  let windowEnd = 0;
  for (const marker of text.matchAll(CURRENCY_RE)) {
    const from = Math.max(windowEnd, marker.index - WINDOW);
    const to = Math.min(text.length, marker.index + WINDOW);
    if (to <= windowEnd) continue;
    const slice = text.slice(from, to);
    // exec rather than matchAll, which clones the pattern for every window (no empty match).
    AMOUNT_RE.lastIndex = 0;
    for (let match = AMOUNT_RE.exec(slice); match; match = AMOUNT_RE.exec(slice)) {
      if (match.index === 0 && from > 0 && /[\d.,]/.test(text.charAt(from - 1))) continue;
      if (from + match.index + match[0].length === to && to < text.length) continue;
      match.index += from;
      windowEnd = Math.max(windowEnd, match.index + match[0].length);
      yield match;
    }
    windowEnd = Math.max(windowEnd, to - WINDOW);
  }
}

function multiplier(scale: string | null): number {
  if (scale === null) return 1;
  return MULTIPLIERS.find(([pattern]) => pattern.test(scale))?.[1] ?? 1;
}

/** Reads « 6,2 », « 500 000 », "1,200,000", « 1.200 », "1.2" as a number (see the module doc). */
export function readNumber(digits: string, scaled: boolean): number {
  const compact = digits.replace(/[ \u00a0\u202f]/g, '');
  const separators = compact.match(/[.,]/g) ?? [];
  if (separators.length === 0) return Number(compact);
  const last = Math.max(compact.lastIndexOf(','), compact.lastIndexOf('.'));
  const mixed = new Set(separators).size > 1;
  const lastGroup = compact.slice(last + 1);
  const thousands = !mixed && (separators.length > 1 || (lastGroup.length === 3 && !scaled));
  if (thousands) return Number(compact.replace(/[.,]/g, ''));
  const integer = compact.slice(0, last).replace(/[.,]/g, '');
  return Number(`${integer}.${lastGroup}`);
}
