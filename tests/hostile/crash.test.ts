/**
 * Issue 10, "Deliveries": the real worker (`node --import tsx src/main.ts`) is killed with
 * SIGKILL between claiming a delivery and sending it, and between sending it and marking it
 * sent, then restarted. Every article must reach every destination exactly once, as counted by
 * the fake Discord and the SMTP sink.
 *
 * How the kill lands in the right window:
 * - "claimed, not sent": a gate in front of the fake Discord (or the SMTP sink's MAIL FROM)
 *   swallows the request and never answers; the outbox row is `sending` when the kill comes.
 * - "sent, not marked": the gate lets Discord create the message (the sink accepts the mail),
 *   then the test takes SQLite's write lock before the worker reads the answer, so its
 *   `confirmPart`/`markSent` waits on the lock; the kill comes while it waits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from '../support/fake-discord.ts';
import { rssFeed } from '../support/feed-builder.ts';
import { type FeedServer, startFeedServer } from '../support/feed-server.ts';
import {
  type DiscordGate,
  type GateMode,
  hdhStoryHtml,
  startDiscordGate,
  waitFor,
} from '../support/hostile.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const tsxLoader = pathToFileURL(path.join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;
const DIGEST_CHANNEL = '1300000000000000001';
const ALERT_CHANNEL = '1300000000000000002';
const RECIPIENTS = ['equipe@vigie.test', 'direction@vigie.test'];

// ---------------------------------------------------------------------------------------------
// An SMTP sink that can hold one transaction at MAIL FROM, or run a hook before its final 250.

interface HoldingSink {
  readonly url: string;
  readonly received: { to: string[]; parsed: ParsedMail }[];
  arm(mode: GateMode, onHeld?: () => void): { reached: Promise<void> };
  close(): Promise<void>;
}

async function startHoldingSink(): Promise<HoldingSink> {
  const received: HoldingSink['received'] = [];
  let armed: { mode: GateMode; onHeld: () => void; held: () => void } | null = null;
  const take = (mode: GateMode) => {
    if (armed?.mode !== mode) return null;
    const gate = armed;
    armed = null;
    return gate;
  };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onMailFrom(_address, _session, callback) {
      const gate = take('swallow');
      if (gate) gate.held();
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        simpleParser(Buffer.concat(chunks)).then((parsed) => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), parsed });
          const gate = take('after-send');
          gate?.onHeld();
          callback(null);
          gate?.held();
        }, callback);
      });
    },
  });
  server.on('error', () => {}); // a killed client drops its connection: expected here
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    arm(mode, onHeld = () => {}) {
      let held = () => {};
      const reached = new Promise<void>((resolve) => {
        held = resolve;
      });
      armed = { mode, onHeld, held };
      return { reached };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------------------------
// The worker as a child process, in its own root (settings with second-level crons).

interface WorkerProcess {
  child: ChildProcess;
  log: () => string;
  exit: Promise<number | null>;
}

function workerRoot(feedUrl: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'vigie-crash-'));
  mkdirSync(path.join(root, 'feeds'));
  for (const file of ['watchlist.yml', 'topics.yml', 'entities.yml'])
    symlinkSync(path.join(repoRoot, 'feeds', file), path.join(root, 'feeds', file));
  writeFileSync(
    path.join(root, 'feeds', 'settings.yml'),
    [
      'backfillDays: 30',
      'poll:',
      '  fetchArticles: false',
      'digest:',
      '  cron: "*/2 * * * * *"',
      'email:',
      '  cron: "*/2 * * * * *"',
      'alerts:',
      '  - name: Health Data Hub',
      '    terms: [health-data-hub]',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(root, 'sources.yml'),
    `feeds:\n  - name: Presse santé\n    url: ${feedUrl}\n`,
  );
  return root;
}

function startWorker(root: string, env: Record<string, string>): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['--import', tsxLoader, path.join(repoRoot, 'src/main.ts')],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        LOG_LEVEL: 'info',
        VIGIE_HTTP: '127.0.0.1:0',
        VIGIE_SOURCES: path.join(root, 'sources.yml'),
        VIGIE_DB: path.join(root, 'vigie.db'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stderr?.on('data', (chunk) => {
    log += chunk;
  });
  child.stdout?.on('data', (chunk) => {
    log += chunk;
  });
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, log: () => log, exit };
}

async function kill(worker: WorkerProcess): Promise<void> {
  worker.child.kill('SIGKILL');
  await worker.exit;
}

// ---------------------------------------------------------------------------------------------

interface OutboxState {
  kind: string;
  destination: string;
  status: string;
  partsSent: number;
}

