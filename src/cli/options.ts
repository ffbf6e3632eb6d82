/** Option helpers shared by sub-commands. */
import type { Command } from 'commander';
import { CliError } from './io.ts';

export interface GlobalOptions {
  json: boolean;
  db?: string;
}

/** The program-level `--json` / `--db` options, wherever they were typed. */
export function globalOptions(command: Command): GlobalOptions {
  const options = command.optsWithGlobals() as { json?: boolean; db?: string };
  return { json: options.json === true, db: options.db };
}

/** Parses a positive integer option or fails naming it. */
export function positiveInt(name: string, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > max)
      throw new CliError(
        `${name}: expected an integer from 1 to ${max} (got ${JSON.stringify(value)})`,
        2,
      );
    return parsed;
  };
}

/** Parses a YYYY-MM-DD date option or fails naming it. */
export function isoDate(name: string) {
  return (value: string): string => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
      throw new CliError(`${name}: expected a date YYYY-MM-DD (got ${JSON.stringify(value)})`, 2);
    return value;
  };
}

/** Parses one of `allowed` or fails listing them. */
export function oneOf<T extends string>(name: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value))
      throw new CliError(
        `${name}: expected one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`,
        2,
      );
    return value as T;
  };
}
