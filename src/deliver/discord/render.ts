/**
 * Digests and alerts as Discord payloads, and the same digest as plain text for the console.
 * Pure: a `DigestView` or `ArticleView` in, JSON out; nothing here posts, reads a clock or a DB.
 *
 * Layout: one embed per topic (an article sits under its top topic, once, with all its outlets),
 * one block of lines per article in the embed's description. Blocks are never split: when an
 * embed or a message is full (see `limits.ts`), the next block opens a new embed "(suite)" or a
 * new message. Each piece of feed text is fitted to its own budget at a word boundary before the
 * blocks are packed, so a block always fits an empty embed. Past `maxArticles` the digest ends
 * with "+N" and the /search hint.
 */
import type { TopicId } from '../../analyze/types.ts';
import type { ArticleView, DigestView, FailingFeedView } from '../types.ts';
import { type DigestSelection, instantMs, selectDigest, sourceNames, updateLine } from './group.ts';
import {
  type Lang,
  OTHER_COLOR,
  TERM_LABELS,
  TOPIC_COLORS,
  TOPIC_LABELS,
  WORDS,
} from './labels.ts';
import { DISCORD_LIMITS, embedLength } from './limits.ts';
import {
  escapeMarkdown,
  fitText,
  linkTarget,
  mapSnippet,
  oneLine,
  snippetMarkdown,
} from './text.ts';
import type { DiscordMessage, Embed } from './types.ts';

export interface DigestRenderOptions {
  lang: Lang;
  /** Articles shown before "+N more"; default 60 (settings.yml `digest.maxArticles`). */
  maxArticles?: number;
  /** How readers find the rest, e.g. "/search since:2026-03-01"; default "/search". */
  searchHint?: string;
}

export interface AlertRenderOptions {
  lang: Lang;
  /** Name of the alert rule that fired, shown to say why this article was posted at once. */
  ruleName?: string;
}

export interface TextRenderOptions extends DigestRenderOptions {
  /** IANA zone for absolute dates; default Europe/Paris. */
  timeZone?: string;
}

const DEFAULT_MAX_ARTICLES = 60;
// Per-piece budgets: a whole article block stays under ~1700 characters, well inside one embed.
const TITLE_MAX = 240;
const SNIPPET_MAX = 400;
const SOURCES_MAX = 200;
const SOURCE_NAME_MAX = 60;
const SOURCES_SHOWN = 4;
const TOPICS_SHOWN = 3;
const FACTS_SHOWN = 2;
const FOOTER_MAX = 600;
const HINT_MAX = 100;
const NO_MENTIONS = { parse: [] as [] };

/**
 * The digest as one or more messages, each within every Discord limit, split only between
 * articles. An empty digest is one message saying so (with the failing feeds, if any). Pure.
 */
export function renderDigest(view: DigestView, opts: DigestRenderOptions): DiscordMessage[] {
  const words = WORDS[opts.lang];
  const selection = selectDigest(view.articles, opts.maxArticles ?? DEFAULT_MAX_ARTICLES);
  const footer = { text: footerText(selection, view.failingFeeds, opts.lang) };
  const timestamp = isoInstant(view.until);
  const header = `📰 **${words.digest}** — ${headerWindow(view, selection, opts.lang)}`;
  if (selection.total === 0) {
    return [
      {
        content: header,
        embeds: [{ description: words.nothing, footer, color: OTHER_COLOR, ...timestamp }],
        allowedMentions: NO_MENTIONS,
      },
    ];
  }
  const sections = selection.groups.map((group) => ({
    title: `${topicLabel(group.topic, opts.lang)} — ${words.articles(group.articles.length)}`,
    continuedTitle: `${topicLabel(group.topic, opts.lang)} ${words.continued}`,
    color: group.topic ? TOPIC_COLORS[group.topic] : OTHER_COLOR,
    blocks: group.articles.map((article) => articleBlock(article, opts.lang)),
  }));
  const pages = packEmbeds(sections, DISCORD_LIMITS.embedsTotal - footer.text.length);
  const lastPage = pages[pages.length - 1] ?? [];
  const lastEmbed = lastPage[lastPage.length - 1];
  if (lastEmbed) Object.assign(lastEmbed, { footer, ...timestamp });
  const more =
    selection.omitted > 0 ? words.more(selection.omitted, hintCode(opts.searchHint)) : null;
  return pages.map((embeds, i) => {
    const content = [i === 0 ? header : null, i === pages.length - 1 ? more : null]
      .filter((line): line is string => line !== null)
      .join('\n');
    return content
      ? { content, embeds, allowedMentions: NO_MENTIONS }
      : { embeds, allowedMentions: NO_MENTIONS };
  });
}