function outbox(dbFile: string): OutboxState[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT kind, destination, status, parts_sent AS partsSent FROM outbox
         WHERE kind IN ('alert', 'digest', 'email') ORDER BY id`,
      )
      .all() as OutboxState[];
  } finally {
    db.close();
  }
}

/** Holds SQLite's write lock from this process until `release()`. */
function lockDatabase(dbFile: string): { release(): void } {
  const db = new Database(dbFile);
  db.pragma('busy_timeout = 5000');
  db.exec('BEGIN IMMEDIATE');
  return {
    release: () => {
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

const ARTICLES = [
  {
    slug: 'hdh-quitte-azure',
    title: 'Le Health Data Hub quitte Azure pour un cloud SecNumCloud',
    html: hdhStoryHtml('Le calendrier a été présenté lundi aux hébergeurs candidats.'),
    alert: true,
  },
  {
    slug: 'ugap-catalogue-cloud',
    title: 'L’UGAP ajoute trois offres de cloud à son catalogue',
    html: [
      'La centrale d’achat public l’UGAP référence trois offres d’hébergement pour les collectivités et les hôpitaux.',
      'Les acheteurs publics pourront commander sans publier leur propre appel d’offres, une économie de procédure que l’Union des groupements d’achats publics chiffre à plusieurs mois.',
      'Les offres couvrent le stockage, les machines virtuelles et la sauvegarde, avec des engagements de localisation des données en France.',
    ]
      .map((p) => `<p>${p}</p>`)
      .join('\n'),
    alert: false,
  },
  {
    slug: 'hdh-appel-offres',
    title: 'Plateforme des données de santé : l’appel d’offres est lancé',
    html: [
      'L’appel d’offres pour héberger la Plateforme des données de santé a été publié vendredi au bulletin officiel des annonces de marchés publics.',
      'Les candidats ont jusqu’au 15 mai pour déposer une offre ; seuls les prestataires qualifiés SecNumCloud seront retenus, précise le cahier des charges du Health Data Hub.',
      'Le marché porte sur quatre ans et couvre le calcul, le stockage chiffré et l’exploitation des environnements des chercheurs.',
    ]
      .map((p) => `<p>${p}</p>`)
      .join('\n'),
    alert: true,
  },
];

describe('the worker killed with SIGKILL mid-delivery, then restarted', () => {
  let feeds: FeedServer;
  let discord: FakeDiscord;
  let gate: DiscordGate;
  let sink: HoldingSink;
  let worker: WorkerProcess | null = null;
  const roots: string[] = [];
  let transmissions: number[] = [];

  beforeAll(async () => {
    feeds = await startFeedServer();
    const hourAgo = Date.now() - 3_600_000;
    feeds.set('/sante.xml', {
      contentType: 'application/rss+xml; charset=utf-8',
      body: rssFeed({
        title: 'Presse santé',
        link: feeds.origin,
        items: ARTICLES.map((article, i) => ({
          title: article.title,
          link: feeds.url(`/articles/${article.slug}`),
          guid: `sante-${article.slug}`,
          contentHtml: article.html,
          publishedAt: new Date(hourAgo - i * 60_000).toISOString(),
        })),
      }),
    });
  });

  // A fresh fake Discord per test: it remembers nonces, and each test's outbox ids start at 1.
  beforeEach(async () => {
    discord = await startFakeDiscord({ channelIds: [DIGEST_CHANNEL, ALERT_CHANNEL] });
    gate = await startDiscordGate(discord);
    sink = await startHoldingSink();
  });

  afterEach(async () => {
    if (worker && worker.child.exitCode === null && worker.child.signalCode === null)
      await kill(worker);
    worker = null;
    await sink.close();
    await gate.close();
    await discord.close();
  });

  afterAll(async () => {
    await feeds.close();
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  const env = () => ({
    DISCORD_TOKEN: discord.token,
    DISCORD_CHANNEL_ID: DIGEST_CHANNEL,
    DISCORD_ALERT_CHANNEL_ID: ALERT_CHANNEL,
    DISCORD_API_BASE: gate.apiBase,
    SMTP_URL: sink.url,
    MAIL_FROM: 'Vigie <vigie@vigie.test>',
    MAIL_TO: RECIPIENTS.join(','),
  });

  /** Restarts without any trap and waits until every delivery is sent. */
  async function finish(root: string): Promise<void> {
    const dbFile = path.join(root, 'vigie.db');
    worker = startWorker(root, env());
    await waitFor(
      () => {
        const rows = outbox(dbFile);
        return (
          rows.filter((row) => row.kind === 'email').length === RECIPIENTS.length &&
          rows.some((row) => row.kind === 'digest') &&
          rows.every((row) => row.status === 'sent')
        );
      },
      'every delivery sent after the restart',
      20_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${JSON.stringify(outbox(dbFile))}\n${worker?.log()}`);
    });
    // main.ts installs its SIGTERM handler only once the Discord login is done ("Vigie started").
    const started = worker;
    await waitFor(
      () => started.log().includes('Vigie started'),
      'the worker to finish starting',
      20_000,
    );
    worker.child.kill('SIGTERM');
    expect(await worker.exit).toBe(0);
  }

  /** Each article, per destination, in how many messages it appears. */
  function announcements(channel: string, marker: string): number {
    return (discord.messages.get(channel) ?? []).filter((message) =>
      JSON.stringify(message.body).includes(marker),
    ).length;
  }
  function emailsTo(recipient: string, marker: string): ParsedMail[] {
    return sink.received
      .filter((mail) => mail.to.includes(recipient) && `${mail.parsed.html}`.includes(marker))
      .map((mail) => mail.parsed);
  }

  function expectExactlyOnce(): void {
    for (const article of ARTICLES) {
      const marker = `/articles/${article.slug}`;
      expect(announcements(DIGEST_CHANNEL, marker), `${article.slug} in the digest`).toBe(1);
      expect(announcements(ALERT_CHANNEL, marker), `${article.slug} alerts`).toBe(
        article.alert ? 1 : 0,
      );
      for (const recipient of RECIPIENTS) {
        const ids = new Set(emailsTo(recipient, marker).map((mail) => mail.messageId));
        expect(ids.size, `${article.slug} emails to ${recipient}`).toBe(1);
      }
    }
  }

  it('killed between claiming and sending: each article once per destination after restart', async () => {
    const root = workerRoot(feeds.url('/sante.xml'));
    roots.push(root);
    const dbFile = path.join(root, 'vigie.db');

    // 1. The first Discord post is swallowed: the alert is claimed, nothing reaches Discord.
    const discordHeld = gate.arm('swallow');
    worker = startWorker(root, env());
    await discordHeld.reached;
    expect(outbox(dbFile).some((row) => row.kind === 'alert' && row.status === 'sending')).toBe(
      true,
    );
    await kill(worker);

    // 2. Discord works again; the first email is held at MAIL FROM, then the worker dies.
    const smtpHeld = sink.arm('swallow');
    worker = startWorker(root, env());
    await smtpHeld.reached;
    expect(outbox(dbFile).some((row) => row.kind === 'email' && row.status === 'sending')).toBe(
      true,
    );
    await kill(worker);
    expect(sink.received).toHaveLength(0);

    // 3. Nothing in the way.
    await finish(root);
    expectExactlyOnce();
    expect(sink.received).toHaveLength(RECIPIENTS.length);
  }, 60_000);

  it('killed between sending and marking: Discord dedupes by nonce, mail keeps one Message-ID', async () => {
    const root = workerRoot(feeds.url('/sante.xml'));
    roots.push(root);
    const dbFile = path.join(root, 'vigie.db');

    // 1. Discord creates the alert; the worker cannot record it (the test holds the write lock).
    let lock: { release(): void } | null = null;
    const discordSent = gate.arm('after-send', () => {
      lock = lockDatabase(dbFile);
    });
    worker = startWorker(root, env());
    await discordSent.reached;
    await new Promise((resolve) => setTimeout(resolve, 300));
    await kill(worker);
    (lock as { release(): void } | null)?.release();
    expect(discord.messages.get(ALERT_CHANNEL)).toHaveLength(1);
    expect(outbox(dbFile)).toContainEqual(
      expect.objectContaining({ kind: 'alert', status: 'sending', partsSent: 0 }),
    );

    // 2. The relay accepts the first email; the worker cannot mark it sent.
    lock = null;
    const smtpSent = sink.arm('after-send', () => {
      lock = lockDatabase(dbFile);
    });
    worker = startWorker(root, env());
    await smtpSent.reached;
    await new Promise((resolve) => setTimeout(resolve, 300));
    await kill(worker);
    (lock as { release(): void } | null)?.release();
    expect(sink.received).toHaveLength(1);
    expect(outbox(dbFile)).toContainEqual(
      expect.objectContaining({ kind: 'email', status: 'sending' }),
    );

    // 3. Nothing in the way.
    await finish(root);
    expectExactlyOnce();
    expect(discord.messages.get(ALERT_CHANNEL)).toHaveLength(2);
    transmissions = RECIPIENTS.map(
      (recipient) => sink.received.filter((mail) => mail.to.includes(recipient)).length,
    );
  }, 60_000);

  // BUG (design limit, src/deliver/dispatch.ts dispatchDue → deliverEmail): SMTP has no nonce, so
  // a kill after the relay's 250 and before markSent resends the daily email on restart. The
  // Message-ID is stable (receivers can fold the copies, checked above), but the relay gets the
  // message twice. Depends on the previous test, which records the counts.
  it.fails('the relay receives each daily email once even when killed between its 250 and the mark', () => {
    expect(transmissions).toEqual(RECIPIENTS.map(() => 1));
  });
});
