/**
 * `/topics [days]`: articles per topic and per watch term over the period, with the change, and
 * the last 8 weeks per watch term as a chart (PNG attachment) with a text fallback in the embed.
 */
import { SlashCommandBuilder } from 'discord.js';
import { type Trend, type Trends, trendsBetween } from '../../../store/stats.ts';
import { type WeeklyTrends, weeklyTrends } from '../../../store/trends.ts';
import { ChartError, renderPng, trendChartSvg, trendChartText } from '../../chart.ts';
import { type Lang, OTHER_COLOR, TERM_LABELS, TOPIC_LABELS } from '../labels.ts';
import { integerOption, NO_MENTIONS } from './shared.ts';
import type { CommandContext, CommandDeps, CommandOptions, CommandReply } from './types.ts';

const DAY_MS = 24 * 3_600_000;
const DAYS = { min: 1, max: 365, fallback: 7 };
const CHART_WEEKS = 8;
/** The attachment's name; an embed may show it as `attachment://sujets-8-semaines.png`. */
export const CHART_FILE = 'sujets-8-semaines.png';

export const data = new SlashCommandBuilder()
  .setName('topics')
  .setNameLocalizations({ fr: 'sujets' })
  .setDescription('Articles per topic and watch term, compared with the period before')
  .setDescriptionLocalizations({
    fr: 'Articles par sujet et par terme suivi, comparés à la période précédente',
  })
  .addIntegerOption((option) =>
    option
      .setName('days')
      .setNameLocalizations({ fr: 'jours' })
      .setDescription('Period length (default 7 days)')
      .setDescriptionLocalizations({ fr: 'Durée de la période (7 jours par défaut)' })
      .addChoices(
        { name: 'last 7 days', name_localizations: { fr: '7 derniers jours' }, value: 7 },
        { name: 'last 30 days', name_localizations: { fr: '30 derniers jours' }, value: 30 },
        { name: 'last 90 days', name_localizations: { fr: '90 derniers jours' }, value: 90 },
        { name: 'last 365 days', name_localizations: { fr: '365 derniers jours' }, value: 365 },
      ),
  );

const WORDS = {
  fr: {
    title: (days: number) => `Sujets des ${days} derniers jours`,
    topics: 'Sujets',
    terms: 'Termes suivis',
    weeks: (n: number) => `${n} dernières semaines`,
    footer: (count: number, previous: number, days: number) =>
      `${count} article${count > 1 ? 's' : ''} (${previous} les ${days} jours précédents)`,
  },
  en: {
    title: (days: number) => `Topics of the last ${days} days`,
    topics: 'Topics',
    terms: 'Watch terms',
    weeks: (n: number) => `Last ${n} weeks`,
    footer: (count: number, previous: number, days: number) =>
      `${count} article${count > 1 ? 's' : ''} (${previous} in the ${days} days before)`,
  },
} as const;

/** Counts over the last `days` days up to now and the same span before. */
export async function handler(
  deps: CommandDeps,
  options: CommandOptions,
  context: CommandContext,
): Promise<CommandReply> {
  const days = integerOption(options, 'days', DAYS, context.lang);
  const to = deps.clock();
  const trends = trendsBetween(
    deps.db,
    new Date(to.getTime() - days * DAY_MS).toISOString(),
    to.toISOString(),
  );
  const weekly = weeklyTrends(deps.db, to, CHART_WEEKS);
  const reply = renderTopics(trends, days, context.lang, weekly);
  try {
    const chart: CommandReply = {
      ...reply,
      files: [{ name: CHART_FILE, attachment: renderPng(trendChartSvg(weekly, context.lang)) }],
    };
    return chart;
  } catch (error) {
    // The embed already carries the weeks as text: a chart that cannot render costs only itself.
    if (error instanceof ChartError) return reply;
    throw error;
  }
}

/**
 * The trends as one embed: a field per list, busiest first, each with its change, and, with
 * `weekly`, the weeks per watch term as text bars (the chart's fallback). Pure.
 */
export function renderTopics(
  trends: Trends,
  days: number,
  lang: Lang,
  weekly?: WeeklyTrends,
): CommandReply {
  const words = WORDS[lang];
  const lines = <Id extends string>(list: Trend<Id>[], label: (id: Id) => string) =>
    [...list]
      .sort((a, b) => b.count - a.count || b.previous - a.previous)
      .map((trend) => `${label(trend.id)} : **${trend.count}** ${change(trend)}`)
      .join('\n');
  return {
    embeds: [
      {
        title: `📊 ${words.title(days)}`,
        fields: [
          { name: words.topics, value: lines(trends.topics, (id) => TOPIC_LABELS[lang][id]) },
          { name: words.terms, value: lines(trends.terms, (id) => TERM_LABELS[id]) },
          ...(weekly
            ? [
                {
                  name: words.weeks(weekly.weeks.length),
                  value: trendChartText(weekly, lang).join('\n'),
                },
              ]
            : []),
        ],
        footer: { text: words.footer(trends.articles.count, trends.articles.previous, days) },
        color: OTHER_COLOR,
      },
    ],
    ephemeral: false,
    allowedMentions: NO_MENTIONS,
  };
}

/** "(▲ +3)", "(▼ −2)" or "(=)": the change from the period before. Pure. */
export function change(trend: { count: number; previous: number }): string {
  const delta = trend.count - trend.previous;
  if (delta > 0) return `(▲ +${delta})`;
  if (delta < 0) return `(▼ −${-delta})`;
  return '(=)';
}
