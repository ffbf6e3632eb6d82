import { REST } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../../../src/deliver/discord/commands/index.ts';
import {
  CommandDeployError,
  deployCommands,
  sameDefinitions,
} from '../../../../src/deliver/discord/register.ts';
import { type FakeDiscord, startFakeDiscord } from '../../../support/fake-discord.ts';

let fake: FakeDiscord;
let rest: REST;

beforeEach(async () => {
  fake = await startFakeDiscord();
  rest = new REST({ api: fake.apiBase, retries: 0 }).setToken(fake.token);
});

afterEach(async () => {
  await fake.close();
});

const puts = () => fake.requests.filter((r) => r.method === 'PUT');

describe('deployCommands', () => {
  it('PUTs guild commands the first time, then nothing while definitions are unchanged', async () => {
    const options = { rest, applicationId: fake.applicationId, guildId: fake.guildId };

    const first = await deployCommands(options);
    const second = await deployCommands(options);

    expect(first).toEqual({
      scope: 'guild',
      guildId: fake.guildId,
      changed: true,
      commands: ['search', 'recent', 'topics', 'stats', 'digest', 'feeds'],
    });
    expect(second.changed).toBe(false);
    expect(puts()).toHaveLength(1);
    expect(puts()[0]?.path).toBe(
      `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`,
    );
    const listed = fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/commands'));
    expect(listed.every((r) => r.query.with_localizations === 'true')).toBe(true);
    const stored = fake.commands.guild.get(fake.guildId) ?? [];
    expect(stored.find((c) => c.name === 'feeds')).toMatchObject({
      name_localizations: { fr: 'flux' },
      default_member_permissions: '32',
    });
  });

  it('PUTs again when a description or a localization changed', async () => {
    const options = { rest, applicationId: fake.applicationId, guildId: fake.guildId };
    await deployCommands(options);
    const edited = commandDefinitions().map((definition) =>
      definition.name === 'stats'
        ? { ...definition, description_localizations: { fr: 'État de la veille' } }
        : definition,
    );

    const result = await deployCommands({ ...options, definitions: edited });

    expect(result.changed).toBe(true);
    expect(puts()).toHaveLength(2);
  });

  it('deploys globally without a guild id, and --force PUTs even when unchanged', async () => {
    const options = { rest, applicationId: fake.applicationId };
    expect(await deployCommands(options)).toMatchObject({ scope: 'global', changed: true });
    expect(await deployCommands({ ...options, force: true })).toMatchObject({ changed: true });
    expect(puts().map((r) => r.path)).toEqual([
      `/applications/${fake.applicationId}/commands`,
      `/applications/${fake.applicationId}/commands`,
    ]);
    expect(fake.commands.global).toHaveLength(6);
  });

  it('fails naming the guild when Discord refuses the token', async () => {
    const wrong = new REST({ api: fake.apiBase, retries: 0 }).setToken('revoked');
    const failure = await deployCommands({
      rest: wrong,
      applicationId: fake.applicationId,
      guildId: fake.guildId,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CommandDeployError);
    expect(failure).toMatchObject({
      code: 'DISCORD_COMMANDS_DEPLOY',
      subject: `guild ${fake.guildId}`,
    });
  });
});

describe('sameDefinitions', () => {
  it('sees a difference when Discord leaves localizations out (a fetch without them)', () => {
    const definitions = commandDefinitions();
    const withoutLocalizations = definitions.map(
      ({ name_localizations: _n, description_localizations: _d, ...rest }) => rest,
    );
    expect(sameDefinitions(withoutLocalizations, definitions)).toBe(false);
    expect(sameDefinitions(definitions, definitions)).toBe(true);
  });

  it('ignores the order of commands and the fields Discord adds', () => {
    const definitions = commandDefinitions();
    const deployed = [...definitions].reverse().map((definition, index) => ({
      ...definition,
      id: String(1_700_000_000_000_000_000n + BigInt(index)),
      application_id: '1100000000000000001',
      version: '1',
      nsfw: false,
      default_member_permissions: definition.default_member_permissions ?? null,
    }));
    expect(sameDefinitions(deployed, definitions)).toBe(true);
  });
});
