/**
 * The article body of a page, found by structure. The approach is Readability's, reworked for one
 * pass over an htmlparser2 tree: drop what is never prose (scripts, forms, navigation, hidden
 * blocks, containers whose class or id says boilerplate), measure every element once (text, link
 * text, commas, paragraphs), score paragraphs into their ancestors, keep the best-scoring
 * container and its siblings that look like more of the same, then leave out, inside it, the
 * blocks a reader skips: link lists, share bars, "lire aussi" inserts, image credits.
 * Pure: the tree passed in is pruned in place and must not be reused.
 */
import type { AnyNode, Element, ParentNode } from 'domhandler';
import { isTag, isText } from 'domhandler';
import { attr, blockTexts, rawText, type TextBlock, textBlocks } from './dom.ts';

/** Never prose, whatever the page. */
const DROP_TAGS = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'canvas',
  'iframe',
  'object',
  'embed',
  'video',
  'audio',
  'button',
  'input',
  'select',
  'textarea',
  'option',
  'label',
  'link',
  'meta',
  'head',
]);

/** Page regions around an article; dropped unless a lenient retry must look inside them. */
const LANDMARK_TAGS = new Set(['nav', 'aside', 'footer', 'dialog', 'menu']);

const DROP_ROLES = new Set([
  'navigation',
  'complementary',
  'contentinfo',
  'menu',
  'menubar',
  'dialog',
  'alertdialog',
  'search',
  'banner',
]);

/**
 * Class/id words of containers that hold no article text (Readability's list, plus the French
 * press's own words: partage, "lire aussi", abonnement, commentaires, publicité).
 */
const UNLIKELY =
  /-ad-|ai2html|banner|breadcrumb|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote|cookie|consent|newsletter|partage|share|lire-aussi|lireaussi|a-lire|voir-aussi|commentaire|publicite|outbrain|taboola|modal/i;
/** Words that rescue a container from UNLIKELY (an "article-header", a "main-content"). */
const MAYBE = /and|article|body|column|content|main|mathjax|shadow/i;
const POSITIVE =
  /article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story/i;
const NEGATIVE =
  /-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|(?:^|\s)com-|contact|footer|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|partage|newsletter|abonn|lire-aussi|credit|caption|byline|author/i;
/** Paragraphs that only point elsewhere: "Lire aussi : …", "Read more", "Related: …". */
const POINTER =
  /^(?:[àa] lire (?:aussi|également|egalement)|lire (?:aussi|également|egalement|la suite)|voir aussi|sur le même sujet|read more|read also|related|see also|also read)\b/i;

