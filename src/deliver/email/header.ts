/**
 * Keeping feed text out of mail headers' syntax. A CR or LF in a header value would end the
 * header and let the rest forge new ones (`Bcc:`), so everything header-bound goes through here.
 * Pure string functions.
 */
import { oneLine } from '../discord/text.ts';

// RFC 5322 §2.1.1: a line must not exceed 998 characters; nodemailer folds encoded words, but a
// subject that long is a bug upstream, so it is cut well before.
const HEADER_MAX = 300;

/**
 * `text` as one header line: control characters (CR, LF, TAB, NUL, C1), line/paragraph
 * separators and bidi overrides replaced by spaces, whitespace collapsed, trimmed, cut at 300
 * characters with "…". Pure.
 */
export function headerValue(text: string): string {
  const line = oneLine(text);
  return line.length <= HEADER_MAX ? line : `${line.slice(0, HEADER_MAX - 1).trimEnd()}…`;
}

// Deliberately narrower than RFC 5322: one mailbox, no comments, no quoted local part, no
// whitespace or control characters, so nothing in it can reach another header.
const ADDRESS = /^[^\s@<>()[\]\\,;:"\p{Cc}]+@[^\s@<>()[\]\\,;:"\p{Cc}]+$/u;
const MESSAGE_ID = /^<[^\s@<>\p{Cc}]+@[^\s@<>\p{Cc}]+>$/u;

/** Whether `address` is one plain mailbox (`team@example.org`), safe for envelope and header. Pure. */
export function isPlainAddress(address: string): boolean {
  return ADDRESS.test(address);
}

/** Whether `id` is a Message-ID of the form `<left@right>` without spaces or controls. Pure. */
export function isMessageId(id: string): boolean {
  return MESSAGE_ID.test(id);
}
