/** `vigie commands deploy` against the fake Discord (REST only, no gateway session). */
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../../../src/cli/commands.ts';
import { type FakeDiscord, startFakeDiscord } from '../../../support/fake-discord.ts';

let fake: FakeDiscord;
const saved = { ...process.env };

beforeEach(async () => {
  fake = await startFakeDiscord();
  Object.assign(process.env, {
    DISCORD_TOKEN: fake.token,
    DISCORD_API_BASE: fake.apiBase,
    DISCORD_GUILD_ID: fake.guildId,
  });
});

afterEach(async () => {
  process.env = { ...saved };
  vi.restoreAllMocks();
  await fake.close();
});

async function deploy(...args: string[]): Promise<unknown> {
  const program = new Command().option('--json').option('--db <path>').exitOverride();
  register(program);
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  await program.parseAsync(['node', 'vigie', '--json', 'commands', 'deploy', ...args]);
  vi.mocked(process.stdout.write).mockRestore();
  return JSON.parse(out.join(''));
}

describe('vigie commands deploy', () => {
  it('deploys to DISCORD_GUILD_ID once, then reports nothing changed', async () => {
    expect(await deploy()).toMatchObject({ scope: 'guild', guildId: fake.guildId, changed: true });
    expect(await deploy()).toMatchObject({ changed: false });
    expect(await deploy('--force')).toMatchObject({ changed: true });
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(2);
    expect(fake.sessions).toBe(0);
  });

  it('says DISCORD_TOKEN is missing', async () => {
    delete process.env.DISCORD_TOKEN;
    await expect(deploy()).rejects.toMatchObject({
      message: 'DISCORD_TOKEN is not set: slash commands need a bot token',
      exitCode: 78,
    });
  });
});
