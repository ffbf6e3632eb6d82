/**
 * A delivery that did not happen. `permanent` failures (missing access, unknown channel, invalid
 * token, SMTP 5xx) are never retried: retrying them only gets a bot banned or a relay angry.
 * Transient ones (5xx, timeouts, 429, SMTP 4xx) are retried with backoff, after `retryAfterMs`
 * when the server said how long to wait.
 */
export class DeliveryError extends Error {
  readonly code: string;
  readonly permanent: boolean;
  readonly retryAfterMs: number | null;

  constructor(
    message: string,
    options: { code: string; permanent: boolean; retryAfterMs?: number | null; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'DeliveryError';
    this.code = options.code;
    this.permanent = options.permanent;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

/** Narrows an unknown error to a DeliveryError. */
export function isDeliveryError(error: unknown): error is DeliveryError {
  return error instanceof DeliveryError;
}
