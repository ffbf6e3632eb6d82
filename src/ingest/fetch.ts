/**
 * Fetching feeds and article pages with undici, politely and within bounds.
 *
 * - Conditional GET: the caller passes the ETag / Last-Modified it kept; a 304 costs no body.
 * - Bodies are capped twice: the bytes on the wire and the bytes after gzip/deflate/br
 *   decompression (a 10 KB gzip bomb can inflate to gigabytes).
 * - Redirects are followed by hand (at most `maxRedirects`), so a permanent one can be reported
 *   and every hop is checked: http(s) only, and never from one host onto a private address.
 * - A request marked `publicOnly` (a feed added at runtime, an article link of a public feed)
 *   never connects to a private address: literal addresses are refused before any request and
 *   names are checked as they are resolved to connect, so a DNS answer that changes after the
 *   feed was added (DNS rebinding) cannot reach the network Vigie runs in either.
 * - 429/503 carry `Retry-After` back to the caller, who backs the feed off accordingly.
 * - At most `concurrency` requests in flight and `perHost` per host.
 *
 * Failures are values: `{ ok: false, error }` with a stable `code`; nothing here throws.
 */
import { lookup as dnsLookupCallback } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Agent, request, errors as undiciErrors } from 'undici';
import { isHttpUrl, isPrivateAddress, literalAddress } from './address.ts';
import { createLimiter } from './limiter.ts';

export const USER_AGENT =
  'Vigie/0.1 (French public-cloud press watch; +https://github.com/vigie-watch/vigie)';

export interface FetcherOptions {
  /** Requests in flight across all hosts. */
  concurrency: number;
  /** Requests in flight per host. */
  perHost: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  /** Longest silence allowed while the body streams. */
  bodyTimeoutMs: number;
  /** Whole request, redirects included. */
  totalTimeoutMs: number;
  /** Cap on the body, both as received and once decompressed. */
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  /** Clock for Retry-After dates; injected for tests. */
  now: () => number;
  /** Resolves a redirect target's host name to check where it points; injected for tests. */
  lookup: (hostname: string) => Promise<string[]>;
  /** Name resolution used to connect (default the system's); tests inject one so no DNS query leaves the machine. */
  connectLookup?: LookupFunction;
}

export const DEFAULT_FETCHER_OPTIONS: FetcherOptions = {
  concurrency: 8,
  perHost: 2,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 15_000,
  bodyTimeoutMs: 15_000,
  totalTimeoutMs: 30_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: USER_AGENT,
  now: Date.now,
  lookup: systemLookup,
};

export type FetchErrorCode =
  | 'FETCH_BAD_URL'
  | 'FETCH_TIMEOUT'
  | 'FETCH_DNS'
  | 'FETCH_NETWORK'
  | 'FETCH_HTTP'
  | 'FETCH_TOO_LARGE'
  | 'FETCH_REDIRECT'
  | 'FETCH_PRIVATE'
  | 'FETCH_DECODE';

/** Why a fetch failed. `status` for HTTP errors; `retryAfterMs` when the server asked for a pause. */
export class FetchError extends Error {
  readonly code: FetchErrorCode;
  readonly url: string;
  readonly status: number | null;
  readonly retryAfterMs: number | null;