/**
 * One article posted at once: the title as the embed's (linked) title, then the same details as
 * in a digest. Within every Discord limit whatever the article holds. Pure.
 */
export function renderAlert(article: ArticleView, opts: AlertRenderOptions): DiscordMessage {
  const words = WORDS[opts.lang];
  const rule = opts.ruleName
    ? ` · ${fitText(oneLine(words.rule(opts.ruleName)), TITLE_MAX, escapeMarkdown)}`
    : '';
  const url = linkTarget(article.url);
  const embed: Embed = {
    title: fitText(titleOf(article, opts.lang), TITLE_MAX, escapeMarkdown),
    ...(url ? { url } : {}),
    description: detailLines(article, opts.lang).join('\n'),
    color: article.topics[0] ? TOPIC_COLORS[article.topics[0]] : OTHER_COLOR,
    ...isoInstant(article.publishedAt),
  };
  return { content: `🔔 **${words.alert}**${rule}`, embeds: [embed], allowedMentions: NO_MENTIONS };
}

/** What the weekly digest shows: stories already ranked, and the week they belong to. */
export interface WeeklyRenderOptions {
  lang: Lang;
  /** Monday of the week reported, YYYY-MM-DD. */
  weekStart: string;
  /** Stories shown; the rest are counted in the header. Default 20. */
  maxStories?: number;
}

/**
 * The weekly digest: the week's stories in the given order (most sources first, see
 * `rankStories`), each numbered with its outlet count, packed like the daily digest. Pure.
 */
export function renderWeeklyDigest(
  stories: readonly ArticleView[],
  opts: WeeklyRenderOptions,
): DiscordMessage[] {
  const words = WORDS[opts.lang];
  const shown = stories.slice(0, opts.maxStories ?? DEFAULT_WEEKLY_STORIES);
  const header = `🗓️ **${words.week(weekLabel(opts.weekStart, opts.lang))}** — ${words.stories(stories.length)}`;
  if (shown.length === 0)
    return [
      {
        content: header,
        embeds: [{ description: words.nothing, color: OTHER_COLOR }],
        allowedMentions: NO_MENTIONS,
      },
    ];
  const section: Section = {
    title: words.topStories,
    continuedTitle: `${words.topStories} ${words.continued}`,
    color: OTHER_COLOR,
    blocks: shown.map(
      (story, i) =>
        `${i + 1}. ${words.outlets(sourceNames(story).length)}\n${articleBlock(story, opts.lang)}`,
    ),
  };
  const pages = packEmbeds([section], DISCORD_LIMITS.embedsTotal);
  return pages.map((embeds, i) =>
    i === 0
      ? { content: header, embeds, allowedMentions: NO_MENTIONS }
      : { embeds, allowedMentions: NO_MENTIONS },
  );
}

/** The weekly digest as plain text for the console. Pure. */
export function renderWeeklyText(
  stories: readonly ArticleView[],
  opts: WeeklyRenderOptions,
): string {
  const words = WORDS[opts.lang];
  const lines = [
    `${words.week(weekLabel(opts.weekStart, opts.lang))} — ${words.stories(stories.length)}`,
  ];
  stories.slice(0, opts.maxStories ?? DEFAULT_WEEKLY_STORIES).forEach((story, i) => {
    const outlets = sourceNames(story).map(oneLine);
    lines.push(
      '',
      `${i + 1}. ${titleOf(story, opts.lang)}`,
      `   ${oneLine(story.url)}`,
      `   ${words.outlets(outlets.length)} : ${outlets.join(', ')}`,
      `   ${story.terms.map((t) => TERM_LABELS[t]).join(', ')}`,
    );
  });
  return `${lines.join('\n')}\n`;
}

const DEFAULT_WEEKLY_STORIES = 20;

