/**
 * `/recent [term] [topic] [count]`: the latest stories, newest first — one embed per story
 * (headline, every outlet), not one per copy.
 */
import { SlashCommandBuilder } from 'discord.js';
import { searchArticles } from '../../../store/search.ts';
import { storyViews } from '../../../store/views.ts';
import { type StoryView, sourceNames } from '../group.ts';
import { TERM_LABELS, TOPIC_LABELS } from '../labels.ts';
import { resultEmbed } from './results.ts';
import {
  filterChoices,
  integerOption,
  NO_MENTIONS,
  termDefinition,
  termOption,
  topicDefinition,
  topicOption,
} from './shared.ts';
import type { Choice, CommandContext, CommandDeps, CommandOptions, CommandReply } from './types.ts';

/** Ten embeds is Discord's per-message maximum. */
const COUNT = { min: 1, max: 10, fallback: 5 };
// Articles read per story asked: a busy story holds several of the latest articles.
const ARTICLES_PER_STORY = 5;
const OUTLETS_NAMED = 2;

export const data = new SlashCommandBuilder()
  .setName('recent')
  .setNameLocalizations({ fr: 'récents' })
  .setDescription('The latest articles about the watched subjects')
  .setDescriptionLocalizations({ fr: 'Les derniers articles sur les sujets suivis' })
  .addStringOption(termDefinition)
  .addStringOption(topicDefinition)
  .addIntegerOption((option) =>
    option
      .setName('count')
      .setNameLocalizations({ fr: 'nombre' })
      .setDescription('How many articles (1-10, default 5)')
      .setDescriptionLocalizations({ fr: 'Combien d’articles (1 à 10, 5 par défaut)' })
      .setMinValue(COUNT.min)
      .setMaxValue(COUNT.max),
  );

const WORDS = {
  fr: {
    title: 'Dernières histoires',
    none: 'Aucun article pour l’instant.',
    count: (n: number) => `${n} histoire${n > 1 ? 's' : ''}`,
  },
  en: {
    title: 'Latest stories',
    none: 'No article yet.',
    count: (n: number) => `${n} ${n > 1 ? 'stories' : 'story'}`,
  },
} as const;

/** The `count` newest stories matching the filters. Throws CommandError for a bad option. */
export async function handler(
  deps: CommandDeps,
  options: CommandOptions,
  context: CommandContext,
): Promise<CommandReply> {
  const { lang } = context;
  const term = termOption(options, lang);
  const topic = topicOption(options, lang);
  const count = integerOption(options, 'count', COUNT, lang);
  const page = searchArticles(deps.db, { term, topic, limit: count * ARTICLES_PER_STORY });
  const stories = storyViews(
    deps.db,
    page.results.map((result) => ({ articleId: result.id, update: false, createdAt: '' })),
  ).slice(0, count);
  const words = WORDS[lang];
  const filters = [term ? TERM_LABELS[term] : null, topic ? TOPIC_LABELS[lang][topic] : null]
    .filter(Boolean)
    .join(' · ');
  const heading = `🕒 **${words.title}**${filters ? ` — ${filters}` : ''}`;
  if (stories.length === 0)
    return { content: `${heading}\n${words.none}`, ephemeral: false, allowedMentions: NO_MENTIONS };
  return {
    content: `${heading} (${words.count(stories.length)})`,
    embeds: stories.map((story) => resultEmbed(storyResult(story), lang)),
    ephemeral: false,
    allowedMentions: NO_MENTIONS,
  };
}

/** Suggestions for `term` and `topic`. */
export function autocomplete(
  deps: CommandDeps,
  focused: { name: string; value: string },
  context: CommandContext,
): Choice[] {
  return filterChoices(deps.db, focused, context.lang);
}

/** A story in the shape `resultEmbed` shows: its outlets as the source ("LeMagIT, Silicon, +2"). Pure. */
export function storyResult(story: StoryView) {
  const names = sourceNames(story);
  const rest = names.length - OUTLETS_NAMED;
  return {
    id: story.id,
    title: story.title,
    url: story.url,
    source: [...names.slice(0, OUTLETS_NAMED), ...(rest > 0 ? [`+${rest}`] : [])].join(', '),
    publishedAt: story.publishedAt,
    terms: story.terms,
    topics: story.topics,
    snippet: story.snippet ?? '',
  };
}
