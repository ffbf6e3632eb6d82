/**
 * The read-only web page at `/`: latest articles, search, filters by watch term and topic, and
 * a per-term chart of the last weeks. Server-rendered HTML with one inline stylesheet: no
 * script, no external resource, no build step, so it works in any browser and behind any proxy.
 * Pure: the articles, counts and time zone are passed in.
 *
 * Every link is relative (`?term=ugap`, `feed.atom?…`), so the page also works when a reverse
 * proxy mounts it under a prefix such as `/vigie/`. All feed text goes through `escapeLine` or
 * `snippetHtml`.
 */
import { createHash } from 'node:crypto';
import { TERM_IDS, type TermId, TOPIC_IDS } from '../analyze/types.ts';
import { TERM_LABELS, TOPIC_LABELS } from '../deliver/discord/labels.ts';
import { linkTarget } from '../deliver/discord/text.ts';
import type { ArticleView } from '../deliver/types.ts';
import { filterQuery, type WebFilters } from './filters.ts';
import { escapeLine, snippetAddsToTitle, snippetHtml } from './text.ts';

/** Articles per watch term in consecutive weeks, oldest first. */
export interface WeeklyTermCounts {
  /** ISO instant starting each week; the last week ends at the page's rendering time. */
  weekStarts: string[];
  terms: { id: TermId; counts: number[] }[];
}

