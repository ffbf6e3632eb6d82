/**
 * `/feeds list|add|remove|pause|resume`: manage the polled sources without a shell. Changes
 * are persisted in the database (`store/feed-admin.ts`); `sources.yml` stays the seed, so its
 * feeds can be paused but not removed here. `add` checks the URL (http(s), no private address
 * after DNS resolution unless `allowPrivateFeeds`). Manage Server only, checked here too.
 */
import {
  PermissionFlagsBits,
  SlashCommandBuilder,
  type SlashCommandStringOption,
} from 'discord.js';
import {
  addRuntimeFeed,
  FeedAdminError,
  type FeedState,
  feedState,
  removeRuntimeFeed,
  setFeedPaused,
} from '../../../store/feed-admin.ts';
import { type FeedRow, listFeeds } from '../../../store/feeds.ts';
import type { Lang } from '../labels.ts';
import { escapeMarkdown, fitText, oneLine } from '../text.ts';
import { fold, NO_MENTIONS, requireManageGuild, stringOption, textReply } from './shared.ts';
import {
  type Choice,
  type CommandContext,
  type CommandDeps,
  CommandError,
  type CommandOptions,
  type CommandReply,
} from './types.ts';

export const admin = true;

const URL_MAX = 2048;
const NAME_MAX = 120;
const FEED_REF_MAX = 200;
const LIST_BUDGET = 3900;

function feedOption(option: SlashCommandStringOption, verb: string, fr: string) {
  return option
    .setName('feed')
    .setNameLocalizations({ fr: 'flux' })
    .setDescription(`Feed to ${verb}`)
    .setDescriptionLocalizations({ fr: `Flux à ${fr}` })
    .setRequired(true)
    .setMaxLength(FEED_REF_MAX)
    .setAutocomplete(true);
}

