/**
 * The daily email as subject, plain text and HTML. Pure: plain data in, strings out, no clock
 * (the day reported comes in the view).
 *
 * Both parts carry the same content in the same order: header with the count per watch term and
 * its change from the previous week, articles grouped under their top topic (the digest's
 * selection, so each story appears once with all its outlets), the deadlines still ahead
 * ("À venir"), then the failing feeds; on Mondays, the weeks chart after the header (an inline
 * `cid:` attachment, with its text in the text part). The HTML is table-based with inline CSS and
 * a 640 px column that shrinks on a phone; it loads nothing remote (no remote image, font or
 * stylesheet), so it looks the same offline and tracks no one. Feed text is escaped for HTML after control
 * characters are removed, and only http(s) URLs become links.
 */
import { TERM_IDS, type TermId, type TopicId } from '../../analyze/types.ts';
import { instantMs, selectDigest, sourceNames, updateLine } from '../discord/group.ts';
import { type Lang, TERM_LABELS, TOPIC_COLORS, TOPIC_LABELS, WORDS } from '../discord/labels.ts';
import { fitText, linkTarget, mapSnippet, oneLine } from '../discord/text.ts';
import type { ArticleView, FailingFeedView, SourceView } from '../types.ts';
import { headerValue } from './header.ts';
import type { EmailView, RenderedEmail, TermCount } from './types.ts';

/** Language and time zone of the email (settings.yml `lang`, `TZ_REPORTS`). */
export interface EmailRenderOptions {
  lang: Lang;
  /** IANA zone in which publication times and the window are shown, e.g. Europe/Paris. */
  timeZone: string;
  /** Articles shown before "…and N more"; default 60. */
  maxArticles?: number;
  /**
   * The weeks chart (Monday email): `cid` names the inline PNG attachment the HTML shows (null
   * when there is no image: the HTML shows the lines), `lines` are its text fallback
   * (`trendChartText`), shown in the text part and as alt text.
   */
  chart?: { cid: string | null; title: string; lines: string[] };
}

// Gmail clips a message whose HTML passes 102 KB behind a "View entire message" link; 60
// articles stay near 70 KB.
const DEFAULT_MAX_ARTICLES = 60;
const TITLE_MAX = 300;
const SNIPPET_MAX = 400;
const NAME_MAX = 80;
const ERROR_MAX = 160;
const DEADLINES_SHOWN = 20;
const DEADLINE_TEXT_MAX = 160;
const OTHER_COLOR = '#6b7280';
// "HDH" is how the subject line fits three terms on a phone's preview; the body uses full names.
const SUBJECT_TERM: Record<TermId, string> = {
  'health-data-hub': 'HDH',
  secnumcloud: 'SecNumCloud',
  ugap: 'UGAP',
};

const EMAIL_WORDS = {
  fr: {
    title: 'Veille Vigie',
    count: (n: number) => (n === 0 ? 'aucun nouvel article' : WORDS.fr.articles(n)),
    nothing: 'Aucun nouvel article depuis le dernier envoi.',
    change: (delta: number) =>
      delta === 0
        ? 'stable sur une semaine'
        : `${signed(delta)} par rapport à la semaine précédente`,
    colon: ' : ',
    terms: 'Termes',
    upcoming: 'À venir',
    failing: 'Flux en échec',
    more: (n: number) =>
      `… et ${n} autre${n > 1 ? 's' : ''} article${n > 1 ? 's' : ''}, à retrouver avec « vigie search ».`,
    untitled: '(sans titre)',
    signature: 'Envoyé par Vigie, veille presse sur le Health Data Hub, SecNumCloud et l’UGAP.',
  },
  en: {
    title: 'Vigie daily',
    count: (n: number) => (n === 0 ? 'no new articles' : `${n} article${n === 1 ? '' : 's'}`),
    nothing: 'No new articles since the last email.',
    change: (delta: number) =>
      delta === 0 ? 'unchanged from the previous week' : `${signed(delta)} on the previous week`,
    colon: ': ',
    terms: 'Terms',
    upcoming: 'Coming up',
    failing: 'Failing feeds',
    more: (n: number) => `…and ${n} more article${n === 1 ? '' : 's'}: see "vigie search".`,
    untitled: '(untitled)',
    signature: 'Sent by Vigie, press watch on the Health Data Hub, SecNumCloud and UGAP.',
  },
} as const;

/** Everything both parts show, already selected, ordered and made one-line. */
interface EmailModel {
  subject: string;
  heading: string;
  summary: string;
  terms: Array<{ label: string; count: number; change: string }>;
  chart: EmailRenderOptions['chart'] | null;
  groups: Array<{ label: string; color: string; articles: ArticleModel[] }>;
  omitted: string | null;
  upcoming: Array<{ day: string; text: string; title: string; url: string | null }>;
  failing: string[];
}

