/**
 * Realistic French tech-press text for the benchmarks, generated from sentences written for
 * this project (never copied from ../shared). Deterministic: the same seed gives the same text,
 * so two runs measure the same work. Every article is unique (its serial number and a random
 * draw of sentences and names), so content-hash deduplication never short-cuts a benchmark.
 */
import { escapeXml } from '../tests/support/feed-builder.ts';

/** A seeded pseudo-random generator (mulberry32) returning floats in [0, 1). Pure per seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)] as T;

const ACTORS = [
  'le ministère de l’Économie',
  'la direction interministérielle du numérique',
  'la région Occitanie',
  'la métropole de Lyon',
  'le groupe hospitalier de Bretagne Sud',
  'un opérateur télécom historique',
  'un éditeur nantais de logiciels de gestion',
  'la Caisse des dépôts',
  'une start-up grenobloise spécialisée dans le stockage',
  'le conseil départemental du Nord',
  'un intégrateur parisien',
  'l’Agence du numérique en santé',
  'la Cour des comptes',
  'un fournisseur de cloud roubaisien',
  'le rectorat de Versailles',
  'une mutuelle d’assurance',
];

const PROJECTS = [
  'la refonte de son système d’information',
  'la migration de ses messageries vers une offre collaborative',
  'le déploiement d’un entrepôt de données',
  'la modernisation de ses applications métier',
  'un programme de formation à la cybersécurité',
  'la consolidation de ses deux centres de données',
  'l’ouverture d’un portail de démarches en ligne',
  'le remplacement de ses postes de travail',
  'la mise en place d’une authentification forte',
  'un chantier de sauvegarde externalisée',
];

const NEUTRAL = [
  '{Actor} a présenté mardi {project}, un chantier évalué à {amount} millions d’euros sur {years} ans.',
  'Selon {actor}, {project} doit être achevé avant {month} {year}, malgré un calendrier jugé serré par les équipes.',
  'Les syndicats de {actor} demandent davantage de visibilité sur {project} et sur ses effets pour les agents.',
  'Le projet, référencé sous le numéro {serial} dans le registre interne, mobilise une quarantaine de personnes.',
  '« Nous avons choisi d’avancer par étapes », explique la responsable du programme, qui parle d’un pilote sur {count} sites.',
  'Le marché a été attribué à un groupement mené par {actor}, au terme d’une procédure ouverte de plusieurs mois.',
  'Plusieurs élus regrettent que {project} n’ait pas fait l’objet d’une concertation plus large.',
  'La facture énergétique des salles informatiques a progressé de {count} % en un an, selon {actor}.',
  'Une panne de réseau a privé les usagers de service pendant près de {count} heures la semaine dernière.',
  'Le prestataire retenu s’engage sur un taux de disponibilité de 99,{count} % et sur des pénalités en cas de retard.',
  '{Actor} prévoit de recruter {count} ingénieurs d’ici la fin de l’année pour accompagner {project}.',
  'La documentation technique sera publiée sous licence libre, une première pour {actor}.',
  'Les premiers retours des utilisateurs évoquent des lenteurs au démarrage, corrigées depuis par une mise à jour.',
  'Un audit indépendant a relevé {count} points de vigilance, dont la gestion des droits d’accès.',
  'Le calendrier prévoit une bascule progressive, service par service, pour limiter les interruptions.',
  'Interrogé par nos soins, le porte-parole de {actor} n’a pas souhaité commenter le montant du contrat.',
  'L’intelligence artificielle générative sera testée sur le traitement du courrier, sans décision automatique.',
  'Le comité de pilotage se réunira à nouveau le {day} {month} pour arbitrer entre deux architectures.',
  'La trajectoire budgétaire reste fragile : la dotation a été revue à la baisse de {count} millions d’euros.',
  'Des associations d’usagers réclament une version accessible aux personnes malvoyantes.',
  'Les données les plus anciennes seront archivées sur bande, une technologie toujours compétitive pour ce volume.',
  'Le directeur des systèmes d’information, arrivé en {year}, défend une approche « sobre et mesurable ».',
];

/** Sentences that mention a watch term: 2 % of bench articles carry one, as on the real press. */
const MATCHING = [
  'Le Health Data Hub devra migrer ses données vers un hébergeur qualifié SecNumCloud d’ici {year}.',
  'La Plateforme des données de santé a lancé un appel à projets doté de {amount} millions d’euros.',
  'Les collectivités peuvent passer par l’UGAP pour commander ces prestations sans publier leur propre appel d’offres.',
  'L’offre a obtenu la qualification SecNumCloud délivrée par l’ANSSI après {count} mois d’audit.',
  'La centrale d’achat public Ugap référence désormais {count} offres de cloud souverain.',
  'Le fournisseur vise la qualification SecNum Cloud pour son offre de stockage objet.',
];

