/** Command modules without Discord: the loader, handlers' own permission check, search pages. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as digest from '../../../../src/deliver/discord/commands/digest.ts';
import * as feeds from '../../../../src/deliver/discord/commands/feeds.ts';
import { CommandLoadError, loadCommands } from '../../../../src/deliver/discord/commands/index.ts';
import { loadSearch, saveSearch } from '../../../../src/deliver/discord/commands/pages.ts';
import * as search from '../../../../src/deliver/discord/commands/search.ts';
import { nextPollAt } from '../../../../src/deliver/discord/commands/stats.ts';
import { CommandError } from '../../../../src/deliver/discord/commands/types.ts';
import { openDb } from '../../../../src/store/db.ts';
import { listFeeds } from '../../../../src/store/feeds.ts';
import { NOW, procurementStories, seededDb, testDeps } from './seed.ts';

const member = { lang: 'fr' as const, canManageGuild: false };
const admin = { lang: 'fr' as const, canManageGuild: true };
const HOUR = 3_600_000;

describe('loadCommands', () => {
  it('loads the six commands by name', () => {
    expect([...loadCommands().keys()]).toEqual([
      'search',
      'recent',
      'topics',
      'stats',
      'digest',
      'feeds',
    ]);
  });

  it('names the module that lacks a handler', () => {
    expect(() => loadCommands({ search, broken: { data: digest.data } })).toThrow(
      new CommandLoadError('broken', 'commands/broken.ts: missing a `handler` function'),
    );
  });

  it('names the module that lacks a definition', () => {
    expect(() => loadCommands({ orphan: { handler: digest.handler } })).toThrow(
      'commands/orphan.ts: missing a `data` definition',
    );
  });

  it('refuses two modules answering the same name', () => {
    expect(() => loadCommands({ search, copy: search })).toThrow(
      'commands/copy.ts: command name search is taken',
    );
  });
});

describe('admin handlers check Manage Server themselves', () => {
  it('/feeds add refuses a member even when called directly', async () => {
    const deps = testDeps(seededDb([]));
    const call = feeds.handler(
      deps,
      { subcommand: 'add', values: { url: 'https://www.presse-cloud.fr/rss' } },
      member,
    );
    await expect(call).rejects.toEqual(
      new CommandError(
        'FORBIDDEN',
        'Manage Server',
        'Cette commande demande la permission « Gérer le serveur ».',
      ),
    );
    expect(listFeeds(deps.db)).toHaveLength(2);
    expect(deps.resolver.asked).toEqual([]);
  });

  it('/digest refuses a member even when called directly', async () => {
    const deps = testDeps(seededDb());
    await expect(
      digest.handler(deps, { subcommand: null, values: {} }, member),
    ).rejects.toBeInstanceOf(CommandError);
    expect(deps.dispatch).not.toHaveBeenCalled();
  });

  it('both definitions default to Manage Server only', () => {
    expect(digest.data.toJSON().default_member_permissions).toBe('32');
    expect(feeds.data.toJSON().default_member_permissions).toBe('32');
    expect(search.data.toJSON().default_member_permissions).toBeUndefined();
  });
});

describe('search pages', () => {
  it('keeps working after a restart (state in the database file) until the TTL', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'vigie-pages-')), 'vigie.db');
    const before = seededDb(procurementStories(7));
    before.exec(`VACUUM INTO '${file}'`);
    before.close();

    const first = openDb(file);
    const page1 = await search.handler(
      testDeps(first),
      { subcommand: null, values: { query: 'marché UGAP' } },
      admin,
    );
    first.close();
    const next = page1.components?.[0]?.components[1];
    const nextId = next && 'custom_id' in next ? next.custom_id : '';

    const restarted = openDb(file);
    const deps = testDeps(restarted);
    deps.setNow(new Date(NOW.getTime() + 23 * HOUR));
    const page2 = await search.button(deps, nextId, admin);
    expect(page2?.content).toBe('🔎 **7 résultats** pour « marché UGAP » · 6–7');

    deps.setNow(new Date(NOW.getTime() + 25 * HOUR));
    await expect(search.button(deps, nextId, admin)).rejects.toMatchObject({
      code: 'SEARCH_EXPIRED',
    });
    restarted.close();
  });

  it('ignores a button that is not a search page', async () => {
    const deps = testDeps(seededDb([]));
    expect(await search.button(deps, 'search:../../etc:0:n', admin)).toBeNull();
  });

  it('drops states older than the TTL when a new search is saved', () => {
    const db = openDb(':memory:');
    const old = saveSearch(db, { query: 'SecNum Cloud' }, NOW, 24 * HOUR);
    const later = new Date(NOW.getTime() + 30 * HOUR);
    saveSearch(db, { query: 'l’UGAP' }, later, 24 * HOUR);
    expect(loadSearch(db, old, NOW, 24 * HOUR)).toBeNull();
    const left = db.prepare(`SELECT count(*) AS n FROM meta WHERE key LIKE 'search-page:%'`).get();
    expect(left).toEqual({ n: 1 });
  });
});

describe('/stats next poll', () => {
  const tick = new Date('2026-03-02T07:01:00.000Z');

  it('is the job run when a feed is already due', () => {
    expect(nextPollAt(tick, '2026-03-02T06:50:00.000Z')).toBe('2026-03-02T07:01:00.000Z');
  });

  it('is the earliest feed turn when every feed waits longer than the next job run', () => {
    expect(nextPollAt(tick, '2026-03-02T07:20:00.000Z')).toBe('2026-03-02T07:20:00.000Z');
  });

  it('falls back to whichever is known', () => {
    expect(nextPollAt(null, '2026-03-02T07:20:00.000Z')).toBe('2026-03-02T07:20:00.000Z');
    expect(nextPollAt(tick, null)).toBe('2026-03-02T07:01:00.000Z');
    expect(nextPollAt(null, null)).toBeNull();
  });
});
