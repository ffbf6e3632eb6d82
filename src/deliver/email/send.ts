/**
 * Getting a rendered email out: over SMTP with nodemailer, or, without SMTP, into an .eml file
 * a mail client opens. Both build the message from the same mail options, so the file is what
 * the relay would have received.
 *
 * SMTP failures become `DeliveryError`s the outbox can act on: RFC 5321 makes 4yz replies
 * transient and 5yz permanent, except 503 (bad sequence of commands), which says the session was
 * in the wrong state rather than that the message was refused (nodemailer draws the same line).
 * Errors without a reply (refused connection, timeout, reset) are transient; bad credentials,
 * TLS and configuration errors are permanent, since retrying them only annoys the relay. The
 * SMTP URL's password never appears in an error message.
 *
 * Error codes: SMTP_DEFERRED (4xx, 503), SMTP_REJECTED (other 5xx), SMTP_AUTH_FAILED,
 * SMTP_TLS_FAILED, SMTP_BAD_CONFIG (permanent), SMTP_UNREACHABLE (no reply: transient),
 * EMAIL_NO_RECIPIENT / EMAIL_BAD_ADDRESS / EMAIL_BAD_MESSAGE_ID (permanent, nothing sent),
 * EML_BAD_DATE, EML_WRITE_FAILED.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type NodemailerError, type SendMailOptions } from 'nodemailer';
import { DeliveryError } from '../errors.ts';
import { headerValue, isMessageId, isPlainAddress } from './header.ts';
import type { OutgoingEmail } from './types.ts';

/** Where and as whom to send: `SMTP_URL` and `MAIL_FROM` from the Config, plus timeouts. */
export interface SmtpSenderOptions {
  /** `smtp://[user:pass@]host[:port]` or `smtps://…` (implicit TLS); query options as nodemailer's. */
  url: string;
  /** `vigie@example.org` or `Vigie <vigie@example.org>`. */
  from: string;
  /** Time allowed to connect and to get the greeting; default 10 s. */
  connectTimeoutMs?: number;
  /** Inactivity allowed once connected; default 30 s. */
  socketTimeoutMs?: number;
}

/** What the relay said about an accepted message. */
export interface SendResult {
  messageId: string;
  /** Recipients the relay refused while accepting others (the message went to the rest). */
  rejected: string[];
}

/** Sends one message per call over one SMTP relay. */
export interface SmtpSender {
  /** Rejects with a `DeliveryError` (see the module comment for permanent vs transient). */
  send(message: OutgoingEmail): Promise<SendResult>;
  close(): Promise<void>;
}

/** A message as the .eml writer takes it: the sender's address travels with it. */
export interface EmlMessage extends OutgoingEmail {
  from: string;
  /** The Date header; default the time of writing. */
  sentAt?: Date;
}

// nodemailer error codes that no retry will fix, and what we call them.
const PERMANENT_CODES: Record<string, string> = {
  EAUTH: 'SMTP_AUTH_FAILED',
  ENOAUTH: 'SMTP_AUTH_FAILED',
  EOAUTH2: 'SMTP_AUTH_FAILED',
  ECONFIG: 'SMTP_BAD_CONFIG',
  ETLS: 'SMTP_TLS_FAILED',
  EREQUIRETLS: 'SMTP_TLS_FAILED',
};
// RFC 3834: marks the message as automatic so vacation responders stay quiet.
const AUTO_HEADERS = { 'Auto-Submitted': 'auto-generated' };

/**
 * An SMTP sender for `opts.url`. Throws a permanent `DeliveryError` (`SMTP_BAD_CONFIG`) when
 * the URL is not smtp(s) or `from` is not one plain address; connects lazily, on `send`.
 */
export function createSmtpSender(opts: SmtpSenderOptions): SmtpSender {
  const relay = relayName(opts.url);
  const from = senderAddress(opts.from, `SMTP relay ${relay}`);
  const transport = nodemailer.createTransport({
    url: opts.url,
    connectionTimeout: opts.connectTimeoutMs ?? 10_000,
    greetingTimeout: opts.connectTimeoutMs ?? 10_000,
    socketTimeout: opts.socketTimeoutMs ?? 30_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(message) {
      const options = mailOptions(from, message, `SMTP relay ${relay}`);
      try {
        const info = await transport.sendMail(options);
        return { messageId: info.messageId, rejected: info.rejected.map(String) };
      } catch (error) {
        throw smtpError(error as NodemailerError, relay, message.to);
      }
    },
    async close() {
      transport.close();
    },
  };
}

/**
 * The Message-ID of the daily email of `date` (`YYYY-MM-DD`) to `to`: the same day and
 * recipient set (order, case and duplicates ignored) always give the same id, so a resend after
 * a crash is recognisable by the receiving clients. Pure.
 */
export function dailyMessageId(date: string, to: string[]): string {
  const recipients = [...new Set(to.map((a) => a.trim().toLowerCase()))].sort().join('\n');
  const hash = createHash('sha256').update(recipients).digest('hex').slice(0, 16);
  return `<vigie-${headerValue(date).replace(/[^0-9-]/g, '')}-${hash}@vigie.local>`;
}

/**
 * Writes `message` as `<dir>/<date>.eml`, an RFC 5322 message (CRLF line ends, MIME
 * multipart/alternative with text and HTML) that mail clients open, and returns its path. The
 * file is written beside its final name and renamed, so a reader never sees half a message;
 * writing the same day again replaces it. Rejects with a `DeliveryError`: permanent for a
 * `date` that is not `YYYY-MM-DD`, a bad address, or a folder it may not write; transient for
 * other file-system errors (a full disk may clear).
 */
export async function writeEml(dir: string, date: string, message: EmlMessage): Promise<string> {
  const target = path.join(dir, `${date}.eml`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new DeliveryError(`eml ${JSON.stringify(date)}: the date must be YYYY-MM-DD`, {
      code: 'EML_BAD_DATE',
      permanent: true,
    });
  }
  const from = senderAddress(message.from, `eml ${target}`);
  const composer = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
  });
  const options = {
    ...mailOptions(from, message, `eml ${target}`),
    ...(message.sentAt ? { date: message.sentAt } : {}),
  };
  const temporary = path.join(dir, `.${date}.eml.${process.pid}.${randomBytes(4).toString('hex')}`);
  let folderReady = false;
  try {
    const info = await composer.sendMail(options);
    await mkdir(dir, { recursive: true });
    folderReady = true;
    await writeFile(temporary, info.message as Buffer, { flag: 'wx' });
    await rename(temporary, target);
    return target;
  } catch (error) {
    // Only once the folder exists: removing a file under a path that is not a folder would
    // throw ENOTDIR and hide the error that matters.
    if (folderReady) await rm(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new DeliveryError(`eml ${target}: ${(error as Error).message}`, {
      code: 'EML_WRITE_FAILED',
      permanent: ['EACCES', 'EPERM', 'EROFS', 'ENOTDIR'].includes(code),
      cause: error,
    });
  }
}

