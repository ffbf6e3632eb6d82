/**
 * The one I/O edge of `src/analyze/`: reads and validates `watchlist.yml`, `topics.yml` and
 * `entities.yml`, then compiles them. Errors name the file and the key:
 * `feeds/topics.yml: topics.finances.cues[2].weight: Invalid input: expected number, received string`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError, parseWith } from '../config/load.ts';
import {
  type AnalysisRules,
  compileRules,
  entitiesSchema,
  topicsSchema,
  watchlistSchema,
} from './rules.ts';

/** The repository's own `feeds/` folder, found from this module's location (not the cwd). */
const REPO_FEEDS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../feeds');

/**
 * Reads, validates and compiles the three rule files of `feedsDir` (default `feeds`, relative
 * to the cwd). Not pure (reads files). Throws ConfigError (`CONFIG_INVALID`) whose message
 * starts with the file path and the key.
 */
export function loadAnalysisRules(feedsDir = 'feeds'): AnalysisRules {
  return compileRules({
    watchlist: readRules(feedsDir, 'watchlist.yml', watchlistSchema),
    topics: readRules(feedsDir, 'topics.yml', topicsSchema),
    entities: readRules(feedsDir, 'entities.yml', entitiesSchema),
  });
}

/** `loadAnalysisRules` on the repository's own `feeds/` folder, wherever the process runs. */
export function defaultAnalysisRules(): AnalysisRules {
  return loadAnalysisRules(REPO_FEEDS);
}

function readRules<S extends z.ZodType>(dir: string, name: string, schema: S): z.output<S> {
  const file = path.join(dir, name);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        cause: error,
      },
    );
  }
  let data: unknown;
  try {
    data = parseYaml(raw);
  } catch (error) {
    throw new ConfigError(`${file}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  return parseWith(schema, data, file);
}