export interface PageModel {
  filters: WebFilters;
  /** Articles matching the filters (all pages). */
  total: number;
  pageSize: number;
  /** This page's articles, in display order; `snippet` is what the reader should see. */
  articles: ArticleView[];
  /** Null or all-zero: no chart is shown. */
  trends: WeeklyTermCounts | null;
  /** IANA zone dates are shown in (TZ_REPORTS). */
  timeZone: string;
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f7f7f5;--card:#fff;--ink:#1f2328;--muted:#5b636e;--line:#d9dce1;--accent:#1d4ed8;--chip:#eef2ff;--mark:#fde68a}
@media (prefers-color-scheme:dark){:root{--bg:#111418;--card:#1a1f25;--ink:#e6e8eb;--muted:#9aa3ad;--line:#2d333b;--accent:#8ab4ff;--chip:#1e2a44;--mark:#6b5a12}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;-webkit-text-size-adjust:100%}
main,header.top,footer{max-width:46rem;margin:0 auto;padding:0 1rem}
header.top{padding-top:1.5rem}
h1{font-size:1.6rem;margin:0}
h1 a{color:inherit;text-decoration:none}
.tagline{margin:.15rem 0 1rem;color:var(--muted)}
form.search{display:flex;flex-wrap:wrap;gap:.5rem;margin:0 0 .75rem}
form.search input[type=search]{flex:1 1 100%;min-width:0}
form.search select{flex:1 1 9rem;min-width:0}
@media (min-width:44rem){form.search input[type=search]{flex-basis:12rem}form.search select{flex:0 1 auto}}
input,select,button{font:inherit;padding:.45rem .6rem;border:1px solid var(--line);border-radius:.4rem;background:var(--card);color:var(--ink)}
button{background:var(--accent);border-color:var(--accent);color:#fff;cursor:pointer}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
nav.chips{display:flex;flex-wrap:wrap;gap:.35rem;margin:.35rem 0}
nav.chips span.label{color:var(--muted);font-size:.85rem;margin-right:.25rem;align-self:center}
a.chip{font-size:.85rem;padding:.15rem .6rem;border-radius:1rem;background:var(--chip);color:var(--accent);text-decoration:none;border:1px solid transparent}
a.chip[aria-current]{border-color:var(--accent);font-weight:600}
section.trends{margin:1rem 0;padding:.75rem 1rem;background:var(--card);border:1px solid var(--line);border-radius:.6rem}
section.trends h2{font-size:1rem;margin:0 0 .5rem}
.trend{display:grid;grid-template-columns:8.5rem minmax(0,14rem) 2.5rem;justify-content:start;align-items:end;gap:.75rem;font-size:.9rem;padding:.2rem 0}
.trend svg{width:100%;height:1.5rem;color:var(--accent)}
.trend .n{text-align:right;font-variant-numeric:tabular-nums}
.period{color:var(--muted);font-size:.8rem;margin:.35rem 0 0}
p.count{color:var(--muted);margin:1rem 0 .5rem}
ol.articles{list-style:none;margin:0;padding:0}
ol.articles li{background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:.8rem 1rem;margin:0 0 .75rem}
ol.articles h2{font-size:1.08rem;line-height:1.35;margin:0 0 .25rem;overflow-wrap:anywhere}
ol.articles h2 a{color:var(--ink);text-decoration:none}
ol.articles h2 a:hover{color:var(--accent);text-decoration:underline}
.meta{color:var(--muted);font-size:.85rem;margin:0 0 .35rem}
.snippet{margin:.35rem 0;font-size:.95rem;overflow-wrap:anywhere}
.snippet strong{background:var(--mark);color:inherit;font-weight:600;border-radius:.15rem;padding:0 .1rem}
.tags{display:flex;flex-wrap:wrap;gap:.3rem;margin:.35rem 0 0}
nav.pages{display:flex;justify-content:space-between;margin:1rem 0}
footer{color:var(--muted);font-size:.85rem;padding-bottom:2rem}
a{color:var(--accent)}
`.trim();

/**
 * The Content-Security-Policy the page is served with: nothing may load, and only this
 * stylesheet (by hash) may apply, so injected markup could neither run nor restyle the page.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The whole HTML document for `model`. Pure. */
export function renderPage(model: PageModel): string {
  const { filters } = model;
  const atomHref = `feed.atom${filterQuery({ ...filters, page: 1 })}`;
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeLine(pageTitle(filters))}</title>
<link rel="icon" href="data:,">
<link rel="alternate" type="application/atom+xml" title="Vigie (Atom)" href="${escapeLine(atomHref)}">
<style>${STYLE}</style>
</head>
<body>
<header class="top">
<h1><a href="./">Vigie</a></h1>
<p class="tagline">Veille presse : Health Data Hub, SecNumCloud, UGAP</p>
${searchForm(filters)}
${chips(filters)}
</header>
<main>
${trendSection(model.trends, model.timeZone)}
${results(model)}
</main>
<footer><p>Lecture seule. <a href="${escapeLine(atomHref)}">S’abonner à cette sélection (Atom)</a></p></footer>
</body>
</html>
`;
}

function pageTitle(filters: WebFilters): string {
  const parts = [
    filters.q ? `« ${filters.q} »` : null,
    filters.term ? TERM_LABELS[filters.term] : null,
    filters.topic ? TOPIC_LABELS.fr[filters.topic] : null,
  ].filter(Boolean);
  return parts.length ? `${parts.join(' · ')} — Vigie` : 'Vigie — veille presse';
}

function searchForm(filters: WebFilters): string {
  const option = (value: string, label: string, selected: boolean) =>
    `<option value="${value}"${selected ? ' selected' : ''}>${escapeLine(label)}</option>`;
  return `<form class="search" method="get" action="./" role="search">
<label class="sr" for="q">Rechercher</label>
<input type="search" id="q" name="q" value="${escapeLine(filters.q)}" placeholder="Rechercher : souveraineté, appel d’offres…" maxlength="500">
<label class="sr" for="term">Sujet suivi</label>
<select id="term" name="term">${option('', 'Tous les sujets', !filters.term)}${TERM_IDS.map((id) => option(id, TERM_LABELS[id], filters.term === id)).join('')}</select>
<label class="sr" for="topic">Thème</label>
<select id="topic" name="topic">${option('', 'Tous les thèmes', !filters.topic)}${TOPIC_IDS.map((id) => option(id, TOPIC_LABELS.fr[id], filters.topic === id)).join('')}</select>
<button type="submit">Rechercher</button>
</form>`;
}

function chips(filters: WebFilters): string {
  const chip = (label: string, change: Partial<WebFilters>, current: boolean) =>
    `<a class="chip" href="./${escapeLine(filterQuery(filters, { ...change, page: 1 }))}"${current ? ' aria-current="true"' : ''}>${escapeLine(label)}</a>`;
  const terms = TERM_IDS.map((id) =>
    chip(TERM_LABELS[id], { term: filters.term === id ? null : id }, filters.term === id),
  );
  const topics = TOPIC_IDS.map((id) =>
    chip(TOPIC_LABELS.fr[id], { topic: filters.topic === id ? null : id }, filters.topic === id),
  );
  return `<nav class="chips" aria-label="Sujets suivis"><span class="label">Sujets</span>${terms.join('')}</nav>
<nav class="chips" aria-label="Thèmes"><span class="label">Thèmes</span>${topics.join('')}</nav>`;
}

function trendSection(trends: WeeklyTermCounts | null, timeZone: string): string {
  if (!trends || trends.weekStarts.length === 0) return '';
  const max = Math.max(0, ...trends.terms.flatMap((term) => term.counts));
  if (max === 0) return '';
  const day = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'short', timeZone });
  const labels = trends.weekStarts.map((start) => day.format(new Date(start)));
  const rows = trends.terms.map((term) => {
    const sum = term.counts.reduce((a, b) => a + b, 0);
    return `<div class="trend"><span>${escapeLine(TERM_LABELS[term.id])}</span>${bars(term.counts, max, labels, TERM_LABELS[term.id])}<span class="n">${sum}</span></div>`;
  });
  return `<section class="trends" aria-labelledby="trends-title">
<h2 id="trends-title">Articles par semaine (${trends.weekStarts.length} semaines)</h2>
${rows.join('\n')}
<p class="period">Semaines du ${escapeLine(labels[0] ?? '')} à aujourd’hui ; survolez une barre pour son total.</p>
</section>`;
}

/** A small bar chart, one bar per week on a scale shared by every term so rows compare. */
function bars(counts: number[], max: number, labels: string[], name: string): string {
  const width = 12;
  const height = 24;
  const rects = counts.map((count, index) => {
    const h = count === 0 ? 1 : Math.max(2, Math.round((count / max) * height));
    const plural = count > 1 ? 's' : '';
    return `<rect x="${index * width + 1}" y="${height - h}" width="${width - 3}" height="${h}" fill="currentColor"${count === 0 ? ' opacity="0.25"' : ''}><title>semaine du ${escapeLine(labels[index] ?? '')} : ${count} article${plural}</title></rect>`;
  });
  const summary = `${name} : ${counts.join(', ')} articles par semaine`;
  return `<svg viewBox="0 0 ${counts.length * width} ${height}" preserveAspectRatio="none" role="img" aria-label="${escapeLine(summary)}">${rects.join('')}</svg>`;
}

function results(model: PageModel): string {
  const { filters, total, articles } = model;
  const filtered = Boolean(filters.q || filters.term || filters.topic);
  if (total === 0)
    return `<p class="count">${filtered ? 'Aucun article ne correspond à cette recherche.' : 'Aucun article pour l’instant : Vigie n’a encore rien trouvé.'}</p>`;
  const first = (filters.page - 1) * model.pageSize + 1;
  const last = first + articles.length - 1;
  const count = `${total} article${total > 1 ? 's' : ''}${articles.length < total ? ` — ${first} à ${last}` : ''}`;
  const format = new Intl.DateTimeFormat('fr-FR', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: model.timeZone,
  });
  const items = articles.map((article) => articleItem(article, filters, format));
  return `<p class="count" role="status">${count}</p>
<ol class="articles">
${items.join('\n')}
</ol>
${pager(filters, last < total)}`;
}

