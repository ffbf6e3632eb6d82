/**
 * Feed dates → ISO 8601 UTC instants. Feeds write RFC 822 (`Thu, 15 May 2014 02:11:21 Z`),
 * RFC 822 in French (`mer., 08 juin 2022 16:26:54 +0200`, `22 févr. 2022`), ISO 8601 / RFC 3339
 * (`2022-09-13T16:41:30+02:00`) and ISO without a zone (`2022-09-13 16:41:30`).
 *
 * Decisions:
 * - A date without a time zone is read as UTC: the feed gives no better clue, and UTC keeps the
 *   error within a day whatever the publisher's zone.
 * - A date-only value is midnight UTC that day.
 * - Anything else (unknown month, impossible day, free text) is null: a wrong date would sort an
 *   article as news; a missing one is honest. `Date.parse` is never used: it guesses, and in the
 *   local zone.
 * - So is a year outside 1000–2999: below, it is a CMS placeholder (`0001-01-01`, which `Date.UTC`
 *   would even turn into 1901) or a two-digit year padded with zeros; above, a placeholder
 *   (`9999-12-31`) or a typo.
 */

const MONTHS: Record<string, number> = {};
for (const [month, names] of [
  [1, 'jan january janv janvier'],
  [2, 'feb febr february fev fevr fevrier'],
  [3, 'mar march mars'],
  [4, 'apr april avr avril'],
  [5, 'may mai'],
  [6, 'jun june juin'],
  [7, 'jul july juil juill juillet'],
  [8, 'aug august aou aout'],
  [9, 'sep sept september septembre'],
  [10, 'oct october octobre'],
  [11, 'nov november novembre'],
  [12, 'dec december decembre'],
] as const) {
  for (const name of names.split(' ')) MONTHS[name] = month;
}

// RFC 822 zone names, plus the European ones French sites actually write (CET, CEST).
const ZONES: Record<string, number> = {
  z: 0,
  ut: 0,
  utc: 0,
  gmt: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  wet: 0,
  west: 60,
  bst: 60,
  cet: 60,
  met: 60,
  cest: 120,
  mest: 120,
  eet: 120,
  eest: 180,
};

/** The years a feed or page date may fall in; anything else is a placeholder or a typo. */
const MIN_YEAR = 1000;
const MAX_YEAR = 2999;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T\s](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

// [weekday[.][,]] day month[.] year [hh:mm[:ss]] [zone] [(comment)]
const RFC822 =
  /^(?:[^\d\s,]+\.?,?\s+)?(\d{1,2})\s+([^\d\s.,]+)\.?,?\s+(\d{2}|\d{4}),?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:\s+([a-z]+|[+-]\d{4}|[+-]\d{2}:\d{2}))?(?:\s*\([^)]*\))?$/i;

/**
 * Reads a feed date. Returns an ISO 8601 UTC string (`2022-06-08T14:26:54.000Z`) or null when
 * the value is empty, unreadable or impossible (31 February). Pure; never throws.
 */
export function parseFeedDate(raw: string | null | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  const iso = ISO.exec(value);
  if (iso) return isoInstant(iso);
  const rfc = RFC822.exec(value);
  if (rfc) return rfc822Instant(rfc);
  return null;
}

function isoInstant(m: RegExpExecArray): string | null {
  const offset = m[7] ? offsetMinutes(m[7]) : 0;
  if (offset === null) return null;
  return instant(
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    offset,
  );
}

function rfc822Instant(m: RegExpExecArray): string | null {
  const month = MONTHS[foldMonth(m[2] ?? '')];
  if (!month) return null;
  const offset = m[7] ? offsetMinutes(m[7]) : 0;
  if (offset === null) return null;
  const yearText = m[3] ?? '';
  // RFC 822 two-digit years; RFC 2822 §4.3 reads 00–49 as 20xx.
  const year =
    yearText.length === 2
      ? 1900 + Number(yearText) + (Number(yearText) < 50 ? 100 : 0)
      : Number(yearText);
  return instant(
    year,
    month,
    Number(m[1]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    offset,
  );
}

function foldMonth(name: string): string {
  // Month names are nearly always ASCII, where decomposing and dropping marks changes nothing.
  if (!/[\u0080-\uffff]/.test(name)) return name.toLowerCase();
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

function offsetMinutes(zone: string): number | null {
  const numeric = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3] ?? 0);
    return numeric[1] === '-' ? -minutes : minutes;
  }
  return ZONES[zone.toLowerCase()] ?? null;
}

function instant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offsetMin: number,
): string | null {
  if (year < MIN_YEAR || year > MAX_YEAR) return null;
  if (month < 1 || month > 12 || day < 1 || hour > 24 || minute > 59 || second > 60) return null;
  if (hour === 24 && (minute > 0 || second > 0)) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59));
  // Date.UTC rolls 31 February over to March: reject instead of inventing a day.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null;
  return new Date(local - offsetMin * 60_000).toISOString();
}

/**
 * The publication instant as stored: null stays null, a date after `fetchedAt` (a publisher's
 * clock or zone error) becomes `fetchedAt`. Both are ISO 8601 strings. Pure.
 */
export function clampToFetchedAt(publishedAt: string | null, fetchedAt: string): string | null {
  if (publishedAt === null) return null;
  return Date.parse(publishedAt) > Date.parse(fetchedAt)
    ? new Date(Date.parse(fetchedAt)).toISOString()
    : publishedAt;
}
