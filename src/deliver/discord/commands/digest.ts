/**
 * `/digest`: queue a digest of the pending articles now and send it (`queueDigest`, then the
 * worker's dispatch). Manage Server only: default member permissions, and checked here again
 * since a definition can be bypassed (a stale deploy, a server override).
 */
import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { queueDigest } from '../../digest.ts';
import { requireManageGuild, textReply } from './shared.ts';
import type { CommandContext, CommandDeps, CommandOptions, CommandReply } from './types.ts';

export const admin = true;

export const data = new SlashCommandBuilder()
  .setName('digest')
  .setNameLocalizations({ fr: 'résumé' })
  .setDescription('Post a digest of the new articles now')
  .setDescriptionLocalizations({ fr: 'Publier maintenant un résumé des nouveaux articles' })
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild);

const WORDS = {
  fr: {
    queued: (n: number) =>
      `Résumé de ${n} article${n > 1 ? 's' : ''} envoyé. Les échecs d’envoi sont réessayés ; voir /stats.`,
    nothing: 'Aucun nouvel article depuis le dernier résumé : rien à publier.',
  },
  en: {
    queued: (n: number) =>
      `Digest of ${n} article${n > 1 ? 's' : ''} sent. Failed deliveries are retried; see /stats.`,
    nothing: 'No new article since the last digest: nothing to post.',
  },
} as const;

/** Queues and dispatches a digest; an ephemeral confirmation. CommandError FORBIDDEN for members. */
export async function handler(
  deps: CommandDeps,
  _options: CommandOptions,
  context: CommandContext,
): Promise<CommandReply> {
  requireManageGuild(context);
  const queued = queueDigest(deps.db, deps.digest.destination, {
    now: deps.clock(),
    lang: deps.lang,
    maxArticles: deps.digest.maxArticles,
    timeZone: deps.digest.timeZone,
  });
  if (!queued) return textReply(WORDS[context.lang].nothing, true);
  await deps.digest.dispatch();
  return textReply(WORDS[context.lang].queued(queued.articles), true);
}