  constructor(
    code: FetchErrorCode,
    url: string,
    message: string,
    options: { status?: number; retryAfterMs?: number | null; cause?: unknown } = {},
  ) {
    super(`${message} (${url})`, { cause: options.cause });
    this.name = 'FetchError';
    this.code = code;
    this.url = url;
    this.status = options.status ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

export interface FetchSuccess {
  ok: true;
  status: 200 | 304;
  /** The URL that answered, after redirects. */
  url: string;
  /** Decompressed body; empty for 304. */
  body: Buffer;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  /** Set when a 301/308 moved the resource: the caller should store the new URL. */
  permanentRedirect: string | null;
}

export type FetchOutcome = FetchSuccess | { ok: false; error: FetchError };

export interface FetchRequest {
  etag?: string | null;
  lastModified?: string | null;
  accept?: string;
  /** Refuse to connect to loopback, private, link-local and metadata addresses. */
  publicOnly?: boolean;
}

export interface Fetcher {
  fetch(url: string, request?: FetchRequest): Promise<FetchOutcome>;
  close(): Promise<void>;
}

const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1';

/** Creates a fetcher with its own connection pools; `close()` releases them. */
export function createFetcher(overrides: Partial<FetcherOptions> = {}): Fetcher {
  const options = { ...DEFAULT_FETCHER_OPTIONS, ...overrides };
  const newAgent = (lookup: LookupFunction | undefined) =>
    new Agent({
      connect: { timeout: options.connectTimeoutMs, ...(lookup ? { lookup } : {}) },
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
      connections: options.perHost,
    });
  const agent = newAgent(options.connectLookup);
  // Its own pool: a socket opened for a trusted feed must not serve a public-only request.
  const publicAgent = newAgent(publicOnlyLookup(options.connectLookup ?? dnsLookupCallback));
  const limiter = createLimiter({ global: options.concurrency, perKey: options.perHost });

  return {
    fetch(url, request = {}) {
      let host: string;
      try {
        host = new URL(url).host;
      } catch {
        return Promise.resolve(failure('FETCH_BAD_URL', url, 'not a URL'));
      }
      const via = request.publicOnly ? publicAgent : agent;
      return limiter.run(host, () => fetchFollowingRedirects(via, options, url, request));
    },
    close: async () => {
      await Promise.all([agent.close(), publicAgent.close()]);
    },
  };
}

const PRIVATE_ADDRESS = 'EVIGIE_PRIVATE_ADDRESS';

/** `lookup`, failing with `PRIVATE_ADDRESS` when the name resolves to a private address. */
function publicOnlyLookup(lookup: LookupFunction): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    lookup(hostname, lookupOptions, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = Array.isArray(address) ? address.map((entry) => entry.address) : [address];
      const blocked = addresses.find(isPrivateAddress);
      if (blocked === undefined) return callback(null, address, family);
      const refused: NodeJS.ErrnoException = new Error(
        `${hostname} resolves to a private address (${blocked})`,
      );
      refused.code = PRIVATE_ADDRESS;
      callback(refused, address, family);
    });
  };
}

function failure(
  code: FetchErrorCode,
  url: string,
  message: string,
  extra?: ConstructorParameters<typeof FetchError>[3],
): FetchOutcome {
  return { ok: false, error: new FetchError(code, url, message, extra) };
}

async function fetchFollowingRedirects(
  agent: Agent,
  options: FetcherOptions,
  startUrl: string,
  spec: FetchRequest,
): Promise<FetchOutcome> {
  const signal = AbortSignal.timeout(options.totalTimeoutMs);
  const origin = new URL(startUrl);
  if (!isHttpUrl(origin))
    return failure('FETCH_BAD_URL', startUrl, 'only http(s) URLs are fetched');

  let current = origin;
  let permanentRedirect: string | null = null;
  let onlyPermanent = true;
  for (let hop = 0; hop <= options.maxRedirects; hop += 1) {
    // An IP literal is never looked up: the public-only lookup would not see it.
    const literal = spec.publicOnly ? literalAddress(current) : null;
    if (literal !== null && isPrivateAddress(literal))
      return failure('FETCH_PRIVATE', current.href, `private address ${literal} refused`);
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(current, {
        dispatcher: agent,
        method: 'GET',
        signal,
        headers: requestHeaders(options, spec, current.href === origin.href),
      });
    } catch (error) {
      return { ok: false, error: classifyNetworkError(error, current.href, signal) };
    }

    const { statusCode, headers } = response;
    if (statusCode >= 300 && statusCode < 400 && statusCode !== 304) {
      await response.body.dump();
      const location = header(headers, 'location');
      if (!location)
        return failure('FETCH_REDIRECT', current.href, `${statusCode} without Location`);
      const next = await resolveRedirect(current, location, origin, options.lookup);
      if (typeof next === 'string') return failure('FETCH_REDIRECT', current.href, next);
      onlyPermanent &&= statusCode === 301 || statusCode === 308;
      if (onlyPermanent) permanentRedirect = next.href;
      current = next;
      continue;
    }
    return readResponse(response, current.href, options, signal, permanentRedirect);
  }
  return failure('FETCH_REDIRECT', startUrl, `more than ${options.maxRedirects} redirects`);
}

function requestHeaders(
  options: FetcherOptions,
  spec: FetchRequest,
  isOriginalUrl: boolean,
): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': options.userAgent,
    accept: spec.accept ?? FEED_ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
  // Validators belong to the URL they were received from.
  if (isOriginalUrl && spec.etag) headers['if-none-match'] = spec.etag;
  if (isOriginalUrl && spec.lastModified) headers['if-modified-since'] = spec.lastModified;
  return headers;
}

/**
 * The next hop, or the reason it is refused. A hop onto another host must not land on a
 * private address, whether written as an IP or as a name that resolves to one (`localhost`,
 * an internal DNS name): that is how a public feed would reach into the network Vigie runs in.
 */