function weekLabel(weekStart: string, lang: Lang): string {
  return new Intl.DateTimeFormat(WORDS[lang].locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(Date.parse(`${weekStart}T00:00:00Z`));
}

/**
 * The digest as plain text for a terminal or a log: same selection and order as
 * `renderDigest`, absolute dates in `timeZone`, hits marked with *…*, control characters from
 * feeds removed (no terminal escape reaches the console). Pure.
 */
export function renderDigestText(view: DigestView, opts: TextRenderOptions): string {
  const words = WORDS[opts.lang];
  const date = dateFormatter(opts.lang, opts.timeZone ?? 'Europe/Paris');
  const at = (iso: string | null) => {
    const ms = instantMs(iso);
    return ms === null ? null : date.format(ms);
  };
  const selection = selectDigest(view.articles, opts.maxArticles ?? DEFAULT_MAX_ARTICLES);
  const window = words.window(at(view.since), at(view.until) ?? view.until);
  const lines = [`${words.digest} — ${words.articles(selection.total)}, ${window}`];
  if (selection.total === 0) lines.push(words.nothing);
  for (const group of selection.groups) {
    lines.push('', `== ${topicLabel(group.topic, opts.lang)} (${group.articles.length}) ==`);
    for (const article of group.articles) {
      const meta = [sourceNames(article).map(oneLine).join(', '), at(article.publishedAt)];
      const tags = [
        article.terms.map((t) => `[${TERM_LABELS[t]}]`).join(' '),
        article.topics
          .slice(0, TOPICS_SHOWN)
          .map((t) => TOPIC_LABELS[opts.lang][t])
          .join(', '),
      ];
      const snippet = article.snippet
        ? `« ${mapSnippet(
            article.snippet,
            (s) => s,
            (hit) => `*${hit}*`,
          )} »`
        : null;
      const details = [
        oneLine(article.url),
        joinPresent(meta),
        joinPresent(tags),
        snippet,
        joinPresent(factParts(article, opts.lang)),
      ];
      lines.push(`• ${titleOf(article, opts.lang)}`);
      const gained = updateLine(article, opts.lang, oneLine);
      if (gained) lines.push(`  ${gained}`);
      for (const detail of details) if (detail) lines.push(`  ${detail}`);
    }
  }
  if (selection.omitted > 0) {
    lines.push('', words.more(selection.omitted, oneLine(opts.searchHint ?? '/search')));
  }
  lines.push('', footerText(selection, view.failingFeeds, opts.lang));
  return `${lines.join('\n')}\n`;
}

interface Section {
  title: string;
  continuedTitle: string;
  color: number;
  blocks: string[];
}

/**
 * Blocks packed into embeds and embeds into messages ("pages"), greedily and in order, so that
 * no embed description exceeds 4096, no page holds more than 10 embeds or `pageBudget`
 * characters of embeds. A block is never split.
 */
function packEmbeds(sections: Section[], pageBudget: number): Embed[][] {
  const pages: Embed[][] = [[]];
  for (const section of sections) {
    let embed: Embed | null = null;
    for (const block of section.blocks) {
      const page = pages[pages.length - 1] as Embed[];
      const used = page.reduce((sum, e) => sum + embedLength(e), 0);
      const grown = `${embed?.description ?? ''}\n\n${block}`;
      if (
        embed &&
        grown.length <= DISCORD_LIMITS.embedDescription &&
        used + block.length + 2 <= pageBudget
      ) {
        embed.description = grown;
        continue;
      }
      const next: Embed = {
        title: embed ? section.continuedTitle : section.title,
        description: block,
        color: section.color,
      };
      const fits =
        page.length < DISCORD_LIMITS.embedsPerMessage && used + embedLength(next) <= pageBudget;
      if (fits) page.push(next);
      else pages.push([next]);
      embed = next;
    }
  }
  return pages.filter((page) => page.length > 0);
}

/** An article as Markdown lines: linked title, then `detailLines`. */
function articleBlock(article: ArticleView, lang: Lang): string {
  const title = fitText(titleOf(article, lang), TITLE_MAX, escapeMarkdown);
  const url = linkTarget(article.url);
  const heading = url ? `**[${title}](${url})**` : `**${title}**`;
  return [heading, ...detailLines(article, lang)].join('\n');
}

/** Outlets and relative date, badges and topics, snippet, amounts and deadlines. */
function detailLines(article: ArticleView, lang: Lang): string[] {
  const ms = instantMs(article.publishedAt);
  const badges = article.terms.map((t) => `\`${TERM_LABELS[t]}\``).join(' ');
  const topics = article.topics.slice(0, TOPICS_SHOWN).map((t) => TOPIC_LABELS[lang][t]);
  const snippet = article.snippet
    ? fitText(oneLine(article.snippet), SNIPPET_MAX, snippetMarkdown)
    : '';
  const gained = updateLine(article, lang, (name) =>
    fitText(oneLine(name), SOURCE_NAME_MAX, escapeMarkdown),
  );
  return [
    gained ? `🔄 **${gained}**` : null,
    joinPresent([outletList(article), ms === null ? null : `<t:${Math.floor(ms / 1000)}:R>`]),
    joinPresent([badges, topics.join(', ')]),
    snippet ? `> ${snippet}` : null,
    // Our own formatting of numbers and dates: nothing from the feed, nothing to escape.
    joinPresent(factParts(article, lang)),
  ].filter((line): line is string => Boolean(line));
}

/** "LeMagIT, Silicon, +2": escaped names, bounded in count and length. */
function outletList(article: ArticleView): string {
  const names = sourceNames(article);
  const shown = names
    .slice(0, SOURCES_SHOWN)
    .map((name) => fitText(oneLine(name), SOURCE_NAME_MAX, escapeMarkdown));
  const rest = names.length - shown.length;
  const list = [...shown, ...(rest > 0 ? [`+${rest}`] : [])].join(', ');
  return list.length <= SOURCES_MAX ? list : `${shown[0] ?? ''}, +${names.length - 1}`;
}

/** "💶 12 M €", "📅 échéance 30 avr. 2026": the first amounts and deadlines, formatted. */
// Building an Intl formatter costs about a tenth of a millisecond: once per language, not per
// article (it was half of a 500-article digest's render time).
const factFormatters = new Map<Lang, { money: Intl.NumberFormat; day: Intl.DateTimeFormat }>();

function formattersFor(lang: Lang): { money: Intl.NumberFormat; day: Intl.DateTimeFormat } {
  let formatters = factFormatters.get(lang);
  if (!formatters) {
    const { locale } = WORDS[lang];
    formatters = {
      money: new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: 'EUR',
        notation: 'compact',
        maximumSignificantDigits: 3,
      }),
      day: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }),
    };
    factFormatters.set(lang, formatters);
  }
  return formatters;
}