export const data = new SlashCommandBuilder()
  .setName('feeds')
  .setNameLocalizations({ fr: 'flux' })
  .setDescription('Manage the polled feeds')
  .setDescriptionLocalizations({ fr: 'Gérer les flux suivis' })
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addSubcommand((sub) =>
    sub
      .setName('list')
      .setNameLocalizations({ fr: 'liste' })
      .setDescription('Every feed and its state')
      .setDescriptionLocalizations({ fr: 'Tous les flux et leur état' }),
  )
  .addSubcommand((sub) =>
    sub
      .setName('add')
      .setNameLocalizations({ fr: 'ajouter' })
      .setDescription('Poll a new RSS/Atom feed')
      .setDescriptionLocalizations({ fr: 'Suivre un nouveau flux RSS/Atom' })
      .addStringOption((option) =>
        option
          .setName('url')
          .setNameLocalizations({ fr: 'url' })
          .setDescription('Feed address, http(s)')
          .setDescriptionLocalizations({ fr: 'Adresse du flux, http(s)' })
          .setRequired(true)
          .setMaxLength(URL_MAX),
      )
      .addStringOption((option) =>
        option
          .setName('name')
          .setNameLocalizations({ fr: 'nom' })
          .setDescription('Outlet name shown in digests (default: the host)')
          .setDescriptionLocalizations({
            fr: 'Nom du média dans les résumés (par défaut : l’hôte)',
          })
          .setMaxLength(NAME_MAX),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('remove')
      .setNameLocalizations({ fr: 'retirer' })
      .setDescription('Stop polling a feed added here')
      .setDescriptionLocalizations({ fr: 'Ne plus suivre un flux ajouté ici' })
      .addStringOption((option) => feedOption(option, 'remove', 'retirer')),
  )
  .addSubcommand((sub) =>
    sub
      .setName('pause')
      .setNameLocalizations({ fr: 'pause' })
      .setDescription('Pause a feed')
      .setDescriptionLocalizations({ fr: 'Mettre un flux en pause' })
      .addStringOption((option) => feedOption(option, 'pause', 'mettre en pause')),
  )
  .addSubcommand((sub) =>
    sub
      .setName('resume')
      .setNameLocalizations({ fr: 'reprendre' })
      .setDescription('Resume a paused or disabled feed')
      .setDescriptionLocalizations({ fr: 'Reprendre un flux en pause ou désactivé' })
      .addStringOption((option) => feedOption(option, 'resume', 'reprendre')),
  );

const STATE_ICONS: Record<FeedState, string> = {
  ok: '🟢',
  failing: '🟠',
  disabled: '🔴',
  paused: '⏸️',
};

const WORDS = {
  fr: {
    title: (n: number) => `${n} flux suivi${n > 1 ? 's' : ''}`,
    none: 'Aucun flux configuré.',
    more: (n: number) => `… et ${n} autre${n > 1 ? 's' : ''}`,
    added: (name: string, url: string) =>
      `Flux ajouté : **${name}** (${url}). Première relève sous peu.`,
    removed: (name: string) => `Flux retiré : **${name}**. Ses articles restent en base.`,
    paused: (name: string) => `Flux en pause : **${name}**.`,
    resumed: (name: string) => `Flux repris : **${name}**. Prochaine relève sous peu.`,
    refused: {
      FEED_URL_INVALID: 'Cette adresse n’est pas une URL valide.',
      FEED_URL_SCHEME: 'Seules les adresses http:// et https:// sont acceptées.',
      FEED_URL_CREDENTIALS:
        'Les adresses contenant un identifiant ou un mot de passe sont refusées.',
      FEED_URL_PRIVATE:
        'Adresse refusée : elle pointe vers le réseau local ou une adresse privée (réglage allowPrivateFeeds).',
      FEED_URL_UNRESOLVABLE: 'Ce nom d’hôte ne résout vers aucune adresse.',
      FEED_EXISTS: 'Ce flux est déjà suivi.',
      FEED_NOT_FOUND: 'Aucun flux actif ne porte ce nom ou cet identifiant.',
      FEED_FROM_CONFIG:
        'Ce flux vient de sources.yml : mettez-le en pause, ou retirez-le du fichier.',
    },
  },
  en: {
    title: (n: number) => `${n} feed${n > 1 ? 's' : ''} polled`,
    none: 'No feed configured.',
    more: (n: number) => `…and ${n} more`,
    added: (name: string, url: string) => `Feed added: **${name}** (${url}). First poll shortly.`,
    removed: (name: string) => `Feed removed: **${name}**. Its articles stay stored.`,
    paused: (name: string) => `Feed paused: **${name}**.`,
    resumed: (name: string) => `Feed resumed: **${name}**. Next poll shortly.`,
    refused: {
      FEED_URL_INVALID: 'This is not a valid URL.',
      FEED_URL_SCHEME: 'Only http:// and https:// addresses are accepted.',
      FEED_URL_CREDENTIALS: 'Addresses carrying a user name or password are refused.',
      FEED_URL_PRIVATE:
        'Address refused: it points to the local network or a private address (setting allowPrivateFeeds).',
      FEED_URL_UNRESOLVABLE: 'This host name does not resolve to any address.',
      FEED_EXISTS: 'This feed is already polled.',
      FEED_NOT_FOUND: 'No active feed has this name or id.',
      FEED_FROM_CONFIG: 'This feed comes from sources.yml: pause it, or remove it from the file.',
    },
  },
} as const;

/** Runs the sub-command; ephemeral replies. CommandError FORBIDDEN, or the store's refusal. */
export async function handler(
  deps: CommandDeps,
  options: CommandOptions,
  context: CommandContext,
): Promise<CommandReply> {
  requireManageGuild(context);
  const { lang } = context;
  const words = WORDS[lang];
  const now = deps.clock().toISOString();
  const feedRef = () => stringOption(options, 'feed', FEED_REF_MAX, lang) ?? '';
  try {
    switch (options.subcommand) {
      case 'add': {
        const feed = await addRuntimeFeed(deps.db, {
          url: stringOption(options, 'url', URL_MAX, lang) ?? '',
          name: stringOption(options, 'name', NAME_MAX, lang),
          now,
          allowPrivate: deps.allowPrivateFeeds,
          resolve: deps.resolve,
        });
        return textReply(words.added(shownName(feed), shownUrl(feed)), true);
      }
      case 'remove':
        return textReply(
          words.removed(shownName(removeRuntimeFeed(deps.db, feedRef(), now))),
          true,
        );
      case 'pause':
        return textReply(
          words.paused(shownName(setFeedPaused(deps.db, feedRef(), true, now))),
          true,
        );
      case 'resume':
        return textReply(
          words.resumed(shownName(setFeedPaused(deps.db, feedRef(), false, now))),
          true,
        );
      default:
        return renderFeedList(listFeeds(deps.db), lang);
    }
  } catch (error) {
    if (error instanceof FeedAdminError)
      throw new CommandError(error.code, error.subject, words.refused[error.code], {
        cause: error,
      });
    throw error;
  }
}

/** Active feeds matching what was typed, the feed id as value (names may repeat). Read-only. */
export function autocomplete(
  deps: CommandDeps,
  focused: { name: string; value: string },
): Choice[] {
  if (focused.name !== 'feed') return [];
  const typed = fold(focused.value.slice(0, FEED_REF_MAX));
  return listFeeds(deps.db)
    .filter((feed) => !typed || fold(feed.name).includes(typed) || feed.url.includes(typed))
    .slice(0, 25)
    .map((feed) => ({
      name: fitText(`${oneLine(feed.name)} (#${feed.id})`, 100, (s) => s),
      value: String(feed.id),
    }));
}

/** The feed list as one ephemeral embed, one line per feed, "+N" past the budget. Pure. */
export function renderFeedList(feeds: FeedRow[], lang: Lang): CommandReply {
  const words = WORDS[lang];
  if (feeds.length === 0) return textReply(words.none, true);
  const lines: string[] = [];
  let used = 0;
  for (const feed of feeds) {
    const error = feed.lastError
      ? ` — ${fitText(oneLine(feed.lastError), 80, escapeMarkdown)}`
      : '';
    const line = `${STATE_ICONS[feedState(feed)]} \`#${feed.id}\` **${shownName(feed)}** · ${shownUrl(feed)}${error}`;
    if (used + line.length + 1 > LIST_BUDGET) break;
    lines.push(line);
    used += line.length + 1;
  }
  const rest = feeds.length - lines.length;
  return {
    embeds: [
      {
        title: words.title(feeds.length),
        description: [...lines, ...(rest > 0 ? [words.more(rest)] : [])].join('\n'),
      },
    ],
    ephemeral: true,
    allowedMentions: NO_MENTIONS,
  };
}

function shownName(feed: FeedRow): string {
  return fitText(oneLine(feed.name), 80, escapeMarkdown);
}

function shownUrl(feed: FeedRow): string {
  return fitText(oneLine(feed.url), 120, escapeMarkdown);
}
