/**
 * A scriptable feed server on 127.0.0.1 for tests, the demo and the benchmarks.
 *
 * Each path answers from a `Route`: status, body bytes sent unchanged (no charset added),
 * ETag / Last-Modified with real 304 handling, gzip, a delay, a slow drip, redirects, or a raw
 * handler for anything stranger. Every request is recorded so tests can assert on headers.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

export interface Route {
  status?: number;
  body?: string | Buffer;
  /** Sent exactly as written; omitted when undefined (never defaulted from the body). */
  contentType?: string;
  headers?: Record<string, string>;
  etag?: string;
  lastModified?: string;
  gzip?: boolean;
  delayMs?: number;
  /** Send the body this many bytes at a time, `dripMs` apart. */
  dripBytes?: number;
  dripMs?: number;
  redirect?: { to: string; status?: number };
  handler?: (req: http.IncomingMessage, res: http.ServerResponse) => void;
}

export interface RecordedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface FeedServer {
  readonly port: number;
  readonly origin: string;
  url(path: string): string;
  set(path: string, route: Route): void;
  hits(path: string): number;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts the server on an ephemeral loopback port with a deep listen backlog. */
export async function startFeedServer(routes: Record<string, Route> = {}): Promise<FeedServer> {
  const table = new Map(Object.entries(routes));
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push({ path, headers: req.headers });
    const route = table.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const respond = () => answer(route, req, res);
    if (route.delayMs) setTimeout(respond, route.delayMs);
    else respond();
  });
  server.keepAliveTimeout = 5_000;
  // A small backlog makes concurrent clients wait for a SYN retry (1 s): never the server's fault here.
  server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    port,
    origin,
    url: (path) => `${origin}${path}`,
    set: (path, route) => table.set(path, route),
    hits: (path) => requests.filter((r) => r.path === path).length,
    requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function answer(route: Route, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (route.handler) {
    route.handler(req, res);
    return;
  }
  if (route.redirect) {
    res.writeHead(route.redirect.status ?? 302, { location: route.redirect.to }).end();
    return;
  }
  const headers: Record<string, string> = { ...route.headers };
  if (route.contentType !== undefined) headers['content-type'] = route.contentType;
  if (route.etag) headers.etag = route.etag;
  if (route.lastModified) headers['last-modified'] = route.lastModified;

  const notModified =
    (route.etag && req.headers['if-none-match'] === route.etag) ||
    (!route.etag && route.lastModified && req.headers['if-modified-since'] === route.lastModified);
  if (notModified) {
    res.writeHead(304, headers).end();
    return;
  }

  let body =
    typeof route.body === 'string' ? Buffer.from(route.body) : (route.body ?? Buffer.alloc(0));
  if (route.gzip) {
    body = zlib.gzipSync(body);
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(body.length);
  res.writeHead(route.status ?? 200, headers);
  if (route.dripBytes) drip(res, body, route.dripBytes, route.dripMs ?? 1000);
  else res.end(body);
}

function drip(res: http.ServerResponse, body: Buffer, size: number, everyMs: number): void {
  let offset = 0;
  const timer = setInterval(() => {
    if (res.destroyed || offset >= body.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(body.subarray(offset, offset + size));
    offset += size;
  }, everyMs);
  res.on('close', () => clearInterval(timer));
}
