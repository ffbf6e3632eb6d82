import { describe, expect, it } from 'vitest';
import { canonicalUrl } from '../../src/ingest/url.ts';

describe('canonicalUrl', () => {
  it.each([
    [
      'drops utm_* and keeps the page parameters',
      'https://www.lemagit.fr/actualites/123?utm_source=rss&utm_medium=feed&page=2',
      'https://www.lemagit.fr/actualites/123?page=2',
    ],
    [
      'drops xtor, fbclid and gclid',
      'https://www.lemonde.fr/pixels/article/x.html?xtor=RSS-3208&fbclid=abc&gclid=def',
      'https://www.lemonde.fr/pixels/article/x.html',
    ],
    [
      'drops the fragment',
      'https://next.ink/12345/ugap-cloud/#comments',
      'https://next.ink/12345/ugap-cloud/',
    ],
    [
      'lower-cases the host and drops the default port',
      'HTTPS://WWW.Silicon.FR:443/feed',
      'https://www.silicon.fr/feed',
    ],
    [
      'sorts the remaining parameters',
      'https://example.org/a?b=2&a=1',
      'https://example.org/a?a=1&b=2',
    ],
    ['drops credentials', 'https://user:secret@example.org/a', 'https://example.org/a'],
  ])('%s', (_name, input, expected) => {
    expect(canonicalUrl(input)).toBe(expected);
  });

  it('resolves a relative link against the feed', () => {
    expect(
      canonicalUrl('/article/ugap.html?utm_campaign=x', 'https://www.zdnet.fr/feeds/rss/'),
    ).toBe('https://www.zdnet.fr/article/ugap.html');
  });

  it('refuses what is not an http(s) URL', () => {
    expect(canonicalUrl('javascript:alert(1)')).toBeNull();
    expect(canonicalUrl('mailto:redaction@example.org')).toBeNull();
    expect(canonicalUrl('pas une url')).toBeNull();
    expect(canonicalUrl(null)).toBeNull();
  });

  it('is idempotent', () => {
    const once = canonicalUrl('https://Example.org/a?utm_source=x&z=1&a=2#top');
    expect(canonicalUrl(once)).toBe(once);
  });
});
