import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { parseDuration } from '../../src/config/schema.ts';

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'vigie-config-'));
  mkdirSync(path.join(root, 'feeds'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, name), text);
  return root;
}

const oneFeed =
  'feeds:\n  - name: LeMagIT\n    url: https://www.lemagit.fr/rss/ContentSyndication.xml\n';

describe('loadConfig', () => {
  it('loads the shipped feeds/ with defaults for every setting', () => {
    const config = loadConfig({ env: {}, root: path.resolve(import.meta.dirname, '../..') });
    expect(config.sources.length).toBeGreaterThanOrEqual(10);
    expect(config.settings.poll.concurrency).toBe(8);
    expect(config.env.TZ_REPORTS).toBe('Europe/Paris');
    expect(config.paths.db.endsWith(path.join('storage', 'vigie.db'))).toBe(true);
  });

  it('works without settings.yml', () => {
    const root = project({ 'feeds/sources.yml': oneFeed });
    const config = loadConfig({ env: {}, root });
    expect(config.settings.digest.cron).toBe('0 8-20/2 * * 1-5');
    expect(config.settings.poll.interval).toBe(15 * 60_000);
  });

  it('names the file, the key and the reason for a bad feed URL', () => {
    const root = project({
      'feeds/sources.yml': `${oneFeed}  - name: Intranet\n    url: file:///etc/passwd\n`,
    });
    expect(() => loadConfig({ env: {}, root })).toThrow(
      'feeds/sources.yml: feeds[1].url: expected http(s) URL',
    );
  });

  it('refuses a misspelt settings key instead of ignoring it', () => {
    const root = project({
      'feeds/sources.yml': oneFeed,
      'feeds/settings.yml': 'poll:\n  intervall: 5m\n',
    });
    expect(() => loadConfig({ env: {}, root })).toThrow(/feeds\/settings.yml: poll: .*intervall/);
  });

  it('refuses an unreadable duration with the key', () => {
    const root = project({
      'feeds/sources.yml': oneFeed,
      'feeds/settings.yml': 'poll:\n  interval: soon\n',
    });
    expect(() => loadConfig({ env: {}, root })).toThrow(/poll.interval: expected a duration/);
  });

  it('refuses a schedule that is not a cron expression', () => {
    const root = project({
      'feeds/sources.yml': oneFeed,
      'feeds/settings.yml': 'digest:\n  cron: "every morning"\n',
    });
    expect(() => loadConfig({ env: {}, root })).toThrow(
      'feeds/settings.yml: digest.cron: expected a cron expression like "0 8 * * 1-5"',
    );
  });

  it('names the environment variable that is wrong', () => {
    const root = project({ 'feeds/sources.yml': oneFeed });
    expect(() => loadConfig({ env: { SMTP_URL: 'mail.example.org' }, root })).toThrow(
      'environment: SMTP_URL: expected smtp:// or smtps:// URL',
    );
    expect(() => loadConfig({ env: { TZ_REPORTS: 'Europe/Pariss' }, root })).toThrow(
      /TZ_REPORTS: unknown time zone/,
    );
  });

  it('treats empty variables as unset and splits MAIL_TO', () => {
    const root = project({ 'feeds/sources.yml': oneFeed });
    const config = loadConfig({
      env: { DISCORD_TOKEN: '', MAIL_TO: 'a@example.org, b@example.org' },
      root,
    });
    expect(config.env.DISCORD_TOKEN).toBeUndefined();
    expect(config.env.MAIL_TO).toEqual(['a@example.org', 'b@example.org']);
  });

  it('refuses the same feed URL twice', () => {
    const root = project({ 'feeds/sources.yml': `${oneFeed}${oneFeed.replace('feeds:\n', '')}` });
    expect(() => loadConfig({ env: {}, root })).toThrow('feeds[1].url: same URL as feeds[0]');
  });

  it('says when the sources file is missing', () => {
    const root = project({});
    expect(() => loadConfig({ env: {}, root })).toThrow('feeds/sources.yml: file not found');
  });
});

describe('parseDuration', () => {
  it('reads the units used in settings and flags', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('365d')).toBe(365 * 86_400_000);
    expect(parseDuration('15 minutes')).toBeNull();
  });
});
