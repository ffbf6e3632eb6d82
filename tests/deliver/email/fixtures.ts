/**
 * Email views for the tests, written for them: invented French press stories about the three
 * watch terms, with the quirks real feeds have (several outlets for one story, hostile titles).
 */

import type { EmailView } from '../../../src/deliver/email/types.ts';
import type { ArticleView } from '../../../src/deliver/types.ts';

let nextId = 1;

/** An article with sensible defaults; `overrides` wins. */
export function article(overrides: Partial<ArticleView> = {}): ArticleView {
  const id = overrides.id ?? nextId++;
  return {
    id,
    title: `Article ${id}`,
    url: `https://www.exemple-presse.fr/articles/${id}`,
    publishedAt: '2026-11-22T08:15:00Z',
    sources: [
      {
        name: 'Presse Exemple',
        url: `https://www.exemple-presse.fr/articles/${id}`,
        publishedAt: null,
      },
    ],
    terms: ['ugap'],
    topics: ['commande-publique'],
    snippet: null,
    amounts: [],
    deadlines: [],
    ...overrides,
  };
}

/** A view of the day 2026-11-23 (a Monday) holding `articles`. */
export function emailView(articles: ArticleView[], overrides: Partial<EmailView> = {}): EmailView {
  return {
    date: '2026-11-23',
    since: '2026-11-20T07:00:00Z',
    until: '2026-11-23T07:00:00Z',
    articles,
    failingFeeds: [],
    termCounts: [
      { id: 'health-data-hub', count: 2, previousWeek: 2 },
      { id: 'secnumcloud', count: 3, previousWeek: 1 },
      { id: 'ugap', count: 2, previousWeek: 5 },
    ],
    ...overrides,
  };
}

export const cloudSouverain = article({
  id: 101,
  title: 'Cloud de confiance : un troisième hébergeur obtient la qualification SecNumCloud',
  url: 'https://www.lemonde-numerique.fr/cloud/secnumcloud-troisieme-hebergeur',
  publishedAt: '2026-11-22T09:30:00Z',
  sources: [
    {
      name: 'Le Monde Numérique',
      url: 'https://www.lemonde-numerique.fr/cloud/secnumcloud-troisieme-hebergeur',
      publishedAt: '2026-11-22T09:30:00Z',
    },
    {
      name: 'Silicon Exemple',
      url: 'https://www.silicon-exemple.fr/secnumcloud-qualification-42',
      publishedAt: '2026-11-22T11:00:00Z',
    },
  ],
  terms: ['secnumcloud'],
  topics: ['certification', 'hebergement', 'souverainete'],
  snippet:
    'L’ANSSI a délivré la qualification ⟦SecNum Cloud⟧ à l’offre IaaS de l’hébergeur lyonnais.',
});

export const marcheUgap = article({
  id: 102,
  title: 'L’UGAP attribue son marché de services cloud pour les collectivités',
  url: 'https://www.achats-publics-exemple.fr/ugap-marche-cloud',
  publishedAt: '2026-11-21T14:00:00Z',
  sources: [
    {
      name: 'Achats Publics Exemple',
      url: 'https://www.achats-publics-exemple.fr/ugap-marche-cloud',
      publishedAt: '2026-11-21T14:00:00Z',
    },
  ],
  terms: ['ugap', 'secnumcloud'],
  topics: ['commande-publique', 'hebergement'],
  snippet:
    'La centrale d’achat ⟦l’UGAP⟧ exige des offres qualifiées ⟦SecNumCloud⟧ pour les données sensibles.',
  amounts: [{ eur: 45_000_000, text: '45 millions d’euros' }],
  deadlines: [
    { date: '2026-12-15', text: 'les candidatures sont ouvertes jusqu’au 15 décembre' },
    { date: '2026-11-02', text: 'la consultation avait débuté le 2 novembre' },
  ],
});

export const migrationHdh = article({
  id: 103,
  title: 'Le Health Data Hub doit quitter son hébergeur américain avant fin 2027',
  url: 'https://www.sante-numerique-exemple.fr/hdh-migration',
  publishedAt: '2026-11-20T16:45:00Z',
  sources: [
    {
      name: 'Santé Numérique Exemple',
      url: 'https://www.sante-numerique-exemple.fr/hdh-migration',
      publishedAt: '2026-11-20T16:45:00Z',
    },
  ],
  terms: ['health-data-hub'],
  topics: ['donnees-sante', 'souverainete'],
  snippet:
    'La Plateforme des données de santé (⟦Health Data Hub⟧) présentera son calendrier de migration le 23 novembre.',
  deadlines: [
    { date: '2026-11-23', text: 'calendrier présenté le 23 novembre' },
    { date: '2027-12-31', text: 'migration achevée avant fin 2027' },
  ],
});
