/**
 * `/stats`: feeds (ok / failing / disabled / paused), articles stored, last and next poll, next
 * digest, pending deliveries. Next runs come from the worker (`deps.nextRuns`) and the feeds'
 * stored turns; without a worker the next digest is unknown.
 */
import { SlashCommandBuilder } from 'discord.js';
import { type StoreStats, storeStats } from '../../../store/stats.ts';
import { instantMs } from '../group.ts';
import { type Lang, OTHER_COLOR } from '../labels.ts';
import { NO_MENTIONS } from './shared.ts';
import type {
  CommandContext,
  CommandDeps,
  CommandOptions,
  CommandReply,
  NextRuns,
} from './types.ts';

export const data = new SlashCommandBuilder()
  .setName('stats')
  .setNameLocalizations({ fr: 'stats' })
  .setDescription('Feeds, articles, polls and deliveries at a glance')
  .setDescriptionLocalizations({ fr: 'Flux, articles, relèves et envois en un coup d’œil' });

const WORDS = {
  fr: {
    title: 'État de Vigie',
    feeds: 'Flux',
    feedLine: (s: StoreStats['feeds']) =>
      `${s.ok} ok · ${s.failing} en échec · ${s.disabled} désactivé${s.disabled > 1 ? 's' : ''} · ${s.paused} en pause`,
    articles: 'Articles en base',
    lastPoll: 'Dernière relève',
    nextPoll: 'Prochaine relève',
    nextDigest: 'Prochain résumé',
    deliveries: 'Envois',
    deliveryLine: (d: StoreStats['deliveries']) =>
      `${d.pending} en attente · ${d.failed} en échec · ${d.waitingForDigest} article${d.waitingForDigest > 1 ? 's' : ''} pour le prochain résumé`,
    never: 'jamais',
    unknown: 'inconnu',
  },
  en: {
    title: 'Vigie status',
    feeds: 'Feeds',
    feedLine: (s: StoreStats['feeds']) =>
      `${s.ok} ok · ${s.failing} failing · ${s.disabled} disabled · ${s.paused} paused`,
    articles: 'Articles stored',
    lastPoll: 'Last poll',
    nextPoll: 'Next poll',
    nextDigest: 'Next digest',
    deliveries: 'Deliveries',
    deliveryLine: (d: StoreStats['deliveries']) =>
      `${d.pending} pending · ${d.failed} failed · ${d.waitingForDigest} article${d.waitingForDigest > 1 ? 's' : ''} for the next digest`,
    never: 'never',
    unknown: 'unknown',
  },
} as const;

/** The store's numbers and the worker's next runs. */
export async function handler(
  deps: CommandDeps,
  _options: CommandOptions,
  context: CommandContext,
): Promise<CommandReply> {
  return renderStats(storeStats(deps.db), deps.nextRuns?.() ?? null, context.lang);
}

/**
 * When a feed is next fetched: the poll job only takes feeds whose turn has come, so it is the
 * first job run at or after the earliest turn (approximated by the later of the two, off by less
 * than one job interval). Either alone when the other is unknown. Pure.
 */
export function nextPollAt(jobRun: Date | null, earliestTurn: string | null): string | null {
  const job = jobRun?.getTime() ?? null;
  const turn = earliestTurn === null ? null : Date.parse(earliestTurn);
  if (job === null || turn === null || Number.isNaN(turn))
    return jobRun?.toISOString() ?? earliestTurn;
  return new Date(Math.max(job, turn)).toISOString();
}

/** The status as one embed of inline fields; times as Discord timestamps. Pure. */
export function renderStats(stats: StoreStats, next: NextRuns | null, lang: Lang): CommandReply {
  const words = WORDS[lang];
  const when = (iso: string | null, missing: string) => {
    const ms = instantMs(iso);
    return ms === null ? missing : `<t:${Math.floor(ms / 1000)}:R>`;
  };
  const nextPoll = nextPollAt(next?.poll ?? null, stats.nextFeedDueAt);
  return {
    embeds: [
      {
        title: `🛰️ ${words.title}`,
        fields: [
          { name: words.feeds, value: `${stats.feeds.total} · ${words.feedLine(stats.feeds)}` },
          { name: words.articles, value: String(stats.articles), inline: true },
          { name: words.lastPoll, value: when(stats.lastPollAt, words.never), inline: true },
          { name: words.nextPoll, value: when(nextPoll, words.unknown), inline: true },
          {
            name: words.nextDigest,
            value: when(next?.digest?.toISOString() ?? null, words.unknown),
            inline: true,
          },
          { name: words.deliveries, value: words.deliveryLine(stats.deliveries) },
        ],
        color: stats.feeds.failing + stats.feeds.disabled > 0 ? 0xf59e0b : OTHER_COLOR,
      },
    ],
    ephemeral: false,
    allowedMentions: NO_MENTIONS,
  };
}