async function resolveRedirect(
  current: URL,
  location: string,
  origin: URL,
  lookup: FetcherOptions['lookup'],
): Promise<URL | string> {
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    return `invalid redirect target ${JSON.stringify(location.slice(0, 200))}`;
  }
  if (!isHttpUrl(next)) return `redirect to a non-http(s) URL (${next.protocol})`;
  if (next.hostname === origin.hostname) return next;
  const literal = literalAddress(next);
  let addresses: string[];
  try {
    addresses = literal ? [literal] : await lookup(next.hostname);
  } catch {
    return `redirect to a host that does not resolve (${next.hostname})`;
  }
  const privateAddress = addresses.find(isPrivateAddress);
  if (privateAddress) return `redirect to a private address (${next.hostname} → ${privateAddress})`;
  return next;
}

async function systemLookup(hostname: string): Promise<string[]> {
  return (await dnsLookup(hostname, { all: true })).map((entry) => entry.address);
}

async function readResponse(
  response: Awaited<ReturnType<typeof request>>,
  url: string,
  options: FetcherOptions,
  signal: AbortSignal,
  permanentRedirect: string | null,
): Promise<FetchOutcome> {
  const { statusCode, headers } = response;
  const meta = {
    url,
    contentType: header(headers, 'content-type'),
    etag: header(headers, 'etag'),
    lastModified: header(headers, 'last-modified'),
    permanentRedirect,
  };
  if (statusCode === 304) {
    await response.body.dump();
    return { ok: true, status: 304, body: Buffer.alloc(0), ...meta };
  }
  if (statusCode !== 200) {
    await response.body.dump();
    const retryAfterMs =
      statusCode === 429 || statusCode === 503
        ? parseRetryAfter(header(headers, 'retry-after'), options.now())
        : null;
    return failure('FETCH_HTTP', url, `HTTP ${statusCode}`, { status: statusCode, retryAfterMs });
  }

  const declaredLength = Number(header(headers, 'content-length') ?? Number.NaN);
  if (declaredLength > options.maxBytes) {
    response.body.destroy();
    return failure('FETCH_TOO_LARGE', url, `body of ${declaredLength} bytes over the cap`);
  }
  try {
    const raw = await readCapped(response.body, options.maxBytes, url);
    const body = await decompress(raw, header(headers, 'content-encoding'), options.maxBytes, url);
    return { ok: true, status: 200, body, ...meta };
  } catch (error) {
    if (error instanceof FetchError) return { ok: false, error };
    return { ok: false, error: classifyNetworkError(error, url, signal) };
  }
}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): void },
  maxBytes: number,
  url: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new FetchError('FETCH_TOO_LARGE', url, `body over ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

async function decompress(
  raw: Buffer,
  contentEncoding: string | null,
  maxBytes: number,
  url: string,
): Promise<Buffer> {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return raw;
  // maxOutputLength makes zlib stop at the cap instead of inflating a bomb into memory.
  const limits = { maxOutputLength: maxBytes };
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return await gunzip(raw, limits);
    if (encoding === 'br') return await brotli(raw, limits);
    if (encoding === 'deflate') {
      // Servers send "deflate" both zlib-wrapped (per the RFC) and raw.
      return await inflate(raw, limits).catch(() => inflateRaw(raw, limits));
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new FetchError('FETCH_TOO_LARGE', url, `decompressed body over ${maxBytes} bytes`);
    throw new FetchError('FETCH_DECODE', url, `corrupt ${encoding} body`, { cause: error });
  }
  throw new FetchError('FETCH_DECODE', url, `unsupported content-encoding ${encoding}`);
}

function header(headers: Record<string, string | string[] | undefined>, name: string) {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** Milliseconds to wait from a Retry-After value (seconds or HTTP date), or null. Pure. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

function classifyNetworkError(error: unknown, url: string, signal: AbortSignal): FetchError {
  const code = (error as { code?: string }).code ?? '';
  if (signal.aborted)
    return new FetchError('FETCH_TIMEOUT', url, 'request took too long', { cause: error });
  if (
    error instanceof undiciErrors.ConnectTimeoutError ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  )
    return new FetchError('FETCH_TIMEOUT', url, (error as Error).message, { cause: error });
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (code === PRIVATE_ADDRESS || cause?.code === PRIVATE_ADDRESS)
    return new FetchError('FETCH_PRIVATE', url, cause?.message ?? (error as Error).message, {
      cause: error,
    });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new FetchError('FETCH_DNS', url, `cannot resolve host (${code})`, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new FetchError('FETCH_NETWORK', url, `${code || 'network error'}: ${message}`, {
    cause: error,
  });
}