interface ArticleModel {
  /** "+1 source : Le Monde Informatique" when the story is an update, else null. */
  update: string | null;
  title: string;
  url: string | null;
  outlets: Array<{ name: string; url: string | null }>;
  published: string | null;
  terms: string[];
  topics: string[];
  /** The snippet with hits still marked ⟦ ⟧, cut to SNIPPET_MAX. */
  snippet: string | null;
}

/**
 * The daily email for `view`: a one-line subject ("Vigie — 7 articles HDH · SecNumCloud · UGAP —
 * lundi 23 novembre 2026", only the terms present, "aucun nouvel article" when empty), a plain
 * text part and an HTML part with the same content. Throws a RangeError when `view.date` is
 * not a `YYYY-MM-DD` day or `opts.timeZone` is not a known IANA zone. Pure.
 */
export function renderDailyEmail(view: EmailView, opts: EmailRenderOptions): RenderedEmail {
  const model = emailModel(view, opts);
  return {
    subject: model.subject,
    text: textPart(model, opts.lang),
    html: htmlPart(model, opts.lang),
  };
}

function emailModel(view: EmailView, opts: EmailRenderOptions): EmailModel {
  const words = EMAIL_WORDS[opts.lang];
  const day = reportDay(view.date, opts.lang);
  const at = instantFormatter(opts.lang, opts.timeZone);
  const selection = selectDigest(view.articles, opts.maxArticles ?? DEFAULT_MAX_ARTICLES);
  const articles = selection.groups.flatMap((g) => g.articles);
  const present = TERM_IDS.filter((id) => articles.some((a) => a.terms.includes(id)));
  const subjectTerms = present.map((id) => SUBJECT_TERM[id]).join(' · ');
  const count = words.count(selection.total);
  const window = WORDS[opts.lang].window(at(view.since), at(view.until) ?? oneLine(view.until));
  return {
    subject: headerValue(
      ['Vigie', `${count}${subjectTerms ? ` ${subjectTerms}` : ''}`, day].join(' — '),
    ),
    heading: `${words.title} — ${day}`,
    summary: `${capitalize(count)}, ${window}`,
    terms: termRows(view.termCounts, opts.lang),
    chart: opts.chart ?? null,
    groups: selection.groups.map((group) => ({
      label: topicLabel(group.topic, opts.lang),
      color: group.topic ? hexColor(TOPIC_COLORS[group.topic]) : OTHER_COLOR,
      articles: group.articles.map((article) => articleModel(article, opts.lang, at)),
    })),
    omitted: selection.omitted > 0 ? words.more(selection.omitted) : null,
    upcoming: upcomingDeadlines(view.articles, view.date, opts.lang),
    failing: view.failingFeeds.map((feed) => failingLine(feed, opts.lang)),
  };
}

/** One row per watch term, in DESIGN.md's order, counts as given. */
function termRows(counts: TermCount[], lang: Lang): EmailModel['terms'] {
  const byId = new Map(counts.map((c) => [c.id, c] as const));
  return TERM_IDS.filter((id) => byId.has(id)).map((id) => {
    const { count, previousWeek } = byId.get(id) as TermCount;
    return {
      label: TERM_LABELS[id],
      count,
      change: EMAIL_WORDS[lang].change(count - previousWeek),
    };
  });
}

function articleModel(
  article: ArticleView,
  lang: Lang,
  at: (iso: string | null) => string | null,
): ArticleModel {
  return {
    update: updateLine(article, lang, (name) => fitText(oneLine(name), NAME_MAX, (s) => s)),
    title: fitText(oneLine(article.title) || EMAIL_WORDS[lang].untitled, TITLE_MAX, (s) => s),
    url: linkTarget(article.url, 2048),
    outlets: distinctSources(article).map((source) => ({
      name: fitText(oneLine(source.name), NAME_MAX, (s) => s),
      url: linkTarget(source.url, 2048),
    })),
    published: at(article.publishedAt),
    terms: article.terms.map((id) => TERM_LABELS[id]),
    topics: article.topics.map((id) => TOPIC_LABELS[lang][id]),
    snippet: article.snippet
      ? fitText(oneLine(article.snippet), SNIPPET_MAX, (s) => s) || null
      : null,
  };
}

/** The first source of each outlet (by name, as `sourceNames` counts them). */
function distinctSources(article: ArticleView): SourceView[] {
  return sourceNames(article).map(
    (name) =>
      article.sources.find((s) => s.name.trim().toLowerCase() === name.toLowerCase()) as SourceView,
  );
}