function factParts(article: ArticleView, lang: Lang): string[] {
  const words = WORDS[lang];
  const { money, day } = formattersFor(lang);
  const amounts = article.amounts
    .filter((a) => Number.isFinite(a.eur))
    .slice(0, FACTS_SHOWN)
    .map((a) => `💶 ${money.format(a.eur)}`);
  const deadlines = article.deadlines
    .map((d) => instantMs(/^\d{4}-\d{2}-\d{2}$/.test(d.date) ? `${d.date}T00:00:00Z` : null))
    .filter((ms): ms is number => ms !== null)
    .slice(0, FACTS_SHOWN)
    .map((ms) => `📅 ${words.deadline} ${day.format(ms)}`);
  return [...amounts, ...deadlines];
}

/** "12 articles · 9 médias · ⚠ 2 flux en échec : LeMagIT (5 échecs), …", at most FOOTER_MAX. */
function footerText(selection: DigestSelection, failing: FailingFeedView[], lang: Lang): string {
  const words = WORDS[lang];
  const counts = `${words.articles(selection.total)} · ${words.outlets(selection.outlets)}`;
  if (failing.length === 0) return counts;
  const entries = failing.map((feed) => {
    const state = feed.disabled ? words.disabled : words.failures(feed.consecutiveFailures);
    return `${fitText(oneLine(feed.name), SOURCE_NAME_MAX, (s) => s)} (${state})`;
  });
  const prefix = `${counts} · ⚠ ${words.failing(failing.length)}${lang === 'fr' ? ' : ' : ': '}`;
  let listed = 0;
  let text = prefix;
  for (const entry of entries) {
    const candidate = `${text}${listed > 0 ? ', ' : ''}${entry}`;
    // Room is kept for a ", +N" tail naming how many were left out.
    if (candidate.length > FOOTER_MAX - 8) break;
    text = candidate;
    listed += 1;
  }
  return listed < entries.length
    ? `${text}${listed > 0 ? ', ' : ''}+${entries.length - listed}`
    : text;
}

/** "12 articles du <t:…:f> au <t:…:f>" (or without window when the instants do not parse). */
function headerWindow(view: DigestView, selection: DigestSelection, lang: Lang): string {
  const words = WORDS[lang];
  const stamp = (iso: string | null) => {
    const ms = instantMs(iso);
    return ms === null ? null : `<t:${Math.floor(ms / 1000)}:f>`;
  };
  const until = stamp(view.until);
  if (selection.total === 0) return words.nothing;
  const count = words.articles(selection.total);
  return until ? `${count} ${words.window(stamp(view.since), until)}` : count;
}

/** The search hint as inline code (backticks removed so it cannot close the code span). */
function hintCode(hint: string | undefined): string {
  const clean = oneLine(hint ?? '/search').replace(/`/g, '') || '/search';
  return `\`${fitText(clean, HINT_MAX, (s) => s)}\``;
}

function topicLabel(topic: TopicId | null, lang: Lang): string {
  return topic ? TOPIC_LABELS[lang][topic] : WORDS[lang].other;
}

function titleOf(article: ArticleView, lang: Lang): string {
  return oneLine(article.title) || (lang === 'fr' ? '(sans titre)' : '(untitled)');
}

function isoInstant(iso: string | null): { timestamp?: string } {
  const ms = instantMs(iso);
  return ms === null ? {} : { timestamp: new Date(ms).toISOString() };
}

function dateFormatter(lang: Lang, timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(WORDS[lang].locale, {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone,
  });
}

function joinPresent(parts: Array<string | null | undefined>): string {
  return parts.filter((part): part is string => Boolean(part)).join(' · ');
}
