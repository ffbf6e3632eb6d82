/**
 * What the daily email is made of: the digest view plus the day reported and the per-term
 * counts the header compares with last week. Plain data; rendering and sending live beside it.
 */
import type { TermId } from '../../analyze/types.ts';
import type { DigestView } from '../types.ts';

export interface TermCount {
  id: TermId;
  /** Articles matching the term in this email's window. */
  count: number;
  /** Articles matching it in the same window one week earlier. */
  previousWeek: number;
}

export interface EmailView extends DigestView {
  /** The day reported, `YYYY-MM-DD`, a calendar day in the reports' time zone. */
  date: string;
  termCounts: TermCount[];
}

export interface RenderedEmail {
  /** One line, no control characters: safe to put in a header as is. */
  subject: string;
  text: string;
  html: string;
}

/** One message as the SMTP sender and the .eml writer take it. */
export interface OutgoingEmail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** `<id@domain>`; when absent the transport makes one up. */
  messageId?: string;
  /** Inline images the HTML part shows through `cid:` (the Monday chart). */
  attachments?: EmailAttachment[];
}

/** An inline attachment as nodemailer takes it (`content` is base64). */
export interface EmailAttachment {
  filename: string;
  content: string;
  encoding: 'base64';
  contentType: string;
  cid: string;
}
