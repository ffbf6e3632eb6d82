/**
 * What several slash commands share: the `term`, `topic` and `source` options (definition,
 * autocomplete, validation) and small reply builders. Option values are user input: every one
 * is checked here (length, known id, date format) before it reaches the store, whatever the
 * definition deployed on Discord says, since a client can send anything.
 */
import type { SlashCommandStringOption } from 'discord.js';
import { TERM_IDS, type TermId, TOPIC_IDS, type TopicId } from '../../../analyze/types.ts';
import type { Db } from '../../../store/db.ts';
import { listFeeds } from '../../../store/feeds.ts';
import { type Lang, TERM_LABELS, TOPIC_LABELS } from '../labels.ts';
import { fitText, oneLine } from '../text.ts';
import {
  type Choice,
  type CommandContext,
  CommandError,
  type CommandOptions,
  type CommandReply,
} from './types.ts';

export const NO_MENTIONS = { parse: [] as [] };
/** Discord's cap on autocomplete suggestions and choice name length. */
const MAX_CHOICES = 25;
const CHOICE_NAME_MAX = 100;
/** Longest feed reference (name or URL) an option accepts. */
export const SOURCE_MAX_LENGTH = 200;

/** A reply holding one line of text. Pure. */
export function textReply(content: string, ephemeral: boolean): CommandReply {
  return { content, ephemeral, allowedMentions: NO_MENTIONS };
}

/** "l’UGAP" → "l'ugap", "Données" → "donnees": how typed values are compared. Pure. */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[’‘]/g, "'").toLowerCase().trim();
}

const WORDS = {
  fr: {
    tooLong: (name: string, max: number) => `L’option « ${name} » dépasse ${max} caractères.`,
    unknown: (name: string, value: string, allowed: string) =>
      `« ${value} » n’est pas une valeur de « ${name} ». Valeurs possibles : ${allowed}.`,
    date: (name: string) => `L’option « ${name} » attend une date AAAA-MM-JJ, par ex. 2026-03-01.`,
    range: (name: string, min: number, max: number) =>
      `L’option « ${name} » attend un nombre entre ${min} et ${max}.`,
    forbidden: 'Cette commande demande la permission « Gérer le serveur ».',
  },
  en: {
    tooLong: (name: string, max: number) => `Option “${name}” is longer than ${max} characters.`,
    unknown: (name: string, value: string, allowed: string) =>
      `“${value}” is not a value of “${name}”. Possible values: ${allowed}.`,
    date: (name: string) => `Option “${name}” expects a date YYYY-MM-DD, e.g. 2026-03-01.`,
    range: (name: string, min: number, max: number) =>
      `Option “${name}” expects a number from ${min} to ${max}.`,
    forbidden: 'This command needs the Manage Server permission.',
  },
} as const;

/** Throws CommandError FORBIDDEN unless the member has Manage Server. */
export function requireManageGuild(context: CommandContext): void {
  if (!context.canManageGuild)
    throw new CommandError('FORBIDDEN', 'Manage Server', WORDS[context.lang].forbidden);
}

/** The trimmed string option `name` (absent or blank → undefined); CommandError when over `max`. */
export function stringOption(
  options: CommandOptions,
  name: string,
  max: number,
  lang: Lang,
): string | undefined {
  const value = options.values[name];
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (text.length > max)
    throw new CommandError('OPTION_TOO_LONG', name, WORDS[lang].tooLong(name, max));
  return text || undefined;
}

/** The integer option `name` within [min, max], or `fallback` when absent; CommandError otherwise. */
export function integerOption(
  options: CommandOptions,
  name: string,
  range: { min: number; max: number; fallback: number },
  lang: Lang,
): number {
  const value = options.values[name];
  if (value === undefined) return range.fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < range.min || number > range.max)
    throw new CommandError('OPTION_RANGE', name, WORDS[lang].range(name, range.min, range.max));
  return number;
}

/** A YYYY-MM-DD date option (a real calendar day), or undefined; CommandError otherwise. */
export function dateOption(options: CommandOptions, name: string, lang: Lang): string | undefined {
  const text = stringOption(options, name, 10, lang);
  if (text === undefined) return undefined;
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(text) &&
    new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
  if (!valid) throw new CommandError('OPTION_DATE', name, WORDS[lang].date(name));
  return text;
}

function idOption<Id extends string>(
  options: CommandOptions,
  name: string,
  ids: readonly Id[],
  labels: (id: Id) => string[],
  lang: Lang,
): Id | undefined {
  const text = stringOption(options, name, CHOICE_NAME_MAX, lang);
  if (text === undefined) return undefined;
  const wanted = fold(text);
  const found = ids.find((id) => id === wanted || labels(id).some((l) => fold(l) === wanted));
  if (!found)
    throw new CommandError(
      'OPTION_UNKNOWN',
      name,
      WORDS[lang].unknown(
        name,
        fitText(oneLine(text), 60, (s) => s),
        ids.join(', '),
      ),
    );
  return found;
}