/** Image credits: "Crédits photos : …", "Photo : AFP", "© Reuters", "Photo d’illustration : …". */
const CREDIT =
  /^(?:crédits?(?: photos?)?\s*:|photos?\s*:|©|\(c\) |copyright\b|image credit|photo credit|(?:images?|photos?|illustrations?)(?: d['’]| )?illustrati\w*\s*:|illustrations?\s*:)/i;

/** What the extractor measures of every element, bottom-up, in one pass. */
interface Stats {
  text: number;
  link: number;
  commas: number;
  p: number;
  img: number;
  li: number;
  input: number;
  embed: number;
  heading: number;
  /** Text in paragraphs of prose (long enough, few links): what an article is made of. */
  prose: number;
  /**
   * Text written straight into a container beside its blocks (text nodes, links, emphasis), as
   * old pages write paragraphs separated by `<br>`; with its links and commas.
   */
  loose: number;
  looseLink: number;
  looseCommas: number;
  blockChild: boolean;
}

const PARAGRAPH_TAGS = new Set(['p', 'pre', 'td', 'blockquote']);
const TEXT_CONTAINERS = new Set(['div', 'section', 'article', 'main', 'span', 'font', 'center']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const CLEANABLE = new Set([
  'div',
  'section',
  'ul',
  'ol',
  'dl',
  'table',
  'form',
  'fieldset',
  'header',
]);
const LISTS = new Set(['ul', 'ol', 'dl']);

/** Options of one extraction attempt. */
export interface BodyOptions {
  /** Drop containers by class/id words; turned off when that leaves too little text. */
  pruneByClass: boolean;
  /**
   * Keep hidden blocks and landmark regions (`nav`, `aside`, `footer`…): a last attempt for pages
   * that render their article from a hidden block or whose unclosed `<aside>` swallows the rest.
   */
  lenient: boolean;
}

/**
 * The paragraphs of the page's main content, in order, without the page title (`<h1>`).
 * Mutates (prunes) the tree it is given. Pure otherwise.
 */
export function extractBody(root: ParentNode, options: BodyOptions): string[] {
  prune(root, options, false);
  const stats = new Map<Element, Stats>();
  measure(root, stats, false);
  const scores = scoreCandidates(root, stats);
  const top = topCandidate(scores, stats);
  if (top === null) return blockTexts(root, (element) => element.name !== 'h1');
  const parts = withSiblings(top, scores, stats);
  const bodyText = parts.reduce((sum, part) => sum + (stats.get(part)?.text ?? 0), 0);
  const keep = (element: Element): boolean =>
    keepInBody(element, stats.get(element), scores.get(element), bodyText) &&
    !repeatsSibling(element, stats);
  const blocks: TextBlock[] = [];
  for (const part of parts) blocks.push(...textBlocks(part, keep));
  return withoutTrailingHeadings(blocks.filter((block) => !isAside(block.text))).map(
    (block) => block.text,
  );
}

/**
 * Responsive layouts render the same block once per screen size, one after the other, and let
 * CSS show one; a reader sees it once. Only a whole block next to its twin counts: an article may
 * well repeat a legend or a quote further down.
 */
function repeatsSibling(element: Element, stats: Map<Element, Stats>): boolean {
  const length = stats.get(element)?.text ?? 0;
  if (length < 200) return false;
  let previous = element.prev;
  while (previous !== null && !isTag(previous)) previous = previous.prev;
  if (previous === null || previous.name !== element.name) return false;
  return stats.get(previous)?.text === length && rawText(previous) === rawText(element);
}

function withoutTrailingHeadings(blocks: TextBlock[]): TextBlock[] {
  let end = blocks.length;
  while (end > 0 && HEADINGS.has(blocks[end - 1]?.tag ?? '')) end--;
  return blocks.slice(0, end);
}

function prune(node: ParentNode, options: BodyOptions, inCode: boolean): void {
  const kept: AnyNode[] = [];
  for (const child of node.children) {
    if (isTag(child)) {
      if (isDropped(child, options, inCode)) continue;
      prune(child, options, inCode || child.name === 'pre' || child.name === 'code');
    } else if (!isText(child)) {
      continue;
    }
    kept.push(child);
  }
  if (kept.length !== node.children.length) {
    node.children = kept;
    for (let i = 0; i < kept.length; i++) {
      const current = kept[i] as AnyNode;
      current.prev = kept[i - 1] ?? null;
      current.next = kept[i + 1] ?? null;
    }
  }
}

function isDropped(element: Element, options: BodyOptions, inCode: boolean): boolean {
  if (DROP_TAGS.has(element.name)) return true;
  if (options.lenient) return false;
  if (LANDMARK_TAGS.has(element.name)) return true;
  const attribs = element.attribs;
  if (isHidden(element)) return true;
  if (attribs.role !== undefined && DROP_ROLES.has(attribs.role)) return true;
  if (!options.pruneByClass || inCode) return false;
  if (element.name === 'body' || element.name === 'a' || element.name === 'html') return false;
  const words = `${attribs.class ?? ''} ${attribs.id ?? ''}`;
  if (words.length < 2 || !UNLIKELY.test(words)) return false;
  const meant = namingWords(words);
  return UNLIKELY.test(meant) && !MAYBE.test(meant);
}

/**
 * The class/id tokens that name what a block is, without utility classes that only style it
 * (`overflow-hidden`, `md:hidden`, `scroll-mt-24`, `w-[640px]`, Drupal's `field--label-hidden`,
 * which hides a field's label, not the field): CSS frameworks put those on article containers,
 * and their words would read as "hidden" or "scroll" boilerplate.
 */
const UTILITY_CLASS = /[:[\]/!(]|^(?:overflow|scroll)-|overflow[-_]|(?:label|title)-+hidden/;

function namingWords(value: string): string {
  return value
    .split(/\s+/)
    .filter((token) => !UTILITY_CLASS.test(token))
    .join(' ');
}

function isHidden(element: Element): boolean {
  const attribs = element.attribs;
  // React's streaming renderer sends each late part of a page as `<div hidden id="S:n">` and
  // moves it into place with a script: that block is what the reader sees.
  if (attribs.hidden !== undefined && !/^S:\d+$/.test(attribs.id ?? '')) return true;
  if (attribs['aria-hidden'] === 'true') return true;
  const style = attribs.style;
  return style !== undefined && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style);
}

function emptyStats(): Stats {
  return {
    text: 0,
    link: 0,
    commas: 0,
    p: 0,
    img: 0,
    li: 0,
    input: 0,
    embed: 0,
    heading: 0,
    prose: 0,
    loose: 0,
    looseLink: 0,
    looseCommas: 0,
    blockChild: false,
  };
}

function measure(node: ParentNode, stats: Map<Element, Stats>, inLink: boolean): Stats {
  const total = emptyStats();
  for (const child of node.children) {
    if (isText(child)) {
      const length = child.data.trim().length;
      const commas = countCommas(child.data);
      total.text += length;
      total.loose += length;
      if (inLink) {
        total.link += length;
        total.looseLink += length;
      }
      total.commas += commas;
      total.looseCommas += commas;
      continue;
    }
    if (!isTag(child)) continue;
    const sub = measure(child, stats, inLink || child.name === 'a');
    const name = child.name;
    if (!isBlockChild(name)) {
      total.loose += sub.text;
      total.looseLink += sub.link;
      total.looseCommas += sub.commas;
    }
    total.text += sub.text;
    total.link += sub.link;
    total.commas += sub.commas;
    total.p += sub.p + (name === 'p' ? 1 : 0);
    total.img += sub.img + (name === 'img' || name === 'picture' ? 1 : 0);
    total.li += sub.li + (name === 'li' ? 1 : 0);
    total.input += sub.input;
    total.embed += sub.embed;
    total.heading += HEADINGS.has(name) ? sub.text : sub.heading;
    total.prose += isProse(child, sub) ? sub.text : sub.prose;
    if (isBlockChild(name)) total.blockChild = true;
  }
  if (isTag(node as AnyNode)) stats.set(node as Element, total);
  return total;
}

function isBlockChild(name: string): boolean {
  if (PARAGRAPH_TAGS.has(name) || TEXT_CONTAINERS.has(name)) return true;
  return name === 'ul' || name === 'ol' || name === 'table' || HEADINGS.has(name);
}

/** A container's loose text reads as a paragraph of its own (Readability wraps it in a `<p>`). */
function hasLooseParagraph(element: Element, stat: Stats): boolean {
  return stat.blockChild && stat.loose >= 25 && TEXT_CONTAINERS.has(element.name);
}

function isProse(element: Element, stat: Stats): boolean {
  if (stat.text < 25 || stat.link > stat.text / 3) return false;
  return element.name === 'li' ? stat.text >= 80 : isParagraphLike(element, stat);
}

function countCommas(text: string): number {
  let count = 0;
  for (let i = text.indexOf(','); i !== -1; i = text.indexOf(',', i + 1)) count++;
  return count;
}

function classWeight(element: Element): number {
  let weight = 0;
  for (const value of [attr(element, 'class'), attr(element, 'id')]) {
    if (value === '') continue;
    if (NEGATIVE.test(value) && NEGATIVE.test(namingWords(value))) weight -= 25;
    if (POSITIVE.test(value)) weight += 25;
  }
  if (attr(element, 'itemprop') === 'articleBody') weight += 50;
  return weight;
}

function baseScore(element: Element): number {
  switch (element.name) {
    case 'div':
    case 'article':
    case 'main':
      return 5 + classWeight(element);
    case 'pre':
    case 'td':
    case 'blockquote':
      return 3 + classWeight(element);
    case 'address':
    case 'ol':
    case 'ul':
    case 'dl':
    case 'dd':
    case 'dt':
    case 'li':
    case 'form':
      return -3 + classWeight(element);
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6':
    case 'th':
      return -5 + classWeight(element);
    default:
      return classWeight(element);
  }
}

function isParagraphLike(element: Element, stats: Stats): boolean {
  if (PARAGRAPH_TAGS.has(element.name)) return true;
  return TEXT_CONTAINERS.has(element.name) && !stats.blockChild;
}

function scoreCandidates(root: ParentNode, stats: Map<Element, Stats>): Map<Element, number> {
  const scores = new Map<Element, number>();
  for (const [element, stat] of stats) {
    let score: number;
    let ancestor: ParentNode | null;
    if (stat.text >= 25 && isParagraphLike(element, stat)) {
      score = 1 + stat.commas + Math.min(Math.floor(stat.text / 100), 3);
      ancestor = element.parent;
    } else if (hasLooseParagraph(element, stat)) {
      // The paragraph is the loose text itself: the container is its parent.
      score = 1 + stat.looseCommas + Math.min(Math.floor(stat.loose / 100), 3);
      ancestor = element;
    } else {
      continue;
    }
    for (let level = 0; level < 5 && ancestor !== null && ancestor !== root; level++) {
      if (!isTag(ancestor)) break;
      const current = scores.get(ancestor) ?? baseScore(ancestor);
      const divider = level === 0 ? 1 : level === 1 ? 2 : level * 3;
      scores.set(ancestor, current + score / divider);
      ancestor = ancestor.parent;
    }
  }
  for (const [element, score] of scores) {
    const stat = stats.get(element);
    scores.set(element, score * (1 - linkDensity(stat)));
  }
  return scores;
}

function linkDensity(stat: Stats | undefined): number {
  return stat === undefined || stat.text === 0 ? 0 : stat.link / stat.text;
}

function topCandidate(scores: Map<Element, number>, stats: Map<Element, Stats>): Element | null {
  let best: Element | null = null;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const [element, score] of scores) {
    if (score > bestScore) {
      best = element;
      bestScore = score;
    }
  }
  if (best === null) return null;
  // A higher ancestor that scores better holds more of the article (Readability's climb).
  let candidate = best;
  let lastScore = bestScore;
  const threshold = bestScore / 3;
  for (let parent = candidate.parent; parent !== null && isTag(parent); parent = parent.parent) {
    if (parent.name === 'body' || parent.name === 'html' || isComposition(candidate)) break;
    const parentScore = scores.get(parent);
    if (parentScore === undefined) {
      if (isComposition(parent)) break;
      continue;
    }
    if (parentScore < threshold) break;
    if (parentScore > lastScore) {
      candidate = parent;
      break;
    }
    if (isComposition(parent)) break;
    lastScore = parentScore;
  }
  // Long articles come in sections, each its own container: climb while an ancestor holds
  // clearly more prose, looking past wrappers that add a heading or two, and stop where what it
  // adds is mostly links (a menu, related posts) or mostly text that is not prose.
  let chosen = candidate;
  for (let parent = candidate.parent; parent !== null && isTag(parent); parent = parent.parent) {
    if (parent.name === 'body' || parent.name === 'html') break;
    const outer = stats.get(parent);
    const inner = stats.get(chosen);
    if (outer === undefined || inner === undefined) break;
    const addedText = outer.text - inner.text;
    const addedProse = outer.prose - inner.prose;
    // Links are a menu or related posts unless they come with more prose than the article had.
    if (outer.link - inner.link > addedText * 0.35 && addedProse < inner.prose) break;
    if (isComposition(chosen)) break;
    const proseAdded = addedProse >= addedText * 0.6;
    if (addedText === 0 || outer.prose >= inner.prose * 1.25 || proseAdded) chosen = parent;
  }
  return chosen;
}

/** `<article>` and `<main>` say where a composition ends; past them come teasers of others. */
function isComposition(element: Element): boolean {
  return element.name === 'article' || element.name === 'main' || element.attribs.role === 'main';
}

function withSiblings(
  top: Element,
  scores: Map<Element, number>,
  stats: Map<Element, Stats>,
): Element[] {
  const parent = top.parent;
  if (parent === null || !isTag(parent)) return [top];
  const topScore = scores.get(top) ?? 0;
  const threshold = Math.max(10, topScore * 0.2);
  const topClass = attr(top, 'class');
  const parts: Element[] = [];
  for (const sibling of parent.children) {
    if (!isTag(sibling)) continue;
    if (sibling === top) {
      parts.push(sibling);
      continue;
    }
    const bonus = topClass !== '' && attr(sibling, 'class') === topClass ? topScore * 0.2 : 0;
    const score = scores.get(sibling);
    if (score !== undefined && score + bonus >= threshold) {
      parts.push(sibling);
      continue;
    }
    if (sibling.name !== 'p') continue;
    const stat = stats.get(sibling);
    if (stat === undefined) continue;
    const density = linkDensity(stat);
    if (stat.text > 80 && density < 0.25) parts.push(sibling);
  }
  return parts;
}

function keepInBody(
  element: Element,
  stat: Stats | undefined,
  score: number | undefined,
  bodyText: number,
): boolean {
  const name = element.name;
  if (name === 'h1' || name === 'figcaption') return false;
  if (!CLEANABLE.has(name)) return true;
  // A wrapper of most of the body is the article itself, whatever its class says.
  if (stat === undefined || stat.text === 0 || stat.text > bodyText / 2) return true;
  const weight = classWeight(element);
  // Lists start below zero (Readability's base score), so only a bad name can sink a block.
  if (weight < 0 && weight + (score ?? 0) < 0) return false;
  if (stat.commas >= 10) return true;
  const density = linkDensity(stat);
  const isList = LISTS.has(name);
  const contentLength = stat.text;
  if (stat.img > 1 && stat.p / stat.img < 0.5) return false;
  if (!isList && stat.li - 100 > stat.p) return false;
  if (stat.input > Math.floor(stat.p / 3)) return false;
  if (!isList && contentLength < 25 && (stat.img === 0 || stat.img > 2) && density > 0)
    return false;
  if (!isList && weight < 25 && density > 0.2) return false;
  if (weight >= 25 && density > 0.5) return false;
  if (isList && density > 0.5) return false;
  return true;
}

function isAside(paragraph: string): boolean {
  return paragraph.length < 200 && (POINTER.test(paragraph) || CREDIT.test(paragraph));
}
