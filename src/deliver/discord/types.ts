/**
 * Shapes exchanged between the Discord renderer, the senders and the outbox. A `DiscordMessage`
 * is plain JSON in Discord's API shape (embeds as the REST API takes them) plus
 * `allowedMentions`, which senders translate to the API's `allowed_mentions`.
 */

export interface EmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

export interface Embed {
  title?: string;
  url?: string;
  description?: string;
  fields?: EmbedField[];
  footer?: { text: string };
  author?: { name: string; url?: string };
  color?: number;
  /** ISO instant shown by Discord in the reader's time zone. */
  timestamp?: string;
}

export interface DiscordMessage {
  content?: string;
  embeds?: Embed[];
  /** Always empty: text from feeds must never ping anyone. */
  allowedMentions: { parse: [] };
}

export interface SendOptions {
  /**
   * Idempotency key of the delivery (the outbox row). Bots send it as Discord's `nonce` with
   * `enforce_nonce: true`; webhooks cannot (Discord has no nonce there) and ignore it.
   */
  nonce: string;
}

export interface SendResult {
  /** Id of the posted message, or null when the transport gives none. */
  messageId: string | null;
}

/**
 * Posts one rendered message. Rejects with a `DeliveryError` (from `../errors.ts`): `permanent`
 * ones must not be retried, transient ones may carry `retryAfterMs`.
 */
export interface DiscordSender {
  send(channelId: string | null, message: DiscordMessage, opts: SendOptions): Promise<SendResult>;
  close(): Promise<void>;
}