/** The `term` option as a term id (id or label accepted), or undefined. */
export function termOption(options: CommandOptions, lang: Lang): TermId | undefined {
  return idOption(options, 'term', TERM_IDS, (id) => [TERM_LABELS[id]], lang);
}

/** The `topic` option as a topic id (id, French or English label accepted), or undefined. */
export function topicOption(options: CommandOptions, lang: Lang): TopicId | undefined {
  return idOption(
    options,
    'topic',
    TOPIC_IDS,
    (id) => [TOPIC_LABELS.fr[id], TOPIC_LABELS.en[id]],
    lang,
  );
}

// --- definitions ------------------------------------------------------------------------------

/** The autocompleted `term` option ("terme"). */
export function termDefinition(option: SlashCommandStringOption): SlashCommandStringOption {
  return option
    .setName('term')
    .setNameLocalizations({ fr: 'terme' })
    .setDescription('Watch term: Health Data Hub, SecNumCloud or UGAP')
    .setDescriptionLocalizations({ fr: 'Terme suivi : Health Data Hub, SecNumCloud ou UGAP' })
    .setMaxLength(CHOICE_NAME_MAX)
    .setAutocomplete(true);
}

/** The autocompleted `topic` option ("sujet"). */
export function topicDefinition(option: SlashCommandStringOption): SlashCommandStringOption {
  return option
    .setName('topic')
    .setNameLocalizations({ fr: 'sujet' })
    .setDescription('Topic, e.g. hosting, public procurement, health data')
    .setDescriptionLocalizations({
      fr: 'Sujet, par ex. hébergement, commande publique, données de santé',
    })
    .setMaxLength(CHOICE_NAME_MAX)
    .setAutocomplete(true);
}

/** The autocompleted `source` option (an outlet's feed name). */
export function sourceDefinition(option: SlashCommandStringOption): SlashCommandStringOption {
  return option
    .setName('source')
    .setNameLocalizations({ fr: 'source' })
    .setDescription('Outlet, as named in the feed list')
    .setDescriptionLocalizations({ fr: 'Média, tel que nommé dans la liste des flux' })
    .setMaxLength(SOURCE_MAX_LENGTH)
    .setAutocomplete(true);
}

// --- autocomplete -----------------------------------------------------------------------------

function suggest<Item>(
  items: readonly Item[],
  typed: string,
  label: (item: Item) => string[],
): Item[] {
  const wanted = fold(typed);
  if (!wanted) return items.slice(0, MAX_CHOICES);
  const scored = items
    .map((item) => {
      const labels = label(item).map(fold);
      const rank = labels.some((l) => l.startsWith(wanted))
        ? 0
        : labels.some((l) => l.includes(wanted))
          ? 1
          : 2;
      return { item, rank };
    })
    .filter((entry) => entry.rank < 2)
    .sort((a, b) => a.rank - b.rank);
  return scored.slice(0, MAX_CHOICES).map((entry) => entry.item);
}

/** Term suggestions matching what was typed (prefix first, then substring). Pure. */
export function termChoices(typed: string): Choice[] {
  return suggest(TERM_IDS, typed, (id) => [id, TERM_LABELS[id]]).map((id) => ({
    name: TERM_LABELS[id],
    value: id,
  }));
}

/** Topic suggestions in the user's language, matching ids and both languages' labels. Pure. */
export function topicChoices(typed: string, lang: Lang): Choice[] {
  return suggest(TOPIC_IDS, typed, (id) => [id, TOPIC_LABELS.fr[id], TOPIC_LABELS.en[id]]).map(
    (id) => ({ name: TOPIC_LABELS[lang][id], value: id }),
  );
}

/**
 * Active feeds whose name matches what was typed; the value is the name, or the feed id when
 * the name is longer than a choice value may be (the search takes either). Read-only.
 */
export function sourceChoices(db: Db, typed: string): Choice[] {
  return suggest(listFeeds(db), typed, (feed) => [feed.name]).map((feed) => ({
    name: fitText(oneLine(feed.name), CHOICE_NAME_MAX, (s) => s),
    value: feed.name.length <= CHOICE_NAME_MAX ? feed.name : String(feed.id),
  }));
}

/** Suggestions for a focused `term`, `topic` or `source` option; [] for any other. */
export function filterChoices(
  db: Db,
  focused: { name: string; value: string },
  lang: Lang,
): Choice[] {
  const typed = focused.value.slice(0, CHOICE_NAME_MAX);
  if (focused.name === 'term') return termChoices(typed);
  if (focused.name === 'topic') return topicChoices(typed, lang);
  if (focused.name === 'source') return sourceChoices(db, typed);
  return [];
}
