/**
 * `/search query [term] [topic] [since] [source]`: the archive's full-text search, the same
 * `searchArticles` as `vigie search` (words, "quoted phrases", -exclusions, prefixes, accents
 * ignored; user text never reaches FTS syntax). Five results a page with Previous/Next buttons
 * whose state lives in the database (`pages.ts`).
 */
import { ButtonStyle, ComponentType, SlashCommandBuilder } from 'discord.js';
import { type SearchPage, searchArticles } from '../../../store/search.ts';
import type { Lang } from '../labels.ts';
import { escapeMarkdown, fitText, oneLine } from '../text.ts';
import {
  loadSearch,
  pageButtonId,
  parsePageButton,
  type SearchState,
  saveSearch,
} from './pages.ts';
import { resultEmbed } from './results.ts';
import {
  dateOption,
  filterChoices,
  NO_MENTIONS,
  SOURCE_MAX_LENGTH,
  sourceDefinition,
  stringOption,
  termDefinition,
  termOption,
  topicDefinition,
  topicOption,
} from './shared.ts';
import {
  type Choice,
  type CommandContext,
  type CommandDeps,
  CommandError,
  type CommandOptions,
  type CommandReply,
} from './types.ts';

/** Longest query accepted: long enough for a sentence, short of `searchArticles`' own cap. */
export const QUERY_MAX_LENGTH = 200;
export const PAGE_SIZE = 5;
const DAY_MS = 24 * 3_600_000;
const QUERY_SHOWN = 100;

export const data = new SlashCommandBuilder()
  .setName('search')
  .setNameLocalizations({ fr: 'recherche' })
  .setDescription('Search the archive: words, "exact phrases", -excluded words')
  .setDescriptionLocalizations({
    fr: 'Chercher dans les archives : mots, « phrases exactes », -mots exclus',
  })
  .addStringOption((option) =>
    option
      .setName('query')
      .setNameLocalizations({ fr: 'requête' })
      .setDescription('e.g. SecNumCloud "appel d\'offres" -AWS')
      .setDescriptionLocalizations({ fr: 'ex. SecNumCloud "appel d’offres" -AWS' })
      .setRequired(true)
      .setMaxLength(QUERY_MAX_LENGTH),
  )
  .addStringOption(termDefinition)
  .addStringOption(topicDefinition)
  .addStringOption((option) =>
    option
      .setName('since')
      .setNameLocalizations({ fr: 'depuis' })
      .setDescription('Published on or after YYYY-MM-DD')
      .setDescriptionLocalizations({ fr: 'Publié le AAAA-MM-JJ ou après' })
      .setMinLength(10)
      .setMaxLength(10),
  )
  .addStringOption(sourceDefinition);

const WORDS = {
  fr: {
    results: (n: number, more = false) => `${n}${more ? '+' : ''} résultat${n > 1 ? 's' : ''}`,
    none: 'Aucun article trouvé',
    for: (query: string) => ` pour « ${query} »`,
    range: (from: number, to: number) => `${from}–${to}`,
    previous: 'Précédent',
    next: 'Suivant',
    expired: 'Cette recherche a expiré : relancez /search.',
  },
  en: {
    results: (n: number, more = false) => `${n}${more ? '+' : ''} result${n > 1 ? 's' : ''}`,
    none: 'No article found',
    for: (query: string) => ` for “${query}”`,
    range: (from: number, to: number) => `${from}–${to}`,
    previous: 'Previous',
    next: 'Next',
    expired: 'This search has expired: run /search again.',
  },
} as const;

/** Runs the search and answers its first page. Throws CommandError for an invalid option. */
export async function handler(
  deps: CommandDeps,
  options: CommandOptions,
  context: CommandContext,
): Promise<CommandReply> {
  const { lang } = context;
  const state: SearchState = {
    query: stringOption(options, 'query', QUERY_MAX_LENGTH, lang) ?? '',
    term: termOption(options, lang),
    topic: topicOption(options, lang),
    since: dateOption(options, 'since', lang),
    source: stringOption(options, 'source', SOURCE_MAX_LENGTH, lang),
  };
  const key = saveSearch(deps.db, state, deps.clock(), ttl(deps));
  return searchReply(deps, state, key, 0, lang);
}

/**
 * The page a Previous/Next button asks for, or null when `customId` is not a search button.
 * Throws CommandError SEARCH_EXPIRED when the search is older than the TTL or unknown.
 */
export async function button(
  deps: CommandDeps,
  customId: string,
  context: CommandContext,
): Promise<CommandReply | null> {
  const target = parsePageButton(customId);
  if (!target) return null;
  const state = loadSearch(deps.db, target.key, deps.clock(), ttl(deps));
  if (!state) throw new CommandError('SEARCH_EXPIRED', customId, WORDS[context.lang].expired);
  return searchReply(deps, state, target.key, target.offset, context.lang);
}

/** Suggestions for `term`, `topic` and `source`. */
export function autocomplete(
  deps: CommandDeps,
  focused: { name: string; value: string },
  context: CommandContext,
): Choice[] {
  return filterChoices(deps.db, focused, context.lang);
}

function ttl(deps: CommandDeps): number {
  return deps.searchPageTtlMs ?? DAY_MS;
}

function searchReply(
  deps: CommandDeps,
  state: SearchState,
  key: string,
  offset: number,
  lang: Lang,
): CommandReply {
  const page = searchArticles(deps.db, { ...state, limit: PAGE_SIZE, offset });
  return renderSearchPage(page, { query: state.query, key, offset, lang });
}

/**
 * A page of results: a header line (count, query, range), one embed per result, and
 * Previous/Next buttons disabled at either end. Pure.
 */
export function renderSearchPage(
  page: SearchPage,
  view: { query: string; key: string; offset: number; lang: Lang },
): CommandReply {
  const words = WORDS[view.lang];
  const query = view.query
    ? words.for(fitText(oneLine(view.query), QUERY_SHOWN, escapeMarkdown))
    : '';
  if (page.results.length === 0) {
    const content =
      page.total === 0
        ? `🔎 ${words.none}${query}.`
        : `🔎 **${words.results(page.total, page.more)}**${query}`;
    return { content, ephemeral: false, allowedMentions: NO_MENTIONS };
  }
  const first = view.offset + 1;
  const last = view.offset + page.results.length;
  const range = page.total > PAGE_SIZE ? ` · ${words.range(first, last)}` : '';
  const buttons = {
    type: ComponentType.ActionRow as const,
    components: [
      {
        type: ComponentType.Button as const,
        style: ButtonStyle.Secondary as const,
        label: words.previous,
        custom_id: pageButtonId(view.key, view.offset - PAGE_SIZE, 'p'),
        disabled: view.offset === 0,
      },
      {
        type: ComponentType.Button as const,
        style: ButtonStyle.Secondary as const,
        label: words.next,
        custom_id: pageButtonId(view.key, view.offset + PAGE_SIZE, 'n'),
        disabled: last >= page.total && !page.more,
      },
    ],
  };
  return {
    content: `🔎 **${words.results(page.total, page.more)}**${query}${range}`,
    embeds: page.results.map((result) => resultEmbed(result, view.lang)),
    ...(page.total > PAGE_SIZE ? { components: [buttons] } : {}),
    ephemeral: false,
    allowedMentions: NO_MENTIONS,
  };
}
