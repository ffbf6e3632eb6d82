/**
 * Issue 10, "Deliveries": the real worker (src/main.ts as a child process, compiled ahead by
 * `compileVigie` rather than through the tsx loader at each start) is killed with SIGKILL
 * between claiming a delivery and sending it, and between sending it and marking it sent, then
 * restarted. Every article must reach every destination exactly once, as counted by the fake
 * Discord and the SMTP sink. The two scenarios run side by side, each on its own rig.
 *
 * How the kill lands in the right window:
 * - "claimed, not sent": a gate in front of the fake Discord (or the SMTP sink's MAIL FROM)
 *   swallows the request and never answers; the outbox row is `sending` when the kill comes.
 * - "sent, not marked": the gate lets Discord create the message (the sink accepts the mail),
 *   then the test takes SQLite's write lock before the worker reads the answer, so its
 *   `confirmPart`/`markSent` waits on the lock; the kill comes once it is seen waiting.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, type ExpectStatic, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from '../support/fake-discord.ts';
import { rssFeed } from '../support/feed-builder.ts';
import { type FeedServer, startFeedServer } from '../support/feed-server.ts';
import {
  type CompiledVigie,
  compileVigie,
  createTrap,
  type DiscordGate,
  type GateMode,
  hdhStoryHtml,
  startDiscordGate,
  waitFor,
} from '../support/hostile.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
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
  const trap = createTrap<() => void>();
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onMailFrom(_address, _session, callback) {
      const gate = trap.take('swallow');
      if (gate) gate.held();
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        simpleParser(Buffer.concat(chunks)).then((parsed) => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), parsed });
          const gate = trap.take('after-send');
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
    arm: (mode, onHeld = () => {}) => trap.arm(mode, onHeld),
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
      // Every second: a phase waits at most about a second for the next digest or email run.
      'digest:',
      '  cron: "* * * * * *"',
      'email:',
      '  cron: "* * * * * *"',
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

function startWorker(main: string, root: string, env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [main], {
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
  });
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

const alive = (worker: WorkerProcess | null): worker is WorkerProcess =>
  worker !== null && worker.child.exitCode === null && worker.child.signalCode === null;

/**
 * Resolves once the worker's main thread sleeps in SQLite's busy handler, i.e. it is waiting for
 * the write lock the test holds: on Linux its `wchan` is then `hrtimer_nanosleep` (an idle event
 * loop waits in `epoll_wait` instead). Where /proc is missing, gives it 300 ms.
 */
