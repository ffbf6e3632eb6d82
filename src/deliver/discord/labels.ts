/**
 * Words a reader sees in digests and alerts, in French (default) and English. Pure data.
 * Ids are DESIGN.md's; labels are how the press writes them.
 */
import type { TermId, TopicId } from '../../analyze/types.ts';

export type Lang = 'fr' | 'en';

export const TERM_LABELS: Record<TermId, string> = {
  'health-data-hub': 'Health Data Hub',
  secnumcloud: 'SecNumCloud',
  ugap: 'UGAP',
};

export const TOPIC_LABELS: Record<Lang, Record<TopicId, string>> = {
  fr: {
    hebergement: 'Hébergement',
    certification: 'Certification',
    'commande-publique': 'Commande publique',
    regulation: 'Régulation',
    finances: 'Finances',
    'donnees-sante': 'Données de santé',
    souverainete: 'Souveraineté',
    cybersecurite: 'Cybersécurité',
  },
  en: {
    hebergement: 'Hosting',
    certification: 'Certification',
    'commande-publique': 'Public procurement',
    regulation: 'Regulation',
    finances: 'Funding',
    'donnees-sante': 'Health data',
    souverainete: 'Sovereignty',
    cybersecurite: 'Cybersecurity',
  },
};

/** Embed colour per topic, so a group is recognisable at a glance. */
export const TOPIC_COLORS: Record<TopicId, number> = {
  hebergement: 0x3b82f6,
  certification: 0x10b981,
  'commande-publique': 0xf59e0b,
  regulation: 0x8b5cf6,
  finances: 0xeab308,
  'donnees-sante': 0xef4444,
  souverainete: 0x1e3a8a,
  cybersecurite: 0x14b8a6,
};
export const OTHER_COLOR = 0x6b7280;

/** Fixed sentences of the digest, per language. `n` is a count, `list` already formatted. */
export const WORDS = {
  fr: {
    locale: 'fr-FR',
    other: 'Autres sujets',
    continued: '(suite)',
    digest: 'Veille Vigie',
    alert: 'Alerte Vigie',
    rule: (name: string) => `règle « ${name} »`,
    articles: (n: number) => `${n} article${n > 1 ? 's' : ''}`,
    outlets: (n: number) => `${n} média${n > 1 ? 's' : ''}`,
    window: (since: string | null, until: string) =>
      since ? `du ${since} au ${until}` : `jusqu’au ${until}`,
    nothing: 'Aucun nouvel article.',
    failing: (n: number) => `${n} flux en échec`,
    failures: (n: number) => `${n} échec${n > 1 ? 's' : ''}`,
    disabled: 'désactivé',
    more: (n: number, hint: string) =>
      `… et ${n} autre${n > 1 ? 's' : ''} article${n > 1 ? 's' : ''} : utilisez ${hint} pour les voir.`,
    deadline: 'échéance',
    /** An announced story that gained outlets: "+1 source : Le Monde Informatique". */
    update: (n: number, list: string) => `+${n} source${n > 1 ? 's' : ''} : ${list}`,
    week: (day: string) => `Semaine du ${day}`,
    stories: (n: number) => `${n} histoire${n > 1 ? 's' : ''}`,
    topStories: 'Les histoires de la semaine',
  },
  en: {
    locale: 'en-GB',
    other: 'Other subjects',
    continued: '(continued)',
    digest: 'Vigie digest',
    alert: 'Vigie alert',
    rule: (name: string) => `rule “${name}”`,
    articles: (n: number) => `${n} article${n > 1 ? 's' : ''}`,
    outlets: (n: number) => `${n} outlet${n > 1 ? 's' : ''}`,
    window: (since: string | null, until: string) =>
      since ? `from ${since} to ${until}` : `until ${until}`,
    nothing: 'No new article.',
    failing: (n: number) => `${n} failing feed${n > 1 ? 's' : ''}`,
    failures: (n: number) => `${n} failure${n > 1 ? 's' : ''}`,
    disabled: 'disabled',
    more: (n: number, hint: string) =>
      `…and ${n} more article${n > 1 ? 's' : ''}: use ${hint} to see them.`,
    deadline: 'deadline',
    update: (n: number, list: string) => `+${n} source${n > 1 ? 's' : ''}: ${list}`,
    week: (day: string) => `Week of ${day}`,
    stories: (n: number) => `${n} ${n > 1 ? 'stories' : 'story'}`,
    topStories: 'Stories of the week',
  },
} as const;
