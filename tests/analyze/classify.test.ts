import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/analyze.ts';
import { scoreTopics } from '../../src/analyze/classify.ts';
import { scanText } from '../../src/analyze/scan.ts';
import { rules } from './rules-fixture.ts';

function cyberScore(title: string | null, text: string): number {
  const details = scoreTopics(scanText({ title, text }, rules), rules, { terms: [], amounts: [] });
  return details.find((detail) => detail.id === 'cybersecurite')?.score ?? 0;
}

const topicsOf = (title: string | null, text: string) =>
  analyze({ title, text }, rules).topics.map((topic) => topic.id);

describe('classify', () => {
  it('classifies a tender for hosting as procurement and hosting, with reasons', () => {
    const result = analyze(
      {
        title: 'Appel d’offres pour héberger les données de l’État',
        text: 'La DINUM lance un appel d’offres pour choisir un nouvel hébergeur. Le marché public porte sur l’hébergement de ses applications dans des datacenters situés en France. Les candidatures sont ouvertes aux fournisseurs de cloud européens.',
      },
      rules,
    );
    const ids = result.topics.map((topic) => topic.id);
    expect(ids).toContain('commande-publique');
    expect(ids).toContain('hebergement');
    const procurement = result.topics.find((topic) => topic.id === 'commande-publique');
    expect(procurement?.reasons).toContain('Appel d’offres');
    expect(procurement?.score).toBeGreaterThan(3);
  });

  it('classifies a ransomware story as cybersecurity only', () => {
    expect(
      topicsOf(
        'Un CHU paralysé par un rançongiciel',
        'Le centre hospitalier a subi une cyberattaque dimanche. Les pirates réclament une rançon et menacent de publier les données volées.',
      ),
    ).toEqual(['cybersecurite']);
  });

  it('classifies a Cour des comptes report on costs as finances', () => {
    expect(
      topicsOf(
        null,
        'Dans son rapport, la Cour des comptes chiffre le coût du projet à 54 millions d’euros et juge les économies promises irréalistes.',
      ),
    ).toContain('finances');
  });

  it('classifies a qualification story as certification and a Cloud Act debate as sovereignty', () => {
    expect(
      topicsOf(
        'S3NS obtient la qualification SecNumCloud',
        'L’ANSSI a délivré son visa de sécurité à l’offre après deux ans d’audit. Cette qualification ouvre les marchés sensibles.',
      ),
    ).toContain('certification');
    expect(
      topicsOf(
        'Souveraineté numérique : le Cloud Act inquiète',
        'La dépendance aux géants américains pose la question de la souveraineté des données publiques face aux lois extraterritoriales.',
      ),
    ).toContain('souverainete');
  });

  it('gives no topic to an hôpital de jour page', () => {
    expect(
      topicsOf(
        'L’hôpital de jour de pédiatrie',
        'L’hôpital de jour (HDJ) accueille les enfants pour des soins de moins de 12 heures.',
      ),
    ).toEqual([]);
  });

  it('counts a cue in the title more than in the body', () => {
    const body = `${'Mot. '.repeat(120)}Une cyberattaque.`;
    expect(cyberScore('Une cyberattaque', 'Texte sans rapport.')).toBeGreaterThan(
      cyberScore(null, body),
    );
  });

  it('damps a repeated cue', () => {
    const filler = 'Mot. '.repeat(100);
    const once = cyberScore(null, `${filler}Une cyberattaque.`);
    const many = cyberScore(null, `${filler}${'Une cyberattaque. '.repeat(10)}`);
    expect(once).toBeGreaterThan(0);
    expect(many).toBeLessThan(once * 2);
  });

  it('is deterministic', () => {
    const input = {
      title: 'L’UGAP et le cloud',
      text: 'L’UGAP référence des offres cloud qualifiées SecNumCloud.',
    };
    expect(analyze(input, rules)).toEqual(analyze(input, rules));
  });
});
