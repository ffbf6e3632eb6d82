/**
 * Builds RSS 2.0 and Atom documents from plain items, for tests, the demo and the benchmarks.
 * Text is XML-escaped; `contentHtml` goes into CDATA as feeds usually carry it.
 */
export interface BuiltItem {
  title: string;
  link: string;
  guid?: string;
  description?: string;
  contentHtml?: string;
  /** RFC 822 date for RSS, ISO for Atom (converted as needed). */
  publishedAt?: string;
  author?: string;
  categories?: string[];
}

export interface BuiltFeed {
  title: string;
  link: string;
  items: BuiltItem[];
  language?: string;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function cdata(html: string): string {
  return `<![CDATA[${html.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** An RSS 2.0 document (UTF-8 declared unless `encoding` says otherwise). */
export function rssFeed(feed: BuiltFeed, encoding = 'UTF-8'): string {
  const items = feed.items
    .map((item) =>
      [
        '<item>',
        `<title>${escapeXml(item.title)}</title>`,
        `<link>${escapeXml(item.link)}</link>`,
        `<guid isPermaLink="false">${escapeXml(item.guid ?? item.link)}</guid>`,
        item.publishedAt ? `<pubDate>${new Date(item.publishedAt).toUTCString()}</pubDate>` : '',
        item.author ? `<dc:creator>${escapeXml(item.author)}</dc:creator>` : '',
        ...(item.categories ?? []).map((category) => `<category>${escapeXml(category)}</category>`),
        item.description !== undefined
          ? `<description>${escapeXml(item.description)}</description>`
          : '',
        item.contentHtml ? `<content:encoded>${cdata(item.contentHtml)}</content:encoded>` : '',
        '</item>',
      ].join(''),
    )
    .join('\n');
  return `<?xml version="1.0" encoding="${encoding}"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>${escapeXml(feed.title)}</title>
<link>${escapeXml(feed.link)}</link>
<language>${feed.language ?? 'fr'}</language>
${items}
</channel>
</rss>
`;
}

/** An Atom 1.0 document. */
export function atomFeed(feed: BuiltFeed): string {
  const entries = feed.items
    .map((item) =>
      [
        '<entry>',
        `<title>${escapeXml(item.title)}</title>`,
        `<link rel="alternate" href="${escapeXml(item.link)}"/>`,
        `<id>${escapeXml(item.guid ?? item.link)}</id>`,
        item.publishedAt
          ? `<published>${new Date(item.publishedAt).toISOString()}</published>`
          : '',
        item.publishedAt ? `<updated>${new Date(item.publishedAt).toISOString()}</updated>` : '',
        item.author ? `<author><name>${escapeXml(item.author)}</name></author>` : '',
        item.description !== undefined ? `<summary>${escapeXml(item.description)}</summary>` : '',
        item.contentHtml ? `<content type="html">${escapeXml(item.contentHtml)}</content>` : '',
        '</entry>',
      ].join(''),
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${feed.language ?? 'fr'}">
<title>${escapeXml(feed.title)}</title>
<link rel="alternate" href="${escapeXml(feed.link)}"/>
<id>${escapeXml(feed.link)}</id>
<updated>2026-03-02T07:00:00Z</updated>
${entries}
</feed>
`;
}

/** A minimal article page with its text in <article> paragraphs. */
export function articlePage(page: {
  title: string;
  paragraphs: string[];
  canonical?: string;
  lang?: string;
}): string {
  const body = page.paragraphs.map((paragraph) => `<p>${escapeXml(paragraph)}</p>`).join('\n');
  return `<!doctype html>
<html lang="${page.lang ?? 'fr'}"><head><meta charset="utf-8"><title>${escapeXml(page.title)}</title>
${page.canonical ? `<link rel="canonical" href="${escapeXml(page.canonical)}">` : ''}
</head><body>
<nav><a href="/">Accueil</a> <a href="/cloud">Cloud</a> <a href="/securite">Sécurité</a></nav>
<article><h1>${escapeXml(page.title)}</h1>
${body}
</article>
<footer>© Rédaction</footer>
</body></html>
`;
}
