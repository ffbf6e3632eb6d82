/**
 * The logger: pino JSON lines on stderr (stdout is reserved for command output), made readable
 * by pino-pretty when stderr is a terminal.
 */
import { pino } from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level: string;
  /** Human-readable lines; default: when stderr is a TTY. */
  pretty?: boolean;
}

/** Creates the process logger. */
export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  if (pretty)
    return pino({
      level: options.level,
      transport: {
        target: 'pino-pretty',
        options: {
          destination: 2,
          colorize: true,
          translateTime: 'SYS:HH:MM:ss',
          ignore: 'pid,hostname',
        },
      },
    });
  return pino({ level: options.level }, pino.destination({ dest: 2, sync: false }));
}

/** A logger that drops everything (tests, `--json` runs that want silence). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
