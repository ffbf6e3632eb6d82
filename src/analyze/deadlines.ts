/**
 * Deadlines and dated events, resolved to ISO dates where the day is determinable:
 * « jusqu’au 30 mars 2026 », « le 9 février », « vendredi 26/01/2024 », "March 30, 2026",
 * "by 30 June". The phrase keeps its lead-in (« jusqu’au », « avant le », "by").
 *
 * Decisions:
 * - A day without a year takes the year that puts it nearest to `publishedAt` (a December
 *   article's « le 9 janvier » is next January); without `publishedAt` it is left out. The
 *   clock is never read.
 * - « fin mars 2026 » and « d’ici fin 2026 » resolve to the last day of that month or year:
 *   the press uses them as deadlines and the last day is the deadline they state.
 * - Seasons (« d’ici l’été 2026 »), « début 2026 » and « mi-février » are left out: no day is
 *   determinable and inventing one would put a false date in the « à venir » list.
 * - Publication bylines (« Publié le 24 janvier 2022 », "Updated on") are not events.
 *
 * Pure.
 */
import type { DeadlineHit } from './types.ts';

const FR_MONTHS: Record<string, number> = {
  janvier: 1,
  janv: 1,
  fevrier: 2,
  fevr: 2,
  fev: 2,
  mars: 3,
  avril: 4,
  avr: 4,
  mai: 5,
  juin: 6,
  juillet: 7,
  juil: 7,
  aout: 8,
  septembre: 9,
  sept: 9,
  octobre: 10,
  oct: 10,
  novembre: 11,
  nov: 11,
  decembre: 12,
  dec: 12,
};
const EN_MONTHS: Record<string, number> = {
  January: 1,
  February: 2,
  March: 3,
  April: 4,
  May: 5,
  June: 6,
  July: 7,
  August: 8,
  September: 9,
  October: 10,
  November: 11,
  December: 12,
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Sept: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

const FR_MONTH = String.raw`janvier|janv\.?|f[ée]vrier|f[ée]vr\.?|f[ée]v\.?|mars|avril|avr\.?|mai|juin|juillet|juil\.?|ao[uû]t|septembre|sept\.?|octobre|oct\.?|novembre|nov\.?|d[ée]cembre|d[ée]c\.?`;
const EN_MONTH = String.raw`January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?`;

/**
 * Each pattern yields day, month, year groups (`d`, `fm`/`em`/`nm`, `y`); `end` marks « fin … ».
 * Where two overlap, the one starting first wins, then the earlier pattern. A weekday before the date is read as part of the
 * lead-in, so the patterns start on a digit or a month name and stay cheap to scan.
 */
const PATTERNS: RegExp[] = [
  new RegExp(
    String.raw`(?<![\p{L}\d])(?<d>1er|\d{1,2})\s+(?<fm>${FR_MONTH})(?:\s+(?<y>\d{4}))?(?![\p{L}\d])`,
    'giu',
  ),
  new RegExp(
    String.raw`(?<![\p{L}\d])(?<em>${EN_MONTH})\s+(?<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?<y>\d{4}))?(?![\p{L}\d])`,
    'gu',
  ),
  new RegExp(
    String.raw`(?<![\p{L}\d])(?<d>\d{1,2})(?:st|nd|rd|th)?\s+(?<em>${EN_MONTH})(?:,?\s+(?<y>\d{4}))?(?![\p{L}\d])`,
    'gu',
  ),
  /(?<![\p{L}\d/.])(?<d>\d{1,2})[/.](?<nm>\d{1,2})[/.](?<y>\d{4})(?![\d/])/gu,
  /(?<![\p{L}\d-])(?<y>\d{4})-(?<nm>\d{2})-(?<d>\d{2})(?![\d])/gu,
  new RegExp(
    String.raw`(?<![\p{L}\d])(?<end>fin)\s+(?:(?:du\s+mois\s+)?d['’]\s?|de\s+)?(?<fm>${FR_MONTH})(?:\s+(?<y>\d{4}))?(?![\p{L}\d])`,
    'giu',
  ),
  /(?<![\p{L}\d])(?<end>fin)\s+(?:(?:de\s+l['’]\s?)?année\s+)?(?<y>\d{4})(?![\p{L}\d])/giu,
];
const WEEKDAY = String.raw`(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?`;
const LEAD_IN_WORDS = String.raw`(?:jusqu['’]\s?(?:au|à|a)|avant\s+(?:le|la)?|après\s+le|d['’]ici\s+(?:au|le|la|à)?|dès\s+(?:le)?|à\s+partir\s+du|à\s+compter\s+du|au\s+plus\s+tard\s+(?:le)?|depuis\s+le|prévue?s?\s+(?:le|pour)|attendue?s?\s+(?:le|pour|d['’]ici)|le|du|au|by|until|before|on|from|after|as\s+of|no\s+later\s+than)\s+`;
const LEAD_IN = new RegExp(`(?:${LEAD_IN_WORDS})?${WEEKDAY}$`, 'iu');
const BYLINE = new RegExp(
  String.raw`(?:publié|mis\s+à\s+jour|modifié|actualisé|published|updated|posted)(?:\s+(?:le|on))?[\s:,]*${WEEKDAY}$`,
  'iu',
);

/**
 * Dated phrases of `text`, in order of appearance, with ISO dates (`YYYY-MM-DD`). The same
 * date written the same way is listed once. `publishedAt` (ISO) anchors years left out. Pure.
 */
export function extractDeadlines(text: string, publishedAt?: string | null): DeadlineHit[] {
  const anchor = publishedAt ? Date.parse(publishedAt) : Number.NaN;
  const candidates = patternMatches(text);
  candidates.sort((a, b) => a.start - b.start || a.rank - b.rank);
  const hits: DeadlineHit[] = [];
  const seen = new Set<string>();
  let takenUntil = -1;
  for (const { start, end, match } of candidates) {
    if (start < takenUntil) continue;
    const before = text.slice(Math.max(0, start - 40), start);
    if (BYLINE.test(before)) continue;
    const date = resolve(match.groups ?? {}, anchor);
    if (!date) continue;
    takenUntil = end;
    const leadIn = LEAD_IN.exec(before);
    const phrase = text
      .slice(start - (leadIn?.[0].length ?? 0), end)
      .replace(/\s+/g, ' ')
      .trim();
    const key = `${date} ${phrase.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    hits.push({ date, text: phrase });
  }
  return hits;
}

interface Candidate {
  start: number;
  end: number;
  rank: number;
  match: RegExpExecArray;
}

const STICKY = PATTERNS.map(
  (pattern) => new RegExp(pattern.source, `${pattern.flags.replace('g', '')}y`),
);
const MONTH_HEADS = [...new Set(Object.keys(EN_MONTHS).map((name) => name.slice(0, 2)))];

/**
 * Where each pattern (by rank) may start. A digit run is one candidate: the digit patterns'
 * look-behinds all exclude a digit before, so they start a run. F, I and N are the only
 * letters /iu folds to f, i and n; English months are matched with their capital. Three plain
 * scans cost less than one scan for all three kinds.
 */
const STARTS: Array<{
  candidates: RegExp;
  ranks: (text: string, at: number, run: number) => number[];
}> = [
  { candidates: /[0-9]+/g, ranks: digitPatterns },
  { candidates: new RegExp(MONTH_HEADS.join('|'), 'g'), ranks: () => [1] },
  { candidates: /[Ff][Ii][Nn]/g, ranks: () => [5, 6] },
];
const NO_PATTERN: number[] = [];
const DAY_MONTH = [0, 2];
const NUMERIC = [3];
const ISO_DATE = [4];

/**
 * Every pattern's matches, as `text.matchAll(pattern)` would list them, without running seven
 * patterns over the whole text: a sticky copy of each pattern is tried where it may start,
 * and resumes after its own last match, as a global scan does. Unordered.
 */
function patternMatches(text: string): Candidate[] {
  const found: Candidate[] = [];
  const resume = new Array<number>(PATTERNS.length).fill(0);
  for (const { candidates, ranks } of STARTS) {
    for (const candidate of text.matchAll(candidates)) {
      const at = candidate.index;
      for (const rank of ranks(text, at, candidate[0].length)) {
        if (at < (resume[rank] as number)) continue;
        const sticky = STICKY[rank] as RegExp;
        sticky.lastIndex = at;
        const match = sticky.exec(text);
        if (!match) continue;
        const end = at + match[0].length;
        resume[rank] = end;
        found.push({ start: at, end, rank, match });
      }
    }
  }
  return found;
}

/**
 * The digit patterns that can start with the run of `run` digits at `at`, from what follows
 * it: a day (one or two digits) then white space or « er »/"st"… for day-month dates, a day
 * then « / » or « . » for numeric dates, four digits then « - » for ISO dates. Most runs
 * (years, prices) start none.
 */
function digitPatterns(text: string, at: number, run: number): number[] {
  const next = text.charCodeAt(at + run);
  if (run === 4) return next === 45 ? ISO_DATE : NO_PATTERN;
  if (run > 2) return NO_PATTERN;
  return next === 47 || next === 46 ? NUMERIC : DAY_MONTH;
}

function resolve(groups: Record<string, string | undefined>, anchor: number): string | null {
  const month = monthOf(groups);
  const explicitYear = groups.y ? Number(groups.y) : null;
  if (groups.end !== undefined) {
    const year = explicitYear ?? nearestYear(anchor, month ?? 12, 28);
    if (year === null) return null;
    const lastMonth = month ?? 12;
    return iso(year, lastMonth, daysIn(year, lastMonth));
  }
  if (month === null || !groups.d) return null;
  const day = groups.d.toLowerCase() === '1er' ? 1 : Number(groups.d);
  const year = explicitYear ?? nearestYear(anchor, month, day);
  if (year === null || year < 1900 || year > 2200) return null;
  if (day < 1 || day > daysIn(year, month)) return null;
  return iso(year, month, day);
}

function monthOf(groups: Record<string, string | undefined>): number | null {
  if (groups.fm)
    return (
      FR_MONTHS[
        groups.fm
          .toLowerCase()
          .normalize('NFKD')
          .replace(/[\u0300-\u036f.]/g, '')
      ] ?? null
    );
  if (groups.em) return EN_MONTHS[groups.em.replace('.', '')] ?? null;
  if (groups.nm) {
    const month = Number(groups.nm);
    return month >= 1 && month <= 12 ? month : null;
  }
  return null;
}

/** The year (publication year ± 1) putting month/day nearest the publication date. */
function nearestYear(anchor: number, month: number, day: number): number | null {
  if (Number.isNaN(anchor)) return null;
  const base = new Date(anchor).getUTCFullYear();
  let best: number | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const year of [base - 1, base, base + 1]) {
    const distance = Math.abs(Date.UTC(year, month - 1, day) - anchor);
    if (distance < bestDistance) {
      best = year;
      bestDistance = distance;
    }
  }
  return best;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function iso(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
