/**
 * Named actors (rules in `feeds/entities.yml`): cloud providers, institutions, integrators
 * and purchasing centres, each with a normalized id. Names are matched like watch terms
 * (accents, case, elisions folded), except `exactCase` forms, which need their capitals
 * because they are also common words (« Bleu », « Orange »). Pure.
 */
import type { AnalysisRules } from './rules.ts';
import { charSpan, type Scan, scanText } from './scan.ts';
import type { EntityHit } from './types.ts';

/** Entities named in a text or scanned document, most mentioned first, then by id. Pure. */
export function extractEntities(input: string | Scan, rules: AnalysisRules): EntityHit[] {
  const scan = typeof input === 'string' ? scanText(input, rules) : input;
  const counts = new Map<number, number>();
  for (const { start, end, payload } of scan.matches) {
    if (payload.lane !== 1) continue;
    if (payload.exact !== null) {
      const span = charSpan(scan, start, end);
      const written = scan.source.slice(span.start, span.end).replace(/\s+/g, ' ');
      if (written !== payload.exact) continue;
    }
    counts.set(payload.entity, (counts.get(payload.entity) ?? 0) + 1);
  }
  return [...counts]
    .map(([index, count]) => {
      const { id, name } = rules.entities[index] as { id: string; name: string };
      return { id, name, count };
    })
    .sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
}