/** nodemailer's options for `message`, after checking everything that becomes a header. */
function mailOptions(
  from: SendMailOptions['from'],
  message: OutgoingEmail,
  subject: string,
): SendMailOptions {
  if (message.to.length === 0) {
    throw new DeliveryError(`${subject}: no recipient`, {
      code: 'EMAIL_NO_RECIPIENT',
      permanent: true,
    });
  }
  const bad = message.to.find((address) => !isPlainAddress(address));
  if (bad !== undefined) {
    throw new DeliveryError(`${subject}: not a plain address: ${JSON.stringify(bad)}`, {
      code: 'EMAIL_BAD_ADDRESS',
      permanent: true,
    });
  }
  if (message.messageId !== undefined && !isMessageId(message.messageId)) {
    throw new DeliveryError(`${subject}: not a Message-ID: ${JSON.stringify(message.messageId)}`, {
      code: 'EMAIL_BAD_MESSAGE_ID',
      permanent: true,
    });
  }
  return {
    from,
    to: message.to,
    subject: headerValue(message.subject),
    text: message.text,
    html: message.html,
    headers: AUTO_HEADERS,
    ...(message.messageId ? { messageId: message.messageId } : {}),
    ...(message.attachments?.length
      ? {
          attachments: message.attachments.map((attachment) => ({
            ...attachment,
            filename: headerValue(attachment.filename),
            cid: headerValue(attachment.cid),
            contentType: headerValue(attachment.contentType),
          })),
        }
      : {}),
  };
}

/** `Vigie <vigie@example.org>` or `vigie@example.org` as nodemailer's address object. */
function senderAddress(from: string, subject: string): { name: string; address: string } {
  const match = /^\s*(?:(.*?)\s*<([^<>]*)>|([^<>]*))\s*$/s.exec(from);
  const address = (match?.[2] ?? match?.[3] ?? '').trim();
  if (!isPlainAddress(address)) {
    throw new DeliveryError(`${subject}: MAIL_FROM is not an address: ${JSON.stringify(from)}`, {
      code: 'SMTP_BAD_CONFIG',
      permanent: true,
    });
  }
  return { name: headerValue((match?.[1] ?? '').replace(/^"|"$/g, '')), address };
}

/** `host:port` of an smtp(s) URL, without credentials; throws when it is not one. */
function relayName(url: string): string {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new DeliveryError('SMTP_URL is not a URL', {
      code: 'SMTP_BAD_CONFIG',
      permanent: true,
      cause: error,
    });
  }
  if ((parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') || !parsed.hostname) {
    throw new DeliveryError(
      `SMTP_URL must be smtp://host or smtps://host, got ${parsed.protocol}`,
      {
        code: 'SMTP_BAD_CONFIG',
        permanent: true,
      },
    );
  }
  const port = parsed.port || (parsed.protocol === 'smtps:' ? '465' : '587');
  return `${parsed.protocol}//${parsed.hostname}:${port}`;
}

/**
 * A nodemailer failure as a `DeliveryError` naming the relay and the recipients: a reply code
 * decides when there is one, nodemailer's error code otherwise.
 */
function smtpError(error: NodemailerError, relay: string, to: string[]): DeliveryError {
  const what = `SMTP relay ${relay} (to ${to.join(', ')})`;
  const known = PERMANENT_CODES[error?.code ?? ''];
  const reply = error?.responseCode;
  if (reply !== undefined && reply >= 400) {
    const permanent = reply >= 500 && reply !== 503;
    const text = headerValue(error.response ?? error.message);
    return new DeliveryError(`${what}: ${error.command ?? 'reply'} → ${text}`, {
      code: permanent ? (known ?? 'SMTP_REJECTED') : 'SMTP_DEFERRED',
      permanent,
      cause: error,
    });
  }
  const detail = headerValue(String(error?.message ?? error));
  return new DeliveryError(`${what}: ${error?.code ?? 'error'}: ${detail}`, {
    code: known ?? 'SMTP_UNREACHABLE',
    permanent: known !== undefined,
    cause: error,
  });
}