function articleItem(
  article: ArticleView,
  filters: WebFilters,
  format: Intl.DateTimeFormat,
): string {
  const href = linkTarget(article.url, 2048);
  const title = escapeLine(article.title);
  const heading = href
    ? `<a href="${escapeLine(href)}" rel="noopener noreferrer">${title}</a>`
    : title;
  const outlets = [...new Set(article.sources.map((source) => source.name))];
  const when = article.publishedAt ? Date.parse(article.publishedAt) : Number.NaN;
  const meta = [
    outlets.map(escapeLine).join(', '),
    Number.isNaN(when)
      ? ''
      : `<time datetime="${new Date(when).toISOString()}">${format.format(when)}</time>`,
  ].filter(Boolean);
  const tag = (label: string, change: Partial<WebFilters>) =>
    `<a class="chip" href="./${escapeLine(filterQuery(filters, { ...change, page: 1 }))}">${escapeLine(label)}</a>`;
  const tags = [
    ...article.terms.map((id) => tag(TERM_LABELS[id], { term: id })),
    ...article.topics.map((id) => tag(TOPIC_LABELS.fr[id], { topic: id })),
  ];
  return `<li>
<h2>${heading}</h2>
<p class="meta">${meta.join(' · ')}</p>
${article.snippet && snippetAddsToTitle(article.snippet, article.title) ? `<p class="snippet">${snippetHtml(article.snippet)}</p>` : ''}
${tags.length ? `<p class="tags">${tags.join('')}</p>` : ''}
</li>`;
}

function pager(filters: WebFilters, more: boolean): string {
  if (filters.page === 1 && !more) return '';
  const newer =
    filters.page > 1
      ? `<a href="./${escapeLine(filterQuery(filters, { page: filters.page - 1 }))}" rel="prev">← Précédents</a>`
      : '<span></span>';
  const older = more
    ? `<a href="./${escapeLine(filterQuery(filters, { page: filters.page + 1 }))}" rel="next">Suivants →</a>`
    : '<span></span>';
  return `<nav class="pages" aria-label="Pages">${newer}${older}</nav>`;
}
