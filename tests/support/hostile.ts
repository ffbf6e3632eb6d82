/**
 * Shared pieces of the hostile-input and fault suite (tests/hostile/): realistic French article
 * text written for these tests, a pinned clock, a listener that counts TCP connections (to prove
 * a refused redirect never connected), and a watch on errors escaping to the process.
 */
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FakeDiscord } from './fake-discord.ts';

/** The suite's pinned "now": Monday 2 March 2026, 08:00 in Paris. */
export const FIXED_NOW = new Date('2026-03-02T08:00:00+01:00');

/**
 * A news story mentioning the Health Data Hub and SecNumCloud, as HTML paragraphs, long enough
 * to count as the full article (no page fetch). `lead` varies the first sentence so two stories
 * never share a content hash.
 */
export function hdhStoryHtml(lead: string): string {
  return [
    lead,
    'Le ministère de la Santé confirme que le Health Data Hub quittera Microsoft Azure pour un hébergeur qualifié SecNumCloud par l’ANSSI.',
    'La Plateforme des données de santé promet la continuité des projets de recherche pendant la migration, prévue sur dix-huit mois.',
    'Plusieurs hébergeurs français se disent prêts, tandis que les associations de patients réclament un calendrier public et un budget détaillé.',
  ]
    .map((paragraph) => `<p>${paragraph}</p>`)
    .join('\n');
}

/** One sentence about the UGAP, short enough that the poller would fetch the page. */
export const UGAP_TEASER =
  'La centrale d’achat public l’UGAP référence trois offres de cloud souverain pour les collectivités.';

export interface ConnectionCounter {
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * Listens on `host` (a loopback address such as 127.0.0.2) and counts the connections it gets,
 * answering none: the witness that a refused hop was refused before any connection.
 */
export async function startConnectionCounter(host: string): Promise<ConnectionCounter> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
  });
  server.listen({ host, port: 0 });
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return {
    host,
    port,
    get connections() {
      return connections;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

export interface StrayErrors {
  /** Unhandled rejections and uncaught exceptions seen since `watchStrayErrors()`. */
  readonly errors: unknown[];
  stop(): void;
}

/**
 * Records errors that escape every handler while a test runs: the "process stays up" check.
 * vitest would also report them, but only after the fact and without naming the case.
 */
export function watchStrayErrors(): StrayErrors {
  const errors: unknown[] = [];
  const record = (error: unknown) => {
    errors.push(error);
  };
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  return {
    errors,
    stop: () => {
      process.off('unhandledRejection', record);
      process.off('uncaughtException', record);
    },
  };
}

/** Resolves once `condition()` holds, polling every 25 ms; rejects naming `what` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Where a gate holds a delivery: `swallow` takes the request and never answers (claimed, not
 * sent); `after-send` lets the server act, then runs the hook before the answer goes back (sent,
 * not yet known to the sender).
 */
export type GateMode = 'swallow' | 'after-send';

/**
 * A one-shot trap for the next delivery: `arm` sets it with a mode and what to run once the
 * delivery is held; `take` springs it (only for `mode` when given), at most once per `arm`.
 * `reached` resolves when the code holding the delivery calls `held`.
 */
export function createTrap<OnHeld>() {
  let armed: { mode: GateMode; onHeld: OnHeld; held: () => void } | null = null;
  return {
    arm(mode: GateMode, onHeld: OnHeld): { reached: Promise<void> } {
      let held = () => {};
      const reached = new Promise<void>((resolve) => {
        held = resolve;
      });
      armed = { mode, onHeld, held };
      return { reached };
    },
    take(mode?: GateMode): { mode: GateMode; onHeld: OnHeld; held: () => void } | null {
      if (armed === null || (mode !== undefined && armed.mode !== mode)) return null;
      const sprung = armed;
      armed = null;
      return sprung;
    },
  };
}

export interface HeldPost {
  /** Resolves once the sender has closed the connection the answer was due on. */
  clientGone: Promise<void>;
}

export interface DiscordGate {
  readonly apiBase: string;
  /**
   * Arms the gate for the next message post; `reached` resolves once it is held. With
   * `after-send`, `onHeld` runs (and is awaited) before the answer is passed on; its
   * `clientGone` resolves when the sender closes the connection (e.g. gives up on a timeout).
   */
  arm(
    mode: GateMode,
    onHeld?: (held: HeldPost) => void | Promise<void>,
  ): { reached: Promise<void> };
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy on 127.0.0.1 in front of the fake Discord's REST API, which can hold
 * one message post (`POST …/channels/:id/messages`) as `arm` says. Give senders `apiBase`.
 */
export async function startDiscordGate(target: FakeDiscord): Promise<DiscordGate> {
  const upstream = new URL(target.apiBase);
  const trap = createTrap<(held: HeldPost) => void | Promise<void>>();
  const server = http.createServer((req, res) => {
    const clientGone = new Promise<void>((resolve) => res.once('close', () => resolve()));
    const isPost = req.method === 'POST' && /\/channels\/\d+\/messages$/.test(req.url ?? '');
    const gate = isPost ? trap.take() : null;
    if (gate?.mode === 'swallow') {
      req.resume();
      gate.held();
      return; // never answered: the worker waits until it is killed
    }
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', async () => {
          if (gate) {
            await gate.onHeld({ clientGone });
            gate.held();
          }
          if (!res.destroyed)
            res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
        });
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return {
    apiBase: `http://127.0.0.1:${port}/api`,
    arm: (mode, onHeld = () => {}) => trap.arm(mode, onHeld),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface CompiledVigie {
  /** `<dir>/dist/<name>.js`: what `node` runs instead of `--import tsx src/<name>.ts`. */
  entry(name: 'main' | 'cli'): string;
  remove(): void;
}

/**
 * Vigie's sources compiled ahead of time, file by file, by the same esbuild transform the tsx
 * loader applies on the fly: `node <dir>/dist/main.js` runs the code `node --import tsx
 * src/main.ts` runs, without the loader hooks, which cost every start-up about half a second of
 * CPU. Each file stays a module of its own (relative imports now name the .js file, packages are
 * left to node), as in the `npm run build` output; the folder mirrors a checkout (dist/ beside
 * links to feeds/ and node_modules/), so paths taken from `import.meta.url` land where they do
 * in the repository.
 */
export async function compileVigie(): Promise<CompiledVigie> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-compiled-'));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const link of ['feeds', 'node_modules'])
    symlinkSync(path.join(repoRoot, link), path.join(dir, link));
  const src = path.join(repoRoot, 'src');
  const entryPoints = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && file !== 'demo.ts')
    .map((file) => path.join(src, file));
  await build({
    entryPoints,
    outbase: src,
    outdir: path.join(dir, 'dist'),
    absWorkingDir: repoRoot,
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    plugins: [
      {
        name: 'one-module-per-file',
        setup(compiler) {
          compiler.onResolve({ filter: /^\.\.?\// }, (args) => ({
            path: args.path.replace(/\.ts$/, '.js'),
            external: true,
          }));
        },
      },
    ],
  });
  return {
    entry: (name) => path.join(dir, 'dist', `${name}.js`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