/**
 * Deadlines on or after the day reported, soonest first, one per article and date, from every
 * article of the view (even those cut by `maxArticles`: a deadline is worth more than a title).
 */
function upcomingDeadlines(
  articles: ArticleView[],
  reportDate: string,
  lang: Lang,
): EmailModel['upcoming'] {
  const seen = new Set<string>();
  const entries: Array<{ date: string; text: string; article: ArticleView }> = [];
  for (const article of articles) {
    for (const deadline of article.deadlines) {
      const key = `${article.id}|${deadline.date}`;
      if (!isIsoDay(deadline.date) || deadline.date < reportDate || seen.has(key)) continue;
      seen.add(key);
      entries.push({ date: deadline.date, text: deadline.text, article });
    }
  }
  return entries
    .sort((a, b) => a.date.localeCompare(b.date) || a.article.id - b.article.id)
    .slice(0, DEADLINES_SHOWN)
    .map(({ date, text, article }) => ({
      day: reportDay(date, lang),
      text: fitText(oneLine(text), DEADLINE_TEXT_MAX, (s) => s),
      title: fitText(oneLine(article.title) || EMAIL_WORDS[lang].untitled, TITLE_MAX, (s) => s),
      url: linkTarget(article.url, 2048),
    }));
}

/** "LeMagIT (3 échecs) : délai dépassé", "Silicon (désactivé)". */
function failingLine(feed: FailingFeedView, lang: Lang): string {
  const words = WORDS[lang];
  const state = feed.disabled ? words.disabled : words.failures(feed.consecutiveFailures);
  const error = feed.lastError ? fitText(oneLine(feed.lastError), ERROR_MAX, (s) => s) : '';
  const name = fitText(oneLine(feed.name), NAME_MAX, (s) => s);
  return `${name} (${state})${error ? `${EMAIL_WORDS[lang].colon}${error}` : ''}`;
}

function textPart(model: EmailModel, lang: Lang): string {
  const words = EMAIL_WORDS[lang];
  const lines = [model.heading, model.summary, ''];
  for (const term of model.terms) {
    lines.push(`${term.label}${words.colon}${term.count} (${term.change})`);
  }
  if (model.chart) lines.push('', `== ${model.chart.title} ==`, ...model.chart.lines);
  if (model.groups.length === 0) lines.push('', words.nothing);
  for (const group of model.groups) {
    lines.push('', `== ${group.label} (${group.articles.length}) ==`);
    for (const article of group.articles) {
      lines.push('', `* ${article.title}`);
      if (article.update) lines.push(`  ${article.update}`);
      if (article.url) lines.push(`  ${article.url}`);
      const meta = joinPresent([article.outlets.map((o) => o.name).join(', '), article.published]);
      if (meta) lines.push(`  ${meta}`);
      if (article.outlets.length > 1) {
        for (const outlet of article.outlets) {
          if (outlet.url) lines.push(`    - ${outlet.name}${words.colon}${outlet.url}`);
        }
      }
      const tags = joinPresent([termsLine(article, lang), article.topics.join(', ')]);
      if (tags) lines.push(`  ${tags}`);
      if (article.snippet) lines.push(`  « ${snippetText(article.snippet)} »`);
    }
  }
  if (model.omitted) lines.push('', model.omitted);
  if (model.upcoming.length > 0) {
    lines.push('', `== ${words.upcoming} ==`, '');
    for (const entry of model.upcoming) {
      lines.push(`- ${entry.day}${words.colon}${entry.text} — ${entry.title}`);
      if (entry.url) lines.push(`  ${entry.url}`);
    }
  }
  // "-- " is the signature separator mail clients recognise (RFC 3676 §4.3).
  lines.push('', '-- ');
  if (model.failing.length > 0) {
    lines.push(`${words.failing}${words.colon.trimEnd()}`);
    for (const line of model.failing) lines.push(`- ${line}`);
  }
  lines.push(words.signature);
  return `${lines.join('\n')}\n`;
}

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const MUTED = 'color:#4b5563;font-size:13px;line-height:18px;';

