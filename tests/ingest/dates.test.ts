import { describe, expect, it } from 'vitest';
import { clampToFetchedAt, parseFeedDate } from '../../src/ingest/dates.ts';

describe('parseFeedDate', () => {
  it.each([
    ['RFC 822 with a numeric zone', 'Mon, 02 Mar 2026 08:00:00 +0100', '2026-03-02T07:00:00.000Z'],
    ['RFC 822 with GMT', 'Fri, 27 Feb 2026 17:45:00 GMT', '2026-02-27T17:45:00.000Z'],
    ['RFC 822 with a bare Z zone', 'Thu, 15 May 2014 02:11:21 Z', '2014-05-15T02:11:21.000Z'],
    ['RFC 822 with CEST', 'Mon, 09 Jun 2025 10:00:00 CEST', '2025-06-09T08:00:00.000Z'],
    ['RFC 822 with EST', 'Wed, 04 Feb 2026 09:30:00 EST', '2026-02-04T14:30:00.000Z'],
    ['RFC 822 without seconds', 'Mon, 2 Mar 2026 08:15 +0100', '2026-03-02T07:15:00.000Z'],
    ['RFC 822 without weekday', '13 Sep 2022 16:41:30 +0000', '2022-09-13T16:41:30.000Z'],
    ['RFC 822 with a two-digit year', 'Sat, 01 Feb 25 12:00:00 +0000', '2025-02-01T12:00:00.000Z'],
    [
      'RFC 822 with a zone comment',
      'Mon, 02 Mar 2026 08:00:00 +0100 (CET)',
      '2026-03-02T07:00:00.000Z',
    ],
    ['French, abbreviated', 'mer., 08 juin 2022 16:26:54 +0200', '2022-06-08T14:26:54.000Z'],
    ['French, févr.', 'mar., 22 févr. 2022 20:04:25 +0000', '2022-02-22T20:04:25.000Z'],
    ['French, sept.', 'mar., 13 sept. 2022 16:41:30 +0000', '2022-09-13T16:41:30.000Z'],
    ['French, full names', 'jeudi 5 décembre 2024 09:00:00 +0100', '2024-12-05T08:00:00.000Z'],
    [
      'French, août without accent',
      'ven., 01 aout 2025 06:00:00 +0200',
      '2025-08-01T04:00:00.000Z',
    ],
    ['French, juil. (not juin)', 'lun., 07 juil. 2025 11:00:00 +0200', '2025-07-07T09:00:00.000Z'],
    ['ISO 8601 with Z', '2026-02-27T18:00:00Z', '2026-02-27T18:00:00.000Z'],
    ['ISO 8601 with an offset', '2026-02-24T09:15:00+01:00', '2026-02-24T08:15:00.000Z'],
    ['ISO 8601 with fractions', '2026-02-24T09:15:00.123456+01:00', '2026-02-24T08:15:00.000Z'],
    ['ISO 8601 without a zone, read as UTC', '2022-09-13 16:41:30', '2022-09-13T16:41:30.000Z'],
    ['ISO date only, midnight UTC', '2026-02-20', '2026-02-20T00:00:00.000Z'],
  ])('reads %s', (_case, raw, iso) => {
    expect(parseFeedDate(raw)).toBe(iso);
  });

  it.each([
    ['an empty value', ''],
    ['free text', 'la semaine dernière'],
    ['an impossible day', 'le 31 févr. 2026 12:00:00 +0100'],
    ['31 February in ISO', '2026-02-31T10:00:00Z'],
    ['an unknown month', 'Mon, 02 Brumaire 2026 08:00:00 +0100'],
    ['an unknown zone', 'Mon, 02 Mar 2026 08:00:00 XYZ'],
    ['an hour out of range', '2026-03-02T25:00:00Z'],
    ['a bare year', '2026'],
    ['the year 1 placeholder (Date.UTC would read it as 1901)', '0001-01-01'],
    ['the year 1 placeholder with a time', '0001-01-01T00:00:00Z'],
    ['a two-digit year written on four digits', '0099-06-15'],
    ['a year before 1000', 'Sat, 01 Feb 0999 12:00:00 +0000'],
    ['the year 9999 placeholder', '9999-12-31T23:59:59Z'],
    ['an absurd future year', '3026-03-02'],
  ])('returns null for %s rather than inventing a date', (_case, raw) => {
    expect(parseFeedDate(raw)).toBeNull();
  });

  it('keeps the earliest and latest years it accepts', () => {
    expect(parseFeedDate('1000-01-01')).toBe('1000-01-01T00:00:00.000Z');
    expect(parseFeedDate('2999-12-31')).toBe('2999-12-31T00:00:00.000Z');
  });

  it('returns null for a missing value', () => {
    expect(parseFeedDate(undefined)).toBeNull();
    expect(parseFeedDate(null)).toBeNull();
  });
});

describe('clampToFetchedAt', () => {
  const fetchedAt = '2026-03-02T07:00:00.000Z';

  it('brings a date after the fetch back to the fetch time', () => {
    expect(clampToFetchedAt('2026-03-03T09:00:00.000Z', fetchedAt)).toBe(fetchedAt);
  });

  it('keeps a date before the fetch and null as null', () => {
    expect(clampToFetchedAt('2026-03-01T09:00:00.000Z', fetchedAt)).toBe(
      '2026-03-01T09:00:00.000Z',
    );
    expect(clampToFetchedAt(null, fetchedAt)).toBeNull();
  });
});
