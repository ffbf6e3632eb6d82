/**
 * Search results as Discord embeds, shared by `/search` and `/recent`. Pure: a `SearchResult`
 * in, an embed out; every piece of article text is escaped (`text.ts`) and fitted to its budget,
 * so ten results stay under the 6000-character total of a message.
 */
import type { SearchResult } from '../../../store/search.ts';
import { instantMs } from '../group.ts';
import { type Lang, OTHER_COLOR, TERM_LABELS, TOPIC_COLORS, TOPIC_LABELS } from '../labels.ts';
import { escapeMarkdown, fitText, linkTarget, oneLine, snippetMarkdown } from '../text.ts';
import type { Embed } from '../types.ts';

// Per-result budgets: title + description stay under 560 characters, so 10 results < 6000.
const TITLE_MAX = 200;
const SOURCE_MAX = 60;
const SNIPPET_MAX = 220;
const TOPICS_SHOWN = 3;

/** One result: linked title, outlet and date, term badges and topics, highlighted snippet. Pure. */
export function resultEmbed(result: SearchResult, lang: Lang): Embed {
  const url = linkTarget(result.url);
  const ms = instantMs(result.publishedAt);
  const title = oneLine(result.title) || (lang === 'fr' ? '(sans titre)' : '(untitled)');
  const outlet = result.source ? fitText(oneLine(result.source), SOURCE_MAX, escapeMarkdown) : null;
  const badges = result.terms.map((term) => `\`${TERM_LABELS[term]}\``).join(' ');
  const topics = result.topics
    .slice(0, TOPICS_SHOWN)
    .map((topic) => TOPIC_LABELS[lang][topic])
    .join(', ');
  const snippet = fitText(oneLine(result.snippet), SNIPPET_MAX, snippetMarkdown);
  const lines = [
    joinPresent([outlet, ms === null ? null : `<t:${Math.floor(ms / 1000)}:d>`]),
    joinPresent([badges, topics]),
    snippet ? `> ${snippet}` : null,
  ].filter((line): line is string => Boolean(line));
  const topic = result.topics[0];
  return {
    title: fitText(title, TITLE_MAX, escapeMarkdown),
    ...(url ? { url } : {}),
    ...(lines.length ? { description: lines.join('\n') } : {}),
    color: topic ? TOPIC_COLORS[topic] : OTHER_COLOR,
  };
}

function joinPresent(parts: Array<string | null>): string | null {
  const present = parts.filter((part): part is string => Boolean(part));
  return present.length ? present.join(' · ') : null;
}
