/**
 * The console sink: with no Discord configured, digests are printed as text (DESIGN.md: zero
 * config works). The stream is passed in (stdout in the worker, a buffer in tests).
 */
import type { Writable } from 'node:stream';
import { renderDigestText, type TextRenderOptions } from './discord/render.ts';
import { DeliveryError } from './errors.ts';
import type { DigestView } from './types.ts';

/**
 * Writes `text` (plus a final newline if missing) and resolves once the stream accepted it.
 * Rejects with a transient `DeliveryError` (`CONSOLE_WRITE_FAILED`) when the stream fails,
 * e.g. a closed pipe. Not pure (writes).
 */
export function writeText(stream: Writable, text: string): Promise<void> {
  const line = text.endsWith('\n') ? text : `${text}\n`;
  return new Promise((resolve, reject) => {
    stream.write(line, (error) => {
      if (!error) resolve();
      else
        reject(
          new DeliveryError(`console: cannot write the digest (${error.message})`, {
            code: 'CONSOLE_WRITE_FAILED',
            permanent: false,
            cause: error,
          }),
        );
    });
  });
}

/** Renders `view` with `renderDigestText` and writes it to `stream` (see `writeText`). */
export function writeDigest(
  stream: Writable,
  view: DigestView,
  opts: TextRenderOptions,
): Promise<void> {
  return writeText(stream, renderDigestText(view, opts));
}
