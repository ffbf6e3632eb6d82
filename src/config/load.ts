/**
 * Loads Vigie's configuration once, at startup, into one typed `Config`. Nothing else reads
 * `process.env` or the YAML files. Any problem fails here with the file, the key and the reason:
 * `feeds/sources.yml: feeds[3].url: expected http(s) URL`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import {
  type Env,
  envSchema,
  type Settings,
  type Source,
  settingsSchema,
  sourcesSchema,
} from './schema.ts';

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

export interface Config {
  env: Env;
  settings: Settings;
  sources: Source[];
  /** Absolute paths the config came from, for messages and for `feeds import`. */
  paths: { sources: string; settings: string; feedsDir: string; storage: string; db: string };
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Directory relative paths are resolved against (default: cwd). */
  root?: string;
  /** Overrides VIGIE_SOURCES (the `--sources` flag). */
  sourcesPath?: string;
  /** Overrides VIGIE_DB (the `--db` flag). */
  dbPath?: string;
}

/** Reads and validates env, settings.yml and sources.yml. Throws ConfigError. */
export function loadConfig(options: LoadOptions = {}): Config {
  const root = options.root ?? process.cwd();
  const env = parseWith(envSchema, pickEnv(options.env ?? process.env), 'environment');
  const sourcesPath = path.resolve(root, options.sourcesPath ?? env.VIGIE_SOURCES);
  const feedsDir = path.resolve(root, 'feeds');
  const settingsPath = path.join(feedsDir, 'settings.yml');
  const settings = parseWith(
    settingsSchema,
    readYaml(settingsPath, root, true) ?? {},
    relative(root, settingsPath),
  );
  const sources = parseWith(
    sourcesSchema,
    readYaml(sourcesPath, root, false),
    relative(root, sourcesPath),
  ).feeds;
  checkUniqueUrls(sources, relative(root, sourcesPath));
  return {
    env,
    settings,
    sources,
    paths: {
      sources: sourcesPath,
      settings: settingsPath,
      feedsDir,
      storage: path.resolve(root, 'storage'),
      db: path.resolve(root, options.dbPath ?? env.VIGIE_DB),
    },
  };
}

/** Only the variables Vigie knows, with empty strings treated as unset (as in most .env files). */
function pickEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const known = Object.keys(envSchema.shape);
  return Object.fromEntries(
    known.flatMap((key) => {
      const value = env[key];
      return value === undefined || value.trim() === '' ? [] : [[key, value.trim()]];
    }),
  );
}

function readYaml(file: string, root: string, optional: boolean): unknown {
  if (!existsSync(file)) {
    if (optional) return undefined;
    throw new ConfigError(`${relative(root, file)}: file not found`);
  }
  try {
    return parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${relative(root, file)}: ${(error as Error).message.split('\n')[0]}`, {
      cause: error,
    });
  }
}

/** Validates `value` with `schema`, or throws naming `where`, the key path and the reason. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = formatPath(issue.path);
    return key ? `${where}: ${key}: ${issue.message}` : `${where}: ${issue.message}`;
  });
  throw new ConfigError(lines.join('\n'), { cause: result.error });
}

function formatPath(keys: readonly PropertyKey[]): string {
  return keys
    .map((key, index) =>
      typeof key === 'number' ? `[${key}]` : `${index ? '.' : ''}${String(key)}`,
    )
    .join('');
}

function checkUniqueUrls(sources: Source[], where: string): void {
  const seen = new Map<string, number>();
  sources.forEach((source, index) => {
    const first = seen.get(source.url);
    if (first !== undefined)
      throw new ConfigError(`${where}: feeds[${index}].url: same URL as feeds[${first}]`);
    seen.set(source.url, index);
  });
}

function relative(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') ? file : rel;
}
