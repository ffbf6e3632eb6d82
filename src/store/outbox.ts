/**
 * The outbox: every delivery is a row before it is a message.
 *
 * Life of a row: `pending` → claimed (`sending`, attempts + 1) → each part confirmed
 * (`parts_sent`, message id kept) → `sent`; or back to `pending` with `next_attempt_at` on a
 * transient failure, or `failed` on a permanent one. Item rows (`digest-item`, `email-item`)
 * become `included` when a digest or daily email that carries them is queued, in the same
 * transaction. After a crash, `sending` rows return to `pending` and resume at the first
 * unconfirmed part; Discord's `enforce_nonce` covers the window between a send and its mark.
 */
import { type Db, statement, transaction } from './db.ts';

export type ItemKind = 'digest-item' | 'email-item';
export type DeliveryKind = 'digest' | 'email' | 'alert';

export interface OutboxRow {
  id: number;
  kind: DeliveryKind;
  destination: string;
  articleId: number | null;
  payload: string | null;
  attempts: number;
  partsSent: number;
  messageIds: string[];
}

/** Article ids waiting for the next digest or daily email, oldest first. */
export function pendingItems(db: Db, kind: ItemKind): { id: number; articleId: number }[] {
  return statement(
    db,
    `SELECT id, article_id AS articleId FROM outbox
       WHERE kind = ? AND status = 'pending' AND article_id IS NOT NULL ORDER BY id`,
  ).all(kind) as { id: number; articleId: number }[];
}

export interface NewBatch {
  kind: 'digest' | 'email';
  destination: string;
  /** Unique per logical delivery, e.g. `email:2026-11-23:team@example.org`. */
  dedupKey: string;
  payload: unknown;
  itemIds: readonly number[];
  now: string;
}

/**
 * Queues a digest or email that carries `itemIds`, marking them included, in one transaction.
 * Returns the batch row id, or null when a batch with this dedup key already exists.
 */
export function queueBatch(db: Db, batch: NewBatch): number | null {
  return transaction(db, () => {
    const inserted = statement(
      db,
      `INSERT OR IGNORE INTO outbox (kind, destination, dedup_key, payload, created_at)
         VALUES (?, ?, ?, ?, ?)`,
    ).run(batch.kind, batch.destination, batch.dedupKey, JSON.stringify(batch.payload), batch.now);
    if (inserted.changes === 0) return null;
    const batchId = Number(inserted.lastInsertRowid);
    const include = statement(
      db,
      `UPDATE outbox SET status = 'included', parent_id = ? WHERE id = ? AND status = 'pending'`,
    );
    for (const id of batch.itemIds) include.run(batchId, id);
    return batchId;
  });
}

/** Marks item rows included without a batch (e.g. nothing to send today but the day is done). */
export function markItemsIncluded(db: Db, itemIds: readonly number[]): void {
  const include = statement(
    db,
    `UPDATE outbox SET status = 'included' WHERE id = ? AND status = 'pending'`,
  );
  transaction(db, () => {
    for (const id of itemIds) include.run(id);
  });
}

/** Sets the payload of an alert row (rendered when first claimed). */
export function setPayload(db: Db, id: number, payload: unknown): void {
  statement(db, 'UPDATE outbox SET payload = ? WHERE id = ?').run(JSON.stringify(payload), id);
}

/** Claims due deliveries of `kinds`: they become `sending` with one more attempt. */
export function claimDue(
  db: Db,
  kinds: readonly DeliveryKind[],
  now: string,
  limit = 50,
): OutboxRow[] {
  return transaction(db, () => {
    const rows = statement(
      db,
      `SELECT id, kind, destination, article_id AS articleId, payload, attempts,
           parts_sent AS partsSent, message_ids AS messageIds
         FROM outbox WHERE status = 'pending' AND kind IN (SELECT value FROM json_each(?))
           AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
         ORDER BY id LIMIT ?`,
    ).all(JSON.stringify(kinds), now, limit) as (Omit<OutboxRow, 'messageIds'> & {
      messageIds: string;
    })[];
    const claim = statement(
      db,
      `UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ?`,
    );
    return rows.map((row) => {
      claim.run(row.id);
      return { ...row, attempts: row.attempts + 1, messageIds: JSON.parse(row.messageIds) };
    });
  });
}

/** Confirms one part of a delivery (a message of a split digest) with its message id. */
export function confirmPart(db: Db, id: number, messageId: string | null): void {
  statement(
    db,
    `UPDATE outbox SET parts_sent = parts_sent + 1,
       message_ids = json_insert(message_ids, '$[#]', ?) WHERE id = ?`,
  ).run(messageId, id);
}

export function markSent(db: Db, id: number, now: string): void {
  statement(
    db,
    `UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL, next_attempt_at = NULL WHERE id = ?`,
  ).run(now, id);
}

export function markRetry(db: Db, id: number, error: string, nextAttemptAt: string): void {
  statement(
    db,
    `UPDATE outbox SET status = 'pending', last_error = ?, next_attempt_at = ? WHERE id = ?`,
  ).run(error, nextAttemptAt, id);
}

export function markFailed(db: Db, id: number, error: string): void {
  statement(db, `UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ?`).run(error, id);
}

/** After a crash or restart: deliveries left `sending` go back to `pending`. Returns how many. */
export function recoverInFlight(db: Db): number {
  return statement(db, `UPDATE outbox SET status = 'pending' WHERE status = 'sending'`).run()
    .changes;
}

export interface OutboxStats {
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  waitingForDigest: number;
  waitingForEmail: number;
  lastFailures: { id: number; kind: string; destination: string; error: string | null }[];
}

/** Counts by status for `/stats`, `vigie stats` and metrics. */
export function outboxStats(db: Db): OutboxStats {
  const count = (where: string, ...args: unknown[]) =>
    (statement(db, `SELECT count(*) AS n FROM outbox WHERE ${where}`).get(...args) as { n: number })
      .n;
  return {
    pending: count(`status = 'pending' AND kind IN ('digest', 'email', 'alert')`),
    sending: count(`status = 'sending'`),
    sent: count(`status = 'sent'`),
    failed: count(`status = 'failed'`),
    waitingForDigest: count(`status = 'pending' AND kind = 'digest-item'`),
    waitingForEmail: count(`status = 'pending' AND kind = 'email-item'`),
    lastFailures: statement(
      db,
      `SELECT id, kind, destination, last_error AS error FROM outbox
         WHERE status = 'failed' ORDER BY id DESC LIMIT 5`,
    ).all() as OutboxStats['lastFailures'],
  };
}
