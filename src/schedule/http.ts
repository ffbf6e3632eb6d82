/**
 * The worker's HTTP side door on `VIGIE_HTTP` (default 127.0.0.1:9464): `/healthz` for a
 * supervisor or a load balancer, `/metrics` for Prometheus. GET and HEAD only; it binds to the
 * address given and nowhere else, so the default is reachable from this machine only.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '../store/db.ts';
import { schemaVersion } from '../store/db.ts';
import { send } from '../web/respond.ts';

/** Why the server could not start: `HTTP_ADDRESS` (unreadable address) or `HTTP_LISTEN`. */
export class HttpServerError extends Error {
  readonly code: 'HTTP_ADDRESS' | 'HTTP_LISTEN';
  readonly address: string;
  constructor(
    code: HttpServerError['code'],
    message: string,
    details: { address: string; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.name = 'HttpServerError';
    this.code = code;
    this.address = details.address;
  }
}

/** What `/healthz` answers; `ok: false` makes it a 503. */
export interface HealthReport {
  ok: boolean;
  database: boolean;
  /** ISO time of the last good cycle, null when none since start. */
  lastGoodCycleAt: string | null;
  lastGoodCycleAgeSeconds: number | null;
  /** Why it is not ok; absent when ok. */
  reason?: string;
}

export interface HealthInput {
  now: Date;
  startedAt: Date;
  lastGoodCycleAt: Date | null;
  database: { reachable: boolean; error?: string };
  /** The poll interval: stale after three of them without a good cycle. */
  pollIntervalMs: number;
  /** How long after start a worker may have no good cycle yet (default: 3 poll intervals). */
  graceMs?: number;
}

/**
 * Judges the worker's health: not ok when the database cannot be read, when the last good
 * cycle is older than 3 × the poll interval, or when there was none since start and the grace
 * period is over. Pure.
 */
export function assessHealth(input: HealthInput): HealthReport {
  const staleAfterMs = 3 * input.pollIntervalMs;
  const graceMs = input.graceMs ?? staleAfterMs;
  const last = input.lastGoodCycleAt;
  const ageMs = last ? input.now.getTime() - last.getTime() : null;
  const base = {
    database: input.database.reachable,
    lastGoodCycleAt: last?.toISOString() ?? null,
    lastGoodCycleAgeSeconds: ageMs === null ? null : Math.round(ageMs / 1000),
  };
  if (!input.database.reachable)
    return {
      ok: false,
      ...base,
      reason: `database unreachable: ${input.database.error ?? 'unknown'}`,
    };
  if (ageMs !== null && ageMs > staleAfterMs)
    return {
      ok: false,
      ...base,
      reason: `no good poll cycle for ${Math.round(ageMs / 1000)} s (limit ${staleAfterMs / 1000} s)`,
    };
  if (ageMs === null && input.now.getTime() - input.startedAt.getTime() > graceMs)
    return {
      ok: false,
      ...base,
      reason: `no good poll cycle since start (${Math.round(graceMs / 1000)} s ago)`,
    };
  return { ok: true, ...base };
}

/**
 * Whether the database answers a read (its schema version); `error` says why not. Never throws:
 * an unreadable database is the answer, not a failure of the check. Reads the database.
 */
export function databaseStatus(db: Db): { reachable: boolean; error?: string } {
  if (!db.open) return { reachable: false, error: 'database is closed' };
  try {
    schemaVersion(db);
    return { reachable: true };
  } catch (error) {
    return { reachable: false, error: (error as Error).message };
  }
}

export interface HttpServerOptions {
  /** `host:port`, e.g. `127.0.0.1:9464`; `[::1]:9464` for IPv6; port 0 picks a free one. */
  address: string;
  health: () => HealthReport | Promise<HealthReport>;
  metrics: () => string | Promise<string>;
  /** Called when a handler throws (the client gets a 500). */
  onError?: (error: unknown, path: string) => void;
  /** Further routes (the web page, the Atom feed); returns false for a path it does not serve. */
  routes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

export interface HttpServer {
  /** `http://host:port` actually bound. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** `host` and `port` of a `host:port` address; throws `HttpServerError` `HTTP_ADDRESS`. Pure. */
export function parseAddress(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address.trim());
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!host || !Number.isInteger(port) || port > 65_535)
    throw new HttpServerError(
      'HTTP_ADDRESS',
      `VIGIE_HTTP: expected host:port (got ${JSON.stringify(address)})`,
      {
        address,
      },
    );
  return { host, port };
}

/**
 * Starts the health/metrics server on `options.address`. Resolves once listening; rejects
 * with `HttpServerError` `HTTP_LISTEN` naming the address (e.g. port already in use). Not pure.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { host, port } = parseAddress(options.address);
  const server = http.createServer((req, res) => {
    void respond(options, req, res);
  });
  server.keepAliveTimeout = 5_000;
  server.listen({ host, port });
  try {
    await Promise.race([
      once(server, 'listening'),
      once(server, 'error').then(([error]) => Promise.reject(error)),
    ]);
  } catch (error) {
    server.close();
    throw new HttpServerError(
      'HTTP_LISTEN',
      `cannot listen on ${options.address}: ${(error as Error).message}`,
      { address: options.address, cause: error },
    );
  }
  const bound = server.address() as AddressInfo;
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${shownHost}:${bound.port}`,
    port: bound.port,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function respond(
  options: HttpServerOptions,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(req, res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', {
      allow: 'GET, HEAD',
    });
    return;
  }
  try {
    if (path === '/healthz') {
      const report = await options.health();
      send(
        req,
        res,
        report.ok ? 200 : 503,
        'application/json; charset=utf-8',
        `${JSON.stringify(report)}\n`,
      );
    } else if (path === '/metrics') {
      send(req, res, 200, 'text/plain; version=0.0.4; charset=utf-8', await options.metrics());
    } else if (!options.routes?.(req, res)) {
      send(
        req,
        res,
        404,
        'text/plain; charset=utf-8',
        'not found: try /, /feed.atom, /healthz or /metrics\n',
      );
    }
  } catch (error) {
    options.onError?.(error, path);
    send(req, res, 500, 'text/plain; charset=utf-8', 'internal error\n');
  }
}
