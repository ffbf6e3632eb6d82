/**
 * The `vigie` command. Each sub-command lives in `src/cli/<name>.ts` and exports
 * `register(program)`; heavy modules are imported inside the action so `vigie --version`
 * stays fast. `--json` prints one JSON document on stdout; logs go to stderr.
 */
import { Command, CommanderError } from 'commander';
import * as analyze from './cli/analyze.ts';
import * as backup from './cli/backup.ts';
import * as slashCommands from './cli/commands.ts';
import * as digest from './cli/digest.ts';
import * as email from './cli/email.ts';
import * as evaluate from './cli/eval.ts';
import * as extract from './cli/extract.ts';
import * as feeds from './cli/feeds.ts';
import { CliError } from './cli/io.ts';
import * as poll from './cli/poll.ts';
import * as preview from './cli/preview.ts';
import * as prune from './cli/prune.ts';
import * as search from './cli/search.ts';
import * as stats from './cli/stats.ts';

const program = new Command()
  .name('vigie')
  .description('Watch the French tech press for the Health Data Hub, SecNumCloud and UGAP.')
  .version('0.1.0')
  .option('--db <path>', 'SQLite database (default: $VIGIE_DB or storage/vigie.db)')
  .option('--json', 'machine output: one JSON document on stdout')
  .exitOverride()
  .showHelpAfterError();

// Sub-commands register themselves here (one import and one line each).
const commands: Array<{ register(program: Command): void }> = [
  poll,
  feeds,
  search,
  analyze,
  digest,
  email,
  evaluate,
  preview,
  extract,
  slashCommands,
  backup,
  prune,
  stats,
];
for (const command of commands) command.register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`vigie: ${message}\n`);
  process.exit(error instanceof CliError ? error.exitCode : 1);
}
