/**
 * OPML 2.0 in and out: the subscription lists feed readers exchange. Pure functions over text.
 *
 * Import reads every `<outline>` carrying an `xmlUrl`, at any depth (readers nest feeds in
 * folders), and merges them into `sources.yml`: new feeds are appended, a feed whose URL is
 * already there (or earlier in the same file) is skipped, and one whose URL is not http(s) is
 * reported as invalid. The YAML is edited as a document, so the file's comments and layout stay.
 *
 * The parser is fast-xml-parser after its well-formedness check. Entities declared in a DTD are
 * left unexpanded (so a billion-laughs file stays small), and attribute values are read as text
 * only: nothing in an OPML file is ever evaluated.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isMap, isSeq, parseDocument } from 'yaml';
import { type Source, sourceSchema } from '../config/schema.ts';
import { cleanLine, escapeLine } from '../web/text.ts';

/** Why OPML or sources could not be read: `OPML_INVALID` or `SOURCES_INVALID`, naming the file. */
export class OpmlError extends Error {
  readonly code: 'OPML_INVALID' | 'SOURCES_INVALID';
  readonly file: string;
  constructor(
    code: OpmlError['code'],
    file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
    this.name = 'OpmlError';
    this.code = code;
    this.file = file;
  }
}

/** One feed of an OPML file, as read (not yet validated). */
export interface OpmlFeed {
  name: string;
  url: string;
  lang?: string;
}

export interface ParsedOpml {
  title: string | null;
  feeds: OpmlFeed[];
}

const MAX_NAME = 120;

interface XmlNode {
  '@'?: Record<string, string>;
  outline?: XmlNode[];
  [key: string]: unknown;
}

/**
 * The title and feeds of an OPML document (1.0 or 2.0), feeds in document order. Names come
 * from `title`, then `text`, then the URL's host; `language` gives `lang` when it starts with a
 * two-letter code. Throws `OpmlError` `OPML_INVALID` naming `file` and the line when the XML is
 * not well-formed or the root is not `<opml>` with a `<body>`. Pure.
 */
export function parseOpml(xml: string, file = 'OPML'): ParsedOpml {
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new OpmlError(
      'OPML_INVALID',
      file,
      `line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`,
    );
  const root = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    attributesGroupName: '@',
    isArray: (name) => name === 'outline',
    parseAttributeValue: false,
    parseTagValue: false,
    // Numeric references (&#8217;) are common in exported names; DTD entities stay unexpanded.
    htmlEntities: true,
  }).parse(xml) as { opml?: XmlNode };
  const opml = root.opml;
  const body = opml?.body as XmlNode | string | undefined;
  if (!opml || body === undefined)
    throw new OpmlError('OPML_INVALID', file, 'expected an <opml> document with a <body>');
  const head = opml.head as XmlNode | undefined;
  const title = typeof head?.title === 'string' ? cleanLine(head.title) || null : null;
  return { title, feeds: typeof body === 'string' ? [] : outlineFeeds(body.outline ?? []) };
}

function outlineFeeds(outlines: XmlNode[]): OpmlFeed[] {
  return outlines.flatMap((outline) => {
    const attributes = outline['@'] ?? {};
    const url = attributes.xmlUrl?.trim();
    const children = outlineFeeds(outline.outline ?? []);
    if (!url) return children;
    const lang = /^([a-z]{2})(?:[-_]|$)/i.exec(attributes.language ?? '')?.[1]?.toLowerCase();
    const feed: OpmlFeed = { name: feedName(attributes, url), url, ...(lang ? { lang } : {}) };
    return [feed, ...children];
  });
}

function feedName(attributes: Record<string, string>, url: string): string {
  const named = cleanLine(attributes.title ?? '') || cleanLine(attributes.text ?? '');
  if (named) return named.slice(0, MAX_NAME).trim();
  try {
    return new URL(url).hostname || url.slice(0, MAX_NAME);
  } catch {
    // Not a URL at all: the merge reports it as invalid under this name.
    return url.slice(0, MAX_NAME);
  }
}

