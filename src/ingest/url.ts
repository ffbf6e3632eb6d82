/**
 * One URL per article: the same page reached from a newsletter, a feed and a social post must
 * compare equal, so tracking parameters, fragments and cosmetic differences are dropped.
 */

// Parameters that identify a campaign or a click, never the page.
const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'msclkid',
  'yclid',
  'twclid',
  'igshid',
  'mc_cid',
  'mc_eid',
  'xtor',
  'xts',
  'at_medium',
  'at_campaign',
  'at_platform',
  'at_origin',
  'at_send_date',
  'ns_source',
  'ns_mchannel',
  'ns_campaign',
  'ref_src',
  'cmpid',
  'ito',
  'sr_share',
  '_hsenc',
  '_hsmi',
  'mkt_tok',
  'vero_id',
  'oly_enc_id',
  'oly_anon_id',
  'wt_mc',
]);

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('utm_') || lower.startsWith('pk_') || TRACKING_PARAMS.has(lower);
}

/**
 * The canonical form of an http(s) URL: lower-case scheme and host, no default port, no
 * fragment, no tracking parameters, remaining parameters sorted. Returns null for anything that
 * is not an absolute http(s) URL. Pure and idempotent.
 */
export function canonicalUrl(
  input: string | null | undefined,
  base?: string | null,
): string | null {
  if (!input) return null;
  let url: URL;
  try {
    url = base ? new URL(input.trim(), base) : new URL(input.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  url.username = '';
  url.password = '';
  const kept = [...url.searchParams.entries()].filter(([name]) => !isTrackingParam(name));
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = kept.length ? new URLSearchParams(kept).toString() : '';
  return url.href;
}
