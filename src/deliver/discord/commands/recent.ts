/** `/recent [term] [topic] [count]`: the latest matched articles, newest first. */
import { SlashCommandBuilder } from 'discord.js';
import { searchArticles } from '../../../store/search.ts';
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
    title: 'Derniers articles',
    none: 'Aucun article pour l’instant.',
    of: (n: number, total: number) => `${n} sur ${total}`,
  },
  en: {
    title: 'Latest articles',
    none: 'No article yet.',
    of: (n: number, total: number) => `${n} of ${total}`,
  },
} as const;

/** The `count` newest articles matching the filters. Throws CommandError for a bad option. */
export async function handler(
  deps: CommandDeps,
  options: CommandOptions,
  context: CommandContext,
): Promise<CommandReply> {
  const { lang } = context;
  const term = termOption(options, lang);
  const topic = topicOption(options, lang);
  const count = integerOption(options, 'count', COUNT, lang);
  const page = searchArticles(deps.db, { term, topic, limit: count });
  const words = WORDS[lang];
  const filters = [term ? TERM_LABELS[term] : null, topic ? TOPIC_LABELS[lang][topic] : null]
    .filter(Boolean)
    .join(' · ');
  const heading = `🕒 **${words.title}**${filters ? ` — ${filters}` : ''}`;
  if (page.results.length === 0)
    return { content: `${heading}\n${words.none}`, ephemeral: false, allowedMentions: NO_MENTIONS };
  return {
    content: `${heading} (${words.of(page.results.length, page.total)})`,
    embeds: page.results.map((result) => resultEmbed(result, lang)),
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