export interface SerializeOptions {
  title: string;
  /** When the list was made (`dateCreated`, RFC 822 as OPML 2.0 requires). */
  dateCreated: Date;
}

/** An OPML 2.0 document listing `feeds` as `type="rss"` outlines, text escaped. Pure. */
export function serializeOpml(feeds: readonly OpmlFeed[], options: SerializeOptions): string {
  const outlines = feeds.map((feed) => {
    const name = escapeLine(feed.name);
    const lang = feed.lang ? ` language="${escapeLine(feed.lang)}"` : '';
    return `    <outline type="rss" text="${name}" title="${name}" xmlUrl="${escapeLine(feed.url)}"${lang}/>`;
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${escapeLine(options.title)}</title>`,
    `    <dateCreated>${options.dateCreated.toUTCString()}</dateCreated>`,
    '  </head>',
    '  <body>',
    ...outlines,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}

export interface SkippedFeed {
  name: string;
  url: string;
  reason: string;
}

export interface MergeReport {
  added: Source[];
  /** Already in the sources (or twice in the OPML file). */
  skipped: SkippedFeed[];
  /** Not importable: URL not http(s), or another field the sources schema refuses. */
  invalid: SkippedFeed[];
}

/**
 * `sourcesYaml` (the text of sources.yml) with the new feeds of `incoming` appended to its
 * `feeds:` list, comments and existing entries untouched, and the report of what was added,
 * skipped and refused. URLs compare after URL normalisation (host case, default port). Throws
 * `OpmlError` `SOURCES_INVALID` naming `file` when the YAML does not parse or `feeds` is not a
 * list. Pure.
 */
export function mergeIntoSourcesYaml(
  sourcesYaml: string,
  incoming: readonly OpmlFeed[],
  file = 'sources.yml',
): { text: string; report: MergeReport } {
  const parsed = parseDocument(sourcesYaml);
  // A file of comments only has no contents to add to: give it its `feeds:` key.
  const doc = parsed.contents === null ? parseDocument(`${sourcesYaml}\nfeeds: []\n`) : parsed;
  if (doc.errors.length > 0)
    throw new OpmlError('SOURCES_INVALID', file, doc.errors[0]?.message ?? 'invalid YAML', {
      cause: doc.errors[0],
    });
  if (!isMap(doc.contents))
    throw new OpmlError('SOURCES_INVALID', file, 'expected a mapping with a `feeds:` list');
  if (!doc.has('feeds')) doc.set('feeds', doc.createNode([]));
  const list = doc.get('feeds', true);
  if (!isSeq(list)) throw new OpmlError('SOURCES_INVALID', file, 'feeds: expected a list');

  const seen = new Set(
    list.items.flatMap((item) => {
      const url = isMap(item) ? item.get('url') : undefined;
      return typeof url === 'string' ? [urlKey(url)] : [];
    }),
  );
  const report: MergeReport = { added: [], skipped: [], invalid: [] };
  for (const feed of incoming) {
    const checked = sourceSchema.safeParse(feed);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      report.invalid.push({
        name: feed.name,
        url: feed.url,
        reason: `${issue?.path.join('.') || 'feed'}: ${issue?.message ?? 'invalid'}`,
      });
      continue;
    }
    const key = urlKey(feed.url);
    if (seen.has(key)) {
      report.skipped.push({ name: feed.name, url: feed.url, reason: 'already in the sources' });
      continue;
    }
    seen.add(key);
    report.added.push(checked.data);
  }
  if (report.added.length === 0) return { text: sourcesYaml, report };
  // A `feeds: []` written in flow style would otherwise grow into one long line.
  list.flow = false;
  for (const source of report.added)
    list.items.push(
      doc.createNode({
        name: source.name,
        url: source.url,
        ...(source.lang ? { lang: source.lang } : {}),
      }),
    );
  return { text: doc.toString({ lineWidth: 0 }), report };
}

/** The URL as compared for duplicates: parsed and re-serialised, or as typed when unparseable. */
function urlKey(url: string): string {
  try {
    return new URL(url.trim()).href;
  } catch {
    // Unparseable URLs only ever match themselves.
    return url.trim();
  }
}
