import { describe, expect, it } from 'vitest';
import * as recent from '../../../../src/deliver/discord/commands/recent.ts';
import * as topics from '../../../../src/deliver/discord/commands/topics.ts';
import { storyAnnouncement } from '../../../../src/schedule/poll.ts';
import { type Db, openDb } from '../../../../src/store/db.ts';
import { listFeeds, syncConfiguredFeeds } from '../../../../src/store/feeds.ts';
import { saveInStory } from '../../../../src/store/stories.ts';
import { analysisOf, article } from '../../../store/fixtures.ts';
import { NOW, testDeps } from './seed.ts';

const member = { lang: 'fr' as const, canManageGuild: false };
const outlets = [
  { name: 'LeMagIT', url: 'https://www.lemagit.fr/rss/ContentSyndication.xml' },
  { name: 'Silicon', url: 'https://www.silicon.fr/feed' },
];

function storyDb(): Db {
  const db = openDb(':memory:');
  syncConfiguredFeeds(db, outlets, NOW.toISOString());
  const analysis = {
    ...analysisOf(['secnumcloud'], ['certification']),
    entities: [{ id: 'outscale', name: '3DS Outscale', count: 2 }],
  };
  const items = [
    article({
      title: '3DS Outscale décroche la qualification SecNumCloud 3.2 pour son PaaS',
      text: 'L’ANSSI qualifie les services managés de 3DS Outscale selon le référentiel SecNumCloud 3.2.',
      url: 'https://www.lemagit.fr/actualites/outscale-paas',
      publishedAt: '2026-03-02T05:00:00.000Z',
      analysis,
    }),
    article({
      title: 'SecNumCloud 3.2 : Outscale étend sa qualification à ses services managés',
      text: 'La filiale de Dassault Systèmes obtient la qualification pour ses bases de données managées.',
      url: 'https://www.silicon.fr/outscale-services-manages',
      publishedAt: '2026-03-02T06:00:00.000Z',
      analysis,
    }),
  ];
  items.forEach((item, i) => {
    const feedId = (listFeeds(db)[i] as { id: number }).id;
    saveInStory(
      db,
      item,
      { feedId, itemKey: item.url, itemUrl: item.url, publishedAt: item.publishedAt },
      (story) =>
        storyAnnouncement(story, item.analysis, {
          fresh: true,
          rules: [],
          destination: () => 'console',
        }),
      { now: NOW.toISOString(), fresh: true },
    );
  });
  return db;
}

describe('/recent shows stories', () => {
  it('lists two outlets’ articles on one event as one embed naming both', async () => {
    const reply = await recent.handler(
      testDeps(storyDb()),
      { subcommand: null, values: {} },
      member,
    );
    expect(reply.content).toBe('🕒 **Dernières histoires** (1 histoire)');
    expect(reply.embeds).toHaveLength(1);
    expect(reply.embeds?.[0]?.title).toBe(
      '3DS Outscale décroche la qualification SecNumCloud 3.2 pour son PaaS',
    );
    expect(reply.embeds?.[0]?.description).toContain('LeMagIT, Silicon');
  });
});

describe('/topics chart', () => {
  it('attaches the 8-week PNG and keeps the weeks as text in the embed', async () => {
    const reply = await topics.handler(
      testDeps(storyDb()),
      { subcommand: null, values: {} },
      member,
    );
    expect(reply.files?.[0]?.name).toBe(topics.CHART_FILE);
    expect(reply.files?.[0]?.attachment.subarray(1, 4).toString('latin1')).toBe('PNG');
    const weeks = reply.embeds?.[0]?.fields?.find((f) => f.name === '8 dernières semaines');
    expect(weeks?.value).toContain('SecNumCloud ▁▁▁▁▁▁▁█ 2 cette semaine');
  });
});
