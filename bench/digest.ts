/**
 * Case `digest`: `renderDigest` of a 500-article digest (every article shown, `maxArticles`
 * 500) into messages within Discord's limits. Target: ≤ 50 ms.
 */
import { TERM_IDS, type TermId, type TopicId } from '../src/analyze/types.ts';
import { limitViolations } from '../src/deliver/discord/limits.ts';
import { renderDigest } from '../src/deliver/discord/render.ts';
import type { ArticleView, DigestView } from '../src/deliver/types.ts';
import { frenchArticle, seededRandom } from './french.ts';
import { type BenchOptions, type CaseResult, median, round, timeRuns } from './harness.ts';

const ARTICLES = 500;
const TERMS = TERM_IDS;
const TOPICS: TopicId[] = ['hebergement', 'certification', 'commande-publique', 'souverainete'];

/** A digest window of `count` articles with titles, outlets, snippets, amounts. Pure. */
export function benchDigestView(count: number): DigestView {
  const random = seededRandom(500);
  const articles: ArticleView[] = Array.from({ length: count }, (_, i) => {
    const generated = frenchArticle(random, i, { chars: 400, matching: true });
    const sentence = generated.paragraphs[0] ?? '';
    return {
      id: i + 1,
      title: generated.title,
      url: `https://www.example.fr/articles/${i}.html`,
      publishedAt: new Date(Date.parse('2026-03-02T07:00:00Z') - i * 300_000).toISOString(),
      sources: [
        {
          name: `Média ${i % 40}`,
          url: `https://www.example.fr/articles/${i}.html`,
          publishedAt: null,
        },
        ...(i % 5 === 0
          ? [
              {
                name: `Média ${(i + 7) % 40}`,
                url: `https://www.example.fr/copie/${i}`,
                publishedAt: null,
              },
            ]
          : []),
      ],
      terms: [TERMS[i % 3] as TermId],
      topics: [TOPICS[i % 4] as TopicId],
      snippet: `${sentence.slice(0, 60)} ⟦l’UGAP⟧ ${sentence.slice(60, 140)}`,
      amounts: i % 4 === 0 ? [{ eur: 12_000_000, text: '12 millions d’euros' }] : [],
      deadlines: [],
    };
  });
  return {
    since: '2026-03-01T07:00:00.000Z',
    until: '2026-03-02T07:00:00.000Z',
    articles,
    failingFeeds: [],
  };
}

/** Runs the digest case; one row (median of the runs). */
export async function benchDigest(options: BenchOptions): Promise<CaseResult[]> {
  const view = benchDigestView(ARTICLES);
  const render = () => renderDigest(view, { lang: 'fr', maxArticles: ARTICLES });
  const messages = render();
  const broken = messages.flatMap(limitViolations);
  if (broken.length > 0) throw new Error(`digest breaks Discord limits: ${broken.join('; ')}`);
  for (let i = 0; i < 5; i += 1) render();
  const ms = median(await timeRuns(options.quick ? 5 : 21, render));
  return [
    {
      name: 'digest',
      value: round(ms, 2),
      unit: 'ms',
      target: '≤ 50 ms',
      ratio: null,
      pass: ms <= 50,
      note: `${ARTICLES} articles → ${messages.length} messages, all within Discord limits; median`,
    },
  ];
}
