import { defaultAnalysisRules } from '../../src/analyze/load.ts';
import { type Settings, settingsSchema } from '../../src/config/schema.ts';
import type { Fetcher } from '../../src/ingest/fetch.ts';
import { silentLogger } from '../../src/log.ts';
import type { PollContext } from '../../src/schedule/poll.ts';
import type { Db } from '../../src/store/db.ts';

/** A poll context for tests: the repository's rules, silent logs, a clock stopped at `now`. */
export function testPollContext(
  db: Db,
  fetcher: Fetcher,
  now: Date,
  settings: Settings = settingsSchema.parse({}),
): PollContext {
  return {
    db,
    fetcher,
    rules: defaultAnalysisRules(),
    settings,
    alertDestination: () => 'console',
    logger: silentLogger(),
    clock: () => now,
    random: () => 0.5,
  };
}