/** Look-alikes that must not count as a watch term (HDH as a day hospital, HDS certification). */
const DISTRACTORS = [
  'Le service HDH (hôpital de jour) du centre hospitalier accueille désormais {count} patients par semaine.',
  'L’hébergeur a renouvelé sa certification HDS pour l’ensemble de ses salles.',
];

const TITLES = [
  '{Actor} accélère {project}',
  'Cloud public : {actor} revoit sa copie',
  'Numérique : {actor} lance {project}',
  'Cybersécurité : {actor} tire les leçons d’un incident',
  'Budget : {actor} revoit ses ambitions',
];

const MONTHS = ['janvier', 'mars', 'avril', 'juin', 'septembre', 'octobre', 'décembre'];

function fill(template: string, random: () => number, serial: number): string {
  return template.replace(/\{(\w+)\}/g, (_, slot: string) => {
    switch (slot) {
      case 'Actor': {
        const actor = pick(random, ACTORS);
        return actor.charAt(0).toUpperCase() + actor.slice(1);
      }
      case 'actor':
        return pick(random, ACTORS);
      case 'project':
        return pick(random, PROJECTS);
      case 'amount':
        return String(1 + Math.floor(random() * 250));
      case 'years':
        return String(2 + Math.floor(random() * 5));
      case 'count':
        return String(2 + Math.floor(random() * 60));
      case 'month':
        return pick(random, MONTHS);
      case 'day':
        return String(1 + Math.floor(random() * 28));
      case 'year':
        return String(2026 + Math.floor(random() * 4));
      case 'serial':
        return String(serial);
      default:
        return slot;
    }
  });
}

export interface BenchArticle {
  title: string;
  /** Paragraphs of plain text (3 to 4 sentences each). */
  paragraphs: string[];
  /** Whether a watch-term sentence was put in. */
  matching: boolean;
}

/**
 * One unique article of about `chars` characters. `matching` puts one watch-term sentence in
 * the body; one in ten articles also carries a look-alike that must not match. Pure per seed.
 */
export function frenchArticle(
  random: () => number,
  serial: number,
  options: { chars: number; matching: boolean },
): BenchArticle {
  const sentences: string[] = [fill(NEUTRAL[3] as string, random, serial)];
  let length = (sentences[0] as string).length;
  while (length < options.chars) {
    const sentence = fill(pick(random, NEUTRAL), random, serial);
    sentences.push(sentence);
    length += sentence.length + 1;
  }
  const at = () => 1 + Math.floor(random() * (sentences.length - 1));
  if (options.matching) sentences.splice(at(), 0, fill(pick(random, MATCHING), random, serial));
  if (random() < 0.1) sentences.splice(at(), 0, fill(pick(random, DISTRACTORS), random, serial));
  const paragraphs: string[] = [];
  for (let i = 0; i < sentences.length; i += 4)
    paragraphs.push(sentences.slice(i, i + 4).join(' '));
  return {
    title: fill(pick(random, TITLES), random, serial),
    paragraphs,
    matching: options.matching,
  };
}

/** The article's paragraphs as plain text, separated by a blank line (ExtractedArticle.text). */
export function articleText(article: BenchArticle): string {
  return article.paragraphs.join('\n\n');
}

/** The article's paragraphs as HTML, the way feeds carry full text in content:encoded. */
export function articleHtml(article: BenchArticle): string {
  return article.paragraphs.map((paragraph) => `<p>${escapeXml(paragraph)}</p>`).join('\n');
}