function htmlPart(model: EmailModel, lang: Lang): string {
  const words = EMAIL_WORDS[lang];
  const rows: string[] = [
    row(
      `<h1 style="margin:0;font-size:22px;line-height:28px;color:#111827;">${escapeHtml(model.heading)}</h1>` +
        `<p style="${MUTED}margin:4px 0 0;">${escapeHtml(model.summary)}</p>`,
      '20px 20px 8px',
    ),
  ];
  if (model.terms.length > 0) rows.push(row(termTable(model, lang), '8px 20px'));
  if (model.chart) rows.push(row(chartHtml(model.chart), '8px 20px'));
  if (model.groups.length === 0) {
    rows.push(
      row(`<p style="margin:0;font-size:15px;">${escapeHtml(words.nothing)}</p>`, '12px 20px'),
    );
  }
  for (const group of model.groups) {
    rows.push(
      row(
        `<h2 style="margin:0;font-size:17px;line-height:22px;color:#111827;border-left:4px solid ${group.color};padding-left:8px;">` +
          `${escapeHtml(group.label)} <span style="color:#6b7280;font-weight:normal;">(${group.articles.length})</span></h2>`,
        '18px 20px 4px',
      ),
    );
    for (const article of group.articles) rows.push(row(articleHtml(article, lang), '8px 20px'));
  }
  if (model.omitted) {
    rows.push(row(`<p style="${MUTED}margin:0;">${escapeHtml(model.omitted)}</p>`, '8px 20px'));
  }
  if (model.upcoming.length > 0) rows.push(row(upcomingHtml(model, lang), '18px 20px 8px'));
  rows.push(row(footerHtml(model, lang), '16px 20px 20px', 'border-top:1px solid #e5e7eb;'));
  return [
    '<!DOCTYPE html>',
    `<html lang="${lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    `<title>${escapeHtml(model.subject)}</title>`,
    '</head>',
    '<body style="margin:0;padding:0;background-color:#f3f4f6;">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f3f4f6;">',
    '<tr><td align="center" style="padding:16px 8px;">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:640px;background-color:#ffffff;border:1px solid #e5e7eb;border-radius:6px;">',
    ...rows,
    '</table>',
    '</td></tr>',
    '</table>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A row of the main column; the font is set on the cell, where every client inherits it. */
function row(content: string, padding: string, extraStyle = ''): string {
  return `<tr><td style="${FONT}padding:${padding};${extraStyle}">${content}</td></tr>`;
}

function termTable(model: EmailModel, lang: Lang): string {
  const cells = model.terms.map(
    (term) =>
      '<tr>' +
      `<td style="${FONT}font-size:14px;padding:3px 12px 3px 0;font-weight:bold;">${escapeHtml(term.label)}</td>` +
      `<td style="${FONT}font-size:14px;padding:3px 12px 3px 0;text-align:right;">${term.count}</td>` +
      `<td style="${FONT}${MUTED}padding:3px 0;">${escapeHtml(term.change)}</td>` +
      '</tr>',
  );
  const caption = EMAIL_WORDS[lang].terms;
  return `<table role="presentation" cellpadding="0" cellspacing="0" border="0" aria-label="${escapeHtml(caption)}">${cells.join('')}</table>`;
}

/** The inline chart (cid: an attachment of this message, nothing remote), its text as alt. */
function chartHtml(chart: NonNullable<EmailModel['chart']>): string {
  const heading = `<h2 style="margin:0 0 6px;font-size:17px;line-height:22px;color:#111827;">${escapeHtml(chart.title)}</h2>`;
  if (chart.cid === null)
    return `${heading}<p style="${MUTED}margin:0;font-family:monospace;">${chart.lines.map(escapeHtml).join('<br>')}</p>`;
  const alt = escapeHtml(`${chart.title} — ${chart.lines.join(' ; ')}`);
  return (
    heading +
    `<img src="cid:${escapeHtml(chart.cid)}" width="600" alt="${alt}" style="display:block;width:100%;max-width:600px;height:auto;border:0;">`
  );
}

function articleHtml(article: ArticleModel, lang: Lang): string {
  const title = escapeHtml(article.title);
  const heading = article.url
    ? `<a href="${escapeHtml(article.url)}" style="color:#1d4ed8;text-decoration:none;">${title}</a>`
    : title;
  const outlets = article.outlets
    .map((o) =>
      o.url
        ? `<a href="${escapeHtml(o.url)}" style="color:#4b5563;">${escapeHtml(o.name)}</a>`
        : escapeHtml(o.name),
    )
    .join(', ');
  const meta = joinPresent([outlets, article.published ? escapeHtml(article.published) : null]);
  const tags = joinPresent([
    escapeHtml(termsLine(article, lang)),
    escapeHtml(article.topics.join(', ')),
  ]);
  const snippet = article.snippet
    ? `<p style="margin:6px 0 0;font-size:14px;line-height:20px;color:#374151;border-left:3px solid #d1d5db;padding-left:8px;">${snippetHtml(article.snippet)}</p>`
    : '';
  const update = article.update
    ? `<p style="margin:0 0 2px;font-size:13px;line-height:18px;color:#047857;font-weight:bold;">${escapeHtml(article.update)}</p>`
    : '';
  return (
    update +
    `<p style="margin:0;font-size:16px;line-height:22px;font-weight:bold;">${heading}</p>` +
    (meta ? `<p style="${MUTED}margin:2px 0 0;">${meta}</p>` : '') +
    (tags ? `<p style="${MUTED}margin:2px 0 0;">${tags}</p>` : '') +
    snippet
  );
}

function upcomingHtml(model: EmailModel, lang: Lang): string {
  const words = EMAIL_WORDS[lang];
  const items = model.upcoming.map((entry) => {
    const title = entry.url
      ? `<a href="${escapeHtml(entry.url)}" style="color:#1d4ed8;">${escapeHtml(entry.title)}</a>`
      : escapeHtml(entry.title);
    return (
      // One column: a date beside the text leaves a phone too narrow a column to read.
      `<tr><td style="${FONT}font-size:14px;line-height:20px;padding:4px 0;">` +
      `<strong>${escapeHtml(entry.day)}</strong>${escapeHtml(words.colon)}${escapeHtml(entry.text)}` +
      `<br><span style="${MUTED}">${title}</span></td></tr>`
    );
  });
  return (
    `<h2 style="margin:0 0 6px;font-size:17px;line-height:22px;color:#111827;">${escapeHtml(words.upcoming)}</h2>` +
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%">${items.join('')}</table>`
  );
}

