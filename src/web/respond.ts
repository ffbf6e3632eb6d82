/** Writing one whole HTTP response, for the health/metrics server and the web routes alike. */
import type http from 'node:http';

// Nothing Vigie serves is meant to be sniffed into another type or to leak the reader's page.
export const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Sends `body` with its length, no caching, and no body for HEAD requests. */
export function send(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  const bytes = Buffer.from(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': String(bytes.length),
    'cache-control': 'no-store',
    ...COMMON_HEADERS,
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