async function blockedOnWriteLock(worker: WorkerProcess): Promise<void> {
  const wchan = `/proc/${worker.child.pid}/wchan`;
  if (!existsSync(wchan)) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return;
  }
  await waitFor(
    () => readFileSync(wchan, 'utf8').includes('nanosleep'),
    'the worker to wait for the write lock',
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${worker.log()}`);
  });
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

// ---------------------------------------------------------------------------------------------
// One rig per test: its own fake Discord (it remembers nonces), gate, SMTP sink and worker root,
// so the two crash scenarios share nothing but the (read-only) feed server and run side by side.

interface Rig {
  readonly dbFile: string;
  readonly discord: FakeDiscord;
  readonly gate: DiscordGate;
  readonly sink: HoldingSink;
  /** Starts the worker on this rig's root (the previous one must be dead). */
  start(): WorkerProcess;
  /** Restarts without any trap and waits until every delivery is sent, then stops cleanly. */
  finish(expect: ExpectStatic): Promise<void>;
  /** In how many messages to `channel` the article at `marker` appears. */
  announcements(channel: string, marker: string): number;
  /** The distinct Message-IDs of the emails to `recipient` showing the article at `marker`. */
  emailIds(recipient: string, marker: string): Set<string | undefined>;
  /** Transmissions of the daily email to each of RECIPIENTS, as the relay saw them. */
  transmissions(): number[];
  close(): Promise<void>;
}

async function startRig(main: string, feedUrl: string): Promise<Rig> {
  const root = workerRoot(feedUrl);
  const dbFile = path.join(root, 'vigie.db');
  const discord = await startFakeDiscord({ channelIds: [DIGEST_CHANNEL, ALERT_CHANNEL] });
  const gate = await startDiscordGate(discord);
  const sink = await startHoldingSink();
  const env = {
    DISCORD_TOKEN: discord.token,
    DISCORD_CHANNEL_ID: DIGEST_CHANNEL,
    DISCORD_ALERT_CHANNEL_ID: ALERT_CHANNEL,
    DISCORD_API_BASE: gate.apiBase,
    SMTP_URL: sink.url,
    MAIL_FROM: 'Vigie <vigie@vigie.test>',
    MAIL_TO: RECIPIENTS.join(','),
  };
  let worker: WorkerProcess | null = null;
  const rig: Rig = {
    dbFile,
    discord,
    gate,
    sink,
    start() {
      if (alive(worker)) throw new Error('the previous worker is still running');
      worker = startWorker(main, root, env);
      return worker;
    },
    async finish(expect) {
      const current = rig.start();
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
        throw new Error(`${error.message}\n${JSON.stringify(outbox(dbFile))}\n${current.log()}`);
      });
      // main.ts handles SIGTERM from before the Discord login: a clean stop at any point.
      current.child.kill('SIGTERM');
      expect(await current.exit, current.log()).toBe(0);
    },
    announcements: (channel, marker) =>
      (discord.messages.get(channel) ?? []).filter((message) =>
        JSON.stringify(message.body).includes(marker),
      ).length,
    emailIds: (recipient, marker) =>
      new Set(
        sink.received
          .filter((mail) => mail.to.includes(recipient) && `${mail.parsed.html}`.includes(marker))
          .map((mail) => mail.parsed.messageId),
      ),
    transmissions: () =>
      RECIPIENTS.map(
        (recipient) => sink.received.filter((mail) => mail.to.includes(recipient)).length,
      ),
    async close() {
      if (alive(worker)) await kill(worker);
      await sink.close();
      await gate.close();
      await discord.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return rig;
}

function expectExactlyOnce(rig: Rig, expect: ExpectStatic): void {
  for (const article of ARTICLES) {
    const marker = `/articles/${article.slug}`;
    expect(rig.announcements(DIGEST_CHANNEL, marker), `${article.slug} in the digest`).toBe(1);
    expect(rig.announcements(ALERT_CHANNEL, marker), `${article.slug} alerts`).toBe(
      article.alert ? 1 : 0,
    );
    for (const recipient of RECIPIENTS)
      expect(rig.emailIds(recipient, marker).size, `${article.slug} emails to ${recipient}`).toBe(
        1,
      );
  }
}

describe('the worker killed with SIGKILL mid-delivery, then restarted', () => {
  let feeds: FeedServer;
  let vigie: CompiledVigie;
  /** Daily-email transmissions per recipient in the "sent, not marked" case; null until known. */
  let transmissions: number[] | null = null;

  beforeAll(async () => {
    vigie = await compileVigie();
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

  afterAll(async () => {
    await feeds?.close();
    vigie?.remove();
  });

  it.concurrent('killed between claiming and sending: each article once per destination after restart', async ({
    expect,
    onTestFinished,
  }) => {
    const rig = await startRig(vigie.entry('main'), feeds.url('/sante.xml'));
    onTestFinished(() => rig.close());

    // 1. The first Discord post is swallowed: the alert is claimed, nothing reaches Discord.
    const discordHeld = rig.gate.arm('swallow');
    let worker = rig.start();
    await discordHeld.reached;
    expect(outbox(rig.dbFile).some((row) => row.kind === 'alert' && row.status === 'sending')).toBe(
      true,
    );
    await kill(worker);

    // 2. Discord works again; the first email is held at MAIL FROM, then the worker dies.
    const smtpHeld = rig.sink.arm('swallow');
    worker = rig.start();
    await smtpHeld.reached;
    expect(outbox(rig.dbFile).some((row) => row.kind === 'email' && row.status === 'sending')).toBe(
      true,
    );
    await kill(worker);
    expect(rig.sink.received).toHaveLength(0);

    // 3. Nothing in the way.
    await rig.finish(expect);
    expectExactlyOnce(rig, expect);
    expect(rig.sink.received).toHaveLength(RECIPIENTS.length);
  }, 60_000);

  it.concurrent('killed between sending and marking: Discord dedupes by nonce, mail keeps one Message-ID', async ({
    expect,
    onTestFinished,
  }) => {
    const rig = await startRig(vigie.entry('main'), feeds.url('/sante.xml'));
    onTestFinished(() => rig.close());
    let lock: { release(): void } | null = null;
    onTestFinished(() => lock?.release());

    // 1. Discord creates the alert; the worker cannot record it (the test holds the write lock).
    const discordSent = rig.gate.arm('after-send', () => {
      lock = lockDatabase(rig.dbFile);
    });
    let worker = rig.start();
    await discordSent.reached;
    await blockedOnWriteLock(worker);
    await kill(worker);
    (lock as { release(): void } | null)?.release();
    lock = null;
    expect(rig.discord.messages.get(ALERT_CHANNEL)).toHaveLength(1);
    expect(outbox(rig.dbFile)).toContainEqual(
      expect.objectContaining({ kind: 'alert', status: 'sending', partsSent: 0 }),
    );

    // 2. The relay accepts the first email (its 250 goes out); the worker cannot mark it sent.
    const smtpSent = rig.sink.arm('after-send', () => {
      lock = lockDatabase(rig.dbFile);
    });
    worker = rig.start();
    await smtpSent.reached;
    await blockedOnWriteLock(worker);
    await kill(worker);
    (lock as { release(): void } | null)?.release();
    lock = null;
    expect(rig.sink.received).toHaveLength(1);
    expect(outbox(rig.dbFile)).toContainEqual(
      expect.objectContaining({ kind: 'email', status: 'sending' }),
    );

    // 3. Nothing in the way.
    await rig.finish(expect);
    expectExactlyOnce(rig, expect);
    expect(rig.discord.messages.get(ALERT_CHANNEL)).toHaveLength(2);
    transmissions = rig.transmissions();
  }, 60_000);

  // KNOWN DOUBLE: a limit of SMTP, kept failing on purpose (not a bug left in dispatch.ts).
  // The window: the relay has answered 250 to the end of DATA, which makes the message its
  // responsibility (RFC 5321 §6.1), and the worker dies before dispatchDue's markSent commits.
  // nodemailer resolves on that 250 without waiting for QUIT, so in the field the window is the
  // moment between that reply and the SQLite commit; the test widens it by holding the write
  // lock. On restart recoverInFlight turns the `sending` row back to `pending` and the stored
  // payload is sent again in a second SMTP transaction: the relay, and that one recipient, get
  // the daily email twice (here [2, 1] transmissions for the two recipients). Both copies carry
  // the same Message-ID (dailyMessageId: the day and the recipients; checked above, one id per
  // recipient), so mail stores and clients that fold duplicates by Message-ID (Gmail does) keep
  // one; others show two identical emails. Nothing on the sending side can close the window
  // (RFC 1047 describes the same race from the relay's side): SMTP has no idempotency key and no
  // way to ask a relay whether it already took a message, and marking the row sent before the
  // final "." would trade this double for a possible loss, which the issue forbids. The Discord
  // bot has no such window: with `enforce_nonce`, Discord returns the message it already made.
  //
  // `it.fails` stays green only while the double is really counted: without the counts of the
  // case above (it failed or did not run) this returns normally, which `it.fails` reports as a
  // failure.
  it.fails('the relay receives each daily email once even when killed between its 250 and the mark', () => {
    if (transmissions === null) return;
    expect(transmissions).toEqual(RECIPIENTS.map(() => 1));
  });
});
