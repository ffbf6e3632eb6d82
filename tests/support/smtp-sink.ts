/**
 * An SMTP sink on 127.0.0.1 for tests and the demo: smtp-server accepts every message, parses it
 * with mailparser and keeps it, with its envelope and raw bytes. No TLS (STARTTLS is not
 * offered); AUTH only when credentials are given, then required. `failNext` scripts replies
 * such as 421 (try later) or 550 (refused) at a chosen stage of the SMTP dialogue.
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SinkOptions {
  /** Require AUTH PLAIN/LOGIN with these credentials (allowed without TLS, loopback only). */
  auth?: { user: string; pass: string };
}

export type FailStage = 'mail' | 'rcpt' | 'data';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
}

export interface SmtpSink {
  /** `smtp://[user:pass@]127.0.0.1:<port>` to give the sender. */
  readonly url: string;
  readonly port: number;
  /** Parsed messages, in the order they were accepted. */
  readonly messages: ParsedMail[];
  /** Envelope and raw bytes beside each parsed message. */
  readonly received: ReceivedMail[];
  /** Server-side errors (dropped connections and the like), for diagnosis. */
  readonly errors: Error[];
  /**
   * The next `times` transactions get `code` (e.g. 421, 550) at `stage` (default `mail`, i.e.
   * in answer to MAIL FROM) instead of being accepted.
   */
  failNext(code: number, times?: number, stage?: FailStage): void;
  close(): Promise<void>;
}

/** Starts a sink on an ephemeral loopback port; `close()` stops it. */
export async function startSmtpSink(opts: SinkOptions = {}): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const received: ReceivedMail[] = [];
  const failures: Array<{ code: number; stage: FailStage }> = [];
  const failure = (stage: FailStage): Error | null => {
    if (failures[0]?.stage !== stage) return null;
    const { code } = failures.shift() as { code: number };
    return Object.assign(
      new Error(code < 500 ? 'Try again later (scripted)' : 'Refused (scripted)'),
      {
        responseCode: code,
      },
    );
  };
  const server = new SMTPServer({
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const ok = auth.username === opts.auth?.user && auth.password === opts.auth?.pass;
      if (ok) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
    },
    onMailFrom(_address, _session, callback) {
      callback(failure('mail'));
    },
    onRcptTo(_address, _session, callback) {
      callback(failure('rcpt'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const scripted = failure('data');
        if (scripted) {
          callback(scripted);
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
            const to = session.envelope.rcptTo.map((r) => r.address);
            messages.push(parsed);
            received.push({ envelope: { from, to }, raw, parsed });
            callback(null);
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  // Kept rather than thrown: a client dropping mid-dialogue is what some tests provoke.
  const errors: Error[] = [];
  server.on('error', (error) => errors.push(error));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const credentials = opts.auth
    ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@`
    : '';
  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    port,
    messages,
    received,
    errors,
    failNext(code, times = 1, stage = 'mail') {
      for (let i = 0; i < times; i += 1) failures.push({ code, stage });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
