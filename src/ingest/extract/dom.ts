/**
 * Small, allocation-light helpers over the htmlparser2 (domhandler) tree that the extractor walks.
 * All pure. Text is taken the way a browser lays it out: block elements start a new paragraph,
 * `<br>` a new line, inline elements run together, whitespace collapses.
 */
import type { AnyNode, Element, ParentNode } from 'domhandler';
import { isTag, isText } from 'domhandler';

/** Elements that start and end a paragraph when a page is turned into text. */
export const BLOCK_TAGS: ReadonlySet<string> = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'center',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'html',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
]);

/** Soft hyphen, word joiner and BOM: break hints shown as nothing. */
const INVISIBLE = /[\u00ad\u2060\ufeff]/g;

/** The element's attribute, or '' when absent. Pure. */
export function attr(element: Element, name: string): string {
  return element.attribs[name] ?? '';
}

/** Element children of a node, in document order. Pure. */
export function childElements(node: ParentNode): Element[] {
  const out: Element[] = [];
  for (const child of node.children) if (isTag(child)) out.push(child);
  return out;
}

/** Whitespace (including no-break spaces) collapsed to single spaces and trimmed. Pure. */
export function collapseSpaces(text: string): string {
  return text.replace(/[\s\u00a0\u200b]+/g, ' ').trim();
}

/** The raw concatenated text of a subtree (no layout), for titles and short labels. Pure. */
export function rawText(node: AnyNode): string {
  if (isText(node)) return node.data;
  if (!isTag(node) && node.type !== 'root') return '';
  let out = '';
  for (const child of (node as ParentNode).children) out += rawText(child);
  return out;
}

/**
 * The raw text of a subtree (as `rawText`), or null as soon as it exceeds `max` characters: for
 * short labels inside subtrees that may be whole pages. Pure.
 */
export function shortText(node: AnyNode, max: number): string | null {
  let out = '';
  const walk = (current: AnyNode): boolean => {
    if (isText(current)) {
      out += current.data;
      return out.length <= max;
    }
    if (!isTag(current) && current.type !== 'root') return true;
    for (const child of (current as ParentNode).children) if (!walk(child)) return false;
    return true;
  };
  return walk(node) ? out : null;
}

/** One paragraph of text and the tag of the block it came from (`h2`, `p`, `li`…). */
export interface TextBlock {
  text: string;
  tag: string;
}

/**
 * Paragraphs of a subtree as a reader sees them: one block per paragraph, `<br>` kept as a line
 * break inside it, empty blocks dropped. `keep` decides, element by element, whether a subtree is
 * rendered at all (the extractor uses it to leave out boilerplate without mutating the tree). Pure.
 */
export function textBlocks(root: AnyNode, keep: (element: Element) => boolean): TextBlock[] {
  const blocks: TextBlock[] = [];
  let line = '';
  const tags: string[] = ['body'];
  const flush = (): void => {
    const text = line
      .split('\n')
      .map(collapseSpaces)
      .filter((part) => part !== '')
      .join('\n');
    if (text !== '') blocks.push({ text, tag: tags[tags.length - 1] ?? 'body' });
    line = '';
  };
  const walk = (node: AnyNode): void => {
    if (isText(node)) {
      // Source newlines are layout of the HTML, not of the text: only <br> breaks a line. Soft
      // hyphens and word joiners are invisible break hints that would split a word in two.
      line += node.data.replace(INVISIBLE, '').replace(/[\s\u00a0\u200b]+/g, ' ');
      return;
    }
    if (!isTag(node)) {
      if (node.type === 'root') for (const child of node.children) walk(child);
      return;
    }
    if (!keep(node)) return;
    const name = node.name;
    if (name === 'br') {
      // Two line breaks in a row are how tag soup separates paragraphs.
      if (/\n[\s\u00a0]*$/.test(line)) flush();
      else line += '\n';
      return;
    }
    const block = BLOCK_TAGS.has(name);
    if (block) {
      flush();
      tags.push(name);
    }
    for (const child of node.children) walk(child);
    if (block) {
      flush();
      tags.pop();
    }
  };
  walk(root);
  flush();
  return blocks;
}

/** The texts of `textBlocks`, for callers that do not care where each came from. Pure. */
export function blockTexts(root: AnyNode, keep: (element: Element) => boolean): string[] {
  return textBlocks(root, keep).map((block) => block.text);
}