function footerHtml(model: EmailModel, lang: Lang): string {
  const words = EMAIL_WORDS[lang];
  const failing =
    model.failing.length > 0
      ? `<p style="${MUTED}margin:0 0 8px;"><strong>${escapeHtml(`${words.failing}${words.colon.trimEnd()}`)}</strong><br>` +
        model.failing.map(escapeHtml).join('<br>') +
        '</p>'
      : '';
  return `${failing}<p style="color:#6b7280;font-size:12px;line-height:16px;margin:0;">${escapeHtml(words.signature)}</p>`;
}

function termsLine(article: ArticleModel, lang: Lang): string {
  return article.terms.length > 0
    ? `${EMAIL_WORDS[lang].terms}${EMAIL_WORDS[lang].colon}${article.terms.join(', ')}`
    : '';
}

/** The snippet with its ⟦ ⟧ markers dropped. */
function snippetText(snippet: string): string {
  return mapSnippet(
    snippet,
    (s) => s,
    (hit) => hit,
  );
}

/** The snippet escaped for HTML, each hit in <strong> (escaped first, so a hit holds no markup). */
function snippetHtml(snippet: string): string {
  return mapSnippet(snippet, escapeHtml, (hit) => `<strong>${escapeHtml(hit)}</strong>`);
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` with & < > " ' as entities: safe in element content and in double-quoted attributes. Pure. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/** "lundi 23 novembre 2026" / "Monday, 23 November 2026" for a `YYYY-MM-DD` calendar day. */
function reportDay(isoDay: string, lang: Lang): string {
  if (!isIsoDay(isoDay))
    throw new RangeError(`email date must be YYYY-MM-DD, got ${JSON.stringify(isoDay)}`);
  const [y, m, d] = isoDay.split('-').map(Number) as [number, number, number];
  // A calendar day has no zone: formatting its UTC midnight in UTC gives that same day anywhere.
  return new Intl.DateTimeFormat(WORDS[lang].locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(Date.UTC(y, m - 1, d));
}

function isIsoDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(text);
}

/** A formatter of ISO instants as "23 nov. 2026, 09:15" in `timeZone` (null when absent). */
function instantFormatter(lang: Lang, timeZone: string): (iso: string | null) => string | null {
  const format = new Intl.DateTimeFormat(WORDS[lang].locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  });
  return (iso) => {
    const ms = instantMs(iso);
    return ms === null ? null : format.format(ms);
  };
}

function topicLabel(topic: TopicId | null, lang: Lang): string {
  return topic ? TOPIC_LABELS[lang][topic] : WORDS[lang].other;
}

function hexColor(color: number): string {
  return `#${color.toString(16).padStart(6, '0')}`;
}

function signed(delta: number): string {
  // U+2212 MINUS SIGN: a hyphen before a number reads as a dash in French typography.
  return delta > 0 ? `+${delta}` : `\u2212${Math.abs(delta)}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function joinPresent(parts: Array<string | null | undefined>): string {
  return parts.filter((part): part is string => Boolean(part)).join(' · ');
}
