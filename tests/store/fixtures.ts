/** Builders for store tests: realistic articles with a hand-made analysis. */
import type { Analysis, TermId, TopicId } from '../../src/analyze/types.ts';
import { contentFingerprint, type NewArticle } from '../../src/store/articles.ts';

export function analysisOf(terms: TermId[], topics: TopicId[] = []): Analysis {
  return {
    terms: terms.map((id) => ({ id, count: 1, snippets: [`… ⟦${id}⟧ …`] })),
    topics: topics.map((id, index) => ({ id, score: 3 - index, reasons: [id] })),
    entities: [],
    amounts: [],
    deadlines: [],
  };
}

export function article(
  overrides: Partial<NewArticle> & { title: string; text: string; url: string },
): NewArticle {
  return {
    canonicalUrl: overrides.url,
    contentHash: contentFingerprint(overrides.title, overrides.text),
    summary: '',
    textSource: 'dom',
    author: null,
    lang: 'fr',
    siteName: null,
    publishedAt: '2026-03-02T07:00:00.000Z',
    analysis: analysisOf(['health-data-hub'], ['hebergement']),
    ...overrides,
  };
}
