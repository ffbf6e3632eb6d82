/**
 * The trend chart of `/topics` and the Monday email: articles per watch term over the last weeks,
 * as an SVG (pure), a PNG rendered from it with resvg (`@resvg/resvg-js`, a prebuilt binary in a
 * per-platform npm package: no network, no native build), and a text fallback for clients that
 * show no image.
 *
 * Fonts: resvg draws text only with fonts it finds; we load the system's (DejaVu/Liberation on
 * Debian) and name common families, so nothing is downloaded and no font file is shipped. On a
 * system without any font the lines still render, without labels — the text fallback carries the
 * numbers either way.
 */
import { createRequire } from 'node:module';
import { TERM_IDS, type TermId } from '../analyze/types.ts';
import type { WeeklyTrends } from '../store/trends.ts';
import { type Lang, TERM_LABELS, WORDS } from './discord/labels.ts';

const WIDTH = 800;
const HEIGHT = 360;
const PAD = { left: 56, right: 40, top: 64, bottom: 48 };
const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';
const TERM_COLORS: Record<TermId, string> = {
  'health-data-hub': '#ef4444',
  secnumcloud: '#10b981',
  ugap: '#f59e0b',
};
const BARS = '▁▂▃▄▅▆▇█';

const CHART_WORDS = {
  fr: {
    title: (weeks: number) => `Articles par terme suivi, ${weeks} dernières semaines`,
    thisWeek: 'cette semaine',
  },
  en: {
    title: (weeks: number) => `Articles per watch term, last ${weeks} weeks`,
    thisWeek: 'this week',
  },
} as const;

/** The chart as a standalone SVG document (800×360), weeks left to right. Pure. */
export function trendChartSvg(trends: WeeklyTrends, lang: Lang): string {
  const weeks = trends.weeks.length;
  const max = Math.max(1, ...TERM_IDS.flatMap((id) => trends.terms[id]));
  const top = niceCeiling(max);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (weeks === 1 ? plotW / 2 : (i * plotW) / (weeks - 1));
  const y = (n: number) => PAD.top + plotH - (n / top) * plotH;
  const day = new Intl.DateTimeFormat(WORDS[lang].locale, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
  const parts: string[] = [
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    text(PAD.left, 28, CHART_WORDS[lang].title(weeks), 'start', 16, '#111827', 'bold'),
  ];
  for (let step = 0; step <= 4; step += 1) {
    const value = (top * step) / 4;
    parts.push(
      `<line x1="${PAD.left}" y1="${y(value)}" x2="${WIDTH - PAD.right}" y2="${y(value)}" stroke="#e5e7eb"/>`,
      text(PAD.left - 8, y(value) + 4, formatCount(value), 'end', 12, '#6b7280'),
    );
  }
  trends.weeks.forEach((week, i) => {
    parts.push(
      text(
        x(i),
        HEIGHT - PAD.bottom + 20,
        day.format(Date.parse(`${week}T00:00:00Z`)),
        'middle',
        12,
        '#6b7280',
      ),
    );
  });
  TERM_IDS.forEach((id, k) => {
    const counts = trends.terms[id];
    const points = counts.map((n, i) => `${x(i).toFixed(1)},${y(n).toFixed(1)}`).join(' ');
    parts.push(
      `<polyline points="${points}" fill="none" stroke="${TERM_COLORS[id]}" stroke-width="3" stroke-linejoin="round"/>`,
      ...counts.map(
        (n, i) =>
          `<circle cx="${x(i).toFixed(1)}" cy="${y(n).toFixed(1)}" r="4" fill="${TERM_COLORS[id]}"/>`,
      ),
      `<rect x="${WIDTH - PAD.right - 470 + k * 160}" y="38" width="12" height="12" fill="${TERM_COLORS[id]}"/>`,
      text(WIDTH - PAD.right - 452 + k * 160, 49, TERM_LABELS[id], 'start', 13, '#111827'),
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">${parts.join('')}</svg>`;
}

/**
 * The SVG rendered as PNG bytes with the system's fonts. resvg is loaded on first use, so code
 * that only needs the SVG or the text never loads the native module; it is required
 * synchronously so a chart can be rendered inside a synchronous transaction (the email job).
 * Reads the system's font files, nothing else. Throws a `ChartError`: `CHART_UNAVAILABLE` when
 * resvg cannot be loaded on this platform, `CHART_RENDER` when it rejects the SVG.
 */
export function renderPng(svg: string): Buffer {
  let resvg: typeof import('@resvg/resvg-js');
  try {
    resvg = createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  } catch (error) {
    throw new ChartError('CHART_UNAVAILABLE', 'chart: @resvg/resvg-js cannot be loaded', error);
  }
  try {
    return new resvg.Resvg(svg, {
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
      background: '#ffffff',
    })
      .render()
      .asPng();
  } catch (error) {
    throw new ChartError('CHART_RENDER', 'chart: resvg could not render the SVG', error);
  }
}

/** A chart failure, with a stable code and the original cause. */
export class ChartError extends Error {
  readonly code: string;
  constructor(code: string, message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'ChartError';
    this.code = code;
  }
}

/**
 * The same chart as text, one line per term: "Health Data Hub ▁▂▃▅▇▆▃▂ 12 cette semaine". Bars
 * are scaled on the largest count of all terms so lines compare. Pure.
 */
export function trendChartText(trends: WeeklyTrends, lang: Lang): string[] {
  const max = Math.max(0, ...TERM_IDS.flatMap((id) => trends.terms[id]));
  return TERM_IDS.map((id) => {
    const counts = trends.terms[id];
    const bars = counts
      .map((n) => (max === 0 ? BARS[0] : BARS[Math.round((n / max) * (BARS.length - 1))]))
      .join('');
    const last = counts[counts.length - 1] ?? 0;
    return `${TERM_LABELS[id]} ${bars} ${last} ${CHART_WORDS[lang].thisWeek}`;
  });
}

/** 1, 2, 5 × 10^k at or above `n`, so the axis reads in round numbers. */
function niceCeiling(n: number): number {
  const power = 10 ** Math.floor(Math.log10(n));
  const step = [1, 2, 5, 10].find((m) => m * power >= n) ?? 10;
  return step * power;
}

function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function text(
  x: number,
  y: number,
  content: string,
  anchor: 'start' | 'middle' | 'end',
  size: number,
  fill: string,
  weight = 'normal',
): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${anchor}" font-family="${FONT}" font-size="${size}" font-weight="${weight}" fill="${fill}">${escapeXml(content)}</text>`;
}

function escapeXml(value: string): string {
  return value.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
