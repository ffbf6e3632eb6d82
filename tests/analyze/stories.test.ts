import { describe, expect, it } from 'vitest';
import {
  clusterStories,
  minhashSignature,
  type StoryInput,
  sameStory,
  storyKey,
  textSimilarity,
  titleWords,
} from '../../src/analyze/stories.ts';

const hour = 3_600_000;
const t0 = Date.parse('2026-03-02T08:00:00Z');

const wire =
  'Le ministère de la Santé a retenu un hébergeur français qualifié SecNumCloud pour la Plateforme des données de santé. ' +
  'La migration hors de Microsoft Azure commencera au printemps et doit s’achever avant la fin de l’année, pour un montant de 12 millions d’euros. ' +
  'Les chercheurs garderont l’accès aux données pendant la bascule, promet la direction de la plateforme.';

function article(overrides: Partial<StoryInput> & { id: number }): StoryInput {
  return { title: '', text: '', at: t0, entities: [], amounts: [], ...overrides };
}

const lemagit = article({
  id: 1,
  title: 'Le Health Data Hub choisit OVHcloud et quitte Azure',
  text: 'Fin du feuilleton : la plateforme quittera Microsoft. OVHcloud hébergera les données, a confirmé le ministère de la Santé lundi matin.',
  entities: ['health-data-hub', 'ovhcloud', 'microsoft'],
  amounts: [12_000_000],
});
const silicon = article({
  id: 2,
  at: t0 + 5 * hour,
  title: 'Health Data Hub : OVHcloud remplace Microsoft Azure',
  text: 'Après des années de polémique, l’hébergeur roubaisien récupère le contrat des données de santé, selon un communiqué du gouvernement.',
  entities: ['health-data-hub', 'ovhcloud', 'microsoft', 'ministere-sante'],
  amounts: [12_000_000],
});
const syndicatedA = article({
  id: 3,
  title: 'Données de santé : un hébergeur souverain retenu',
  text: wire,
});
const syndicatedB = article({
  id: 4,
  at: t0 + 2 * hour,
  title: 'La PDS change d’hébergeur',
  text: `${wire} Publié avec l’AFP.`,
});
const otherHdhEvent = article({
  id: 5,
  at: t0 + 10 * hour,
  title: 'Le Health Data Hub dépasse les 200 projets de recherche',
  text: 'La plateforme revendique un record de projets accompagnés cette année, dont des études sur le cancer.',
  entities: ['health-data-hub'],
});
const ugap = article({
  id: 6,
  title: 'L’UGAP ajoute une offre cloud à son catalogue',
  text: 'La centrale d’achat public référence un nouveau marché pour les collectivités.',
  entities: ['ugap'],
});

describe('stories', () => {
  it('puts two outlets writing the same event in one story', () => {
    expect(sameStory(storyKey(lemagit), storyKey(silicon))).toBe(true);
  });

  it('puts a syndicated copy with its original', () => {
    const a = minhashSignature(syndicatedA.text);
    const b = minhashSignature(syndicatedB.text);
    expect(textSimilarity(a, b)).toBeGreaterThan(0.6);
    expect(sameStory(storyKey(syndicatedA), storyKey(syndicatedB))).toBe(true);
  });

  it('keeps another event about the same subject apart', () => {
    expect(sameStory(storyKey(lemagit), storyKey(otherHdhEvent))).toBe(false);
    expect(sameStory(storyKey(lemagit), storyKey(ugap))).toBe(false);
  });

  it('keeps the same headline apart when it is weeks later', () => {
    const later = { ...silicon, id: 9, at: t0 + 20 * 24 * hour };
    expect(sameStory(storyKey(lemagit), storyKey(later))).toBe(false);
  });

  it('clusters a mixed set', () => {
    const keys = [lemagit, silicon, syndicatedA, syndicatedB, otherHdhEvent, ugap].map((a) =>
      storyKey(a),
    );
    const groups = clusterStories(keys).sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(groups).toEqual([[1, 2], [3, 4], [5], [6]]);
  });

  it('ignores stop words and accents in titles', () => {
    expect([...titleWords('Le Health Data Hub quitte l’hébergeur américain')]).toEqual([
      'health',
      'data',
      'hub',
      'quitte',
      'hebergeur',
      'americain',
    ]);
  });
});
