import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Analysis, TermId } from '../../src/analyze/types.ts';
import {
  buildDigestView,
  buildWeeklyDigest,
  queueDigest,
  queueWeeklyDigest,
} from '../../src/deliver/digest.ts';
import type { StoryView } from '../../src/deliver/discord/group.ts';
import { renderDigestText } from '../../src/deliver/discord/render.ts';
import { storyAnnouncement } from '../../src/schedule/poll.ts';
import { saveMatchedArticle } from '../../src/store/articles.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { listFeeds, syncConfiguredFeeds } from '../../src/store/feeds.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import {
  decodeSignature,
  encodeSignature,
  pendingStoryItems,
  saveInStory,
} from '../../src/store/stories.ts';
import { storyViews } from '../../src/store/views.ts';
import { article } from './fixtures.ts';

const feeds = [
  { name: 'LeMagIT', url: 'https://www.lemagit.fr/rss/ContentSyndication.xml' },
  { name: 'Silicon', url: 'https://www.silicon.fr/feed' },
  { name: 'Le Monde Informatique', url: 'https://www.lemondeinformatique.fr/flux-rss/' },
];
const t0 = '2026-03-02T07:00:00.000Z';
const later = (hours: number) => new Date(Date.parse(t0) + hours * 3_600_000).toISOString();
const digestOptions = (now: string) => ({
  now: new Date(now),
  lang: 'fr' as const,
  maxArticles: 60,
  timeZone: 'Europe/Paris',
});

function freshDb(): Db {
  const db = openDb(':memory:');
  syncConfiguredFeeds(db, feeds, t0);
  return db;
}

function source(db: Db, name: string, key: string) {
  const feed = listFeeds(db).find((f) => f.name === name);
  if (!feed) throw new Error(`no feed ${name}`);
  return { feedId: feed.id, itemKey: key, itemUrl: null, publishedAt: null };
}

function hdhAnalysis(terms: TermId[]): Analysis {
  return {
    terms: terms.map((id) => ({ id, count: 2, snippets: [`Le ⟦${id}⟧ change d’hébergeur.`] })),
    topics: [{ id: 'hebergement', score: 3, reasons: ['hébergeur'] }],
    entities: [
      { id: 'health-data-hub', name: 'Health Data Hub', count: 2 },
      { id: 'ovhcloud', name: 'OVHcloud', count: 1 },
      { id: 'microsoft', name: 'Microsoft', count: 1 },
    ],
    amounts: [{ eur: 12_000_000, text: '12 millions d’euros' }],
    deadlines: [],
  };
}

const lemagit = article({
  title: 'Le Health Data Hub choisit OVHcloud et quitte Azure',
  text: 'Fin du feuilleton : la plateforme quittera Microsoft. OVHcloud hébergera les données de santé pour 12 millions d’euros, a confirmé le ministère de la Santé lundi matin.',
  url: 'https://www.lemagit.fr/actualites/hdh-ovhcloud',
  publishedAt: t0,
  analysis: hdhAnalysis(['health-data-hub']),
});
const silicon = article({
  title: 'Health Data Hub : OVHcloud remplace Microsoft Azure',
  text: 'Après des années de polémique, l’hébergeur roubaisien récupère le contrat des données de santé, selon un communiqué du gouvernement.',
  url: 'https://www.silicon.fr/hdh-ovhcloud-azure',
  publishedAt: later(3),
  analysis: hdhAnalysis(['health-data-hub']),
});
const lmi = article({
  title: 'OVHcloud hébergera le Health Data Hub à la place de Microsoft',
  text: 'Le gouvernement confie la plateforme des données de santé à OVHcloud. Le contrat de 12 millions d’euros court sur quatre ans.',
  url: 'https://www.lemondeinformatique.fr/hdh-ovhcloud',
  publishedAt: later(20),
  analysis: hdhAnalysis(['health-data-hub']),
});

const announceAll = { fresh: true, rules: [], destination: () => 'console' };

function save(db: Db, item: typeof lemagit, outlet: string, now: string, fresh = true) {
  return saveInStory(
    db,
    item,
    source(db, outlet, item.url),
    (story) => storyAnnouncement(story, item.analysis, { ...announceAll, fresh }),
    { now, fresh },
  );
}

describe('saveInStory', () => {
  it('puts a second outlet’s article on the same event in the first one’s story', () => {
    const db = freshDb();
    const first = save(db, lemagit, 'LeMagIT', t0);
    const second = save(db, silicon, 'Silicon', later(3));
    expect(second.created).toBe(true);
    expect(second.storyId).toBe(first.storyId);
    const [view] = storyViews(
      db,
      pendingStoryItems(db, 'digest-item').map((item) => ({ ...item })),
    );
    expect(view?.title).toBe(lemagit.title);
    expect(view?.sources.map((s) => s.name)).toEqual(['LeMagIT', 'Silicon']);
    expect(view?.amounts).toEqual([{ eur: 12_000_000, text: '12 millions d’euros' }]);
    expect(view?.entities).toEqual(['Health Data Hub', 'OVHcloud', 'Microsoft']);
  });

  it('shows two pending articles of one story as one digest entry, not as an update', () => {
    const db = freshDb();
    save(db, lemagit, 'LeMagIT', t0);
    save(db, silicon, 'Silicon', later(3));
    const { view, itemIds } = buildDigestView(db, new Date(later(4)));
    expect(itemIds).toHaveLength(2);
    expect(view.articles).toHaveLength(1);
    expect((view.articles[0] as StoryView).newSources).toBeNull();
  });

  it('announces a later outlet on an announced story as "+1 source", not as news', () => {
    const db = freshDb();
    save(db, lemagit, 'LeMagIT', t0);
    save(db, silicon, 'Silicon', later(3));
    expect(queueDigest(db, 'console', digestOptions(later(4)))).toMatchObject({ articles: 1 });
    const third = save(db, lmi, 'Le Monde Informatique', later(20));
    expect(third.update).toBe(true);
    const { view } = buildDigestView(db, new Date(later(22)));
    expect(view.articles).toHaveLength(1);
    const story = view.articles[0] as StoryView;
    expect(story.title).toBe(lemagit.title);
    expect(story.newSources?.map((s) => s.name)).toEqual(['Le Monde Informatique']);
    expect(story.sources).toHaveLength(3);
    const text = renderDigestText(view, { lang: 'fr', timeZone: 'Europe/Paris' });
    expect(text).toContain('+1 source : Le Monde Informatique');
  });

  it('announces a later article as news when it brings a new watch term', () => {
    const db = freshDb();
    save(db, lemagit, 'LeMagIT', t0);
    queueDigest(db, 'console', digestOptions(later(1)));
    const withUgap = { ...lmi, analysis: hdhAnalysis(['health-data-hub', 'ugap']) };
    const result = save(db, withUgap, 'Le Monde Informatique', later(20));
    expect(result.update).toBe(false);
    const story = buildDigestView(db, new Date(later(22))).view.articles[0] as StoryView;
    expect(story.newSources).toBeNull();
    expect(story.terms).toEqual(['health-data-hub', 'ugap']);
  });

  it('alerts only for rules the new term satisfies for the first time', () => {
    const rules = [
      { name: 'hdh', terms: ['health-data-hub' as TermId] },
      { name: 'hdh-ugap', terms: ['health-data-hub' as TermId, 'ugap' as TermId] },
    ];
    const story = { storyId: 1, announced: true, terms: new Set<TermId>(['health-data-hub']) };
    const plan = storyAnnouncement(story, hdhAnalysis(['health-data-hub', 'ugap']), {
      fresh: true,
      rules,
      destination: (rule) => `alert:${rule.name}`,
    });
    expect(plan).toEqual({
      digest: true,
      alerts: [{ rule: 'hdh-ugap', destination: 'alert:hdh-ugap' }],
      update: false,
    });
  });

  it('adds a syndicated copy from another outlet as an update of its announced story', () => {
    const db = freshDb();
    const first = save(db, lemagit, 'LeMagIT', t0);
    queueDigest(db, 'console', digestOptions(later(1)));
    const copy = { ...lemagit, url: 'https://www.silicon.fr/copie-afp' };
    const again = save(db, copy, 'Silicon', later(2));
    expect(again).toMatchObject({ created: false, articleId: first.articleId, update: true });
    const story = buildDigestView(db, new Date(later(3))).view.articles[0] as StoryView;
    expect(story.newSources?.map((s) => s.name)).toEqual(['Silicon']);
  });

  it('keeps a story more than 72 hours later apart', () => {
    const db = freshDb();
    const first = save(db, lemagit, 'LeMagIT', t0);
    const weekLater = { ...silicon, publishedAt: later(24 * 7) };
    expect(save(db, weekLater, 'Silicon', later(24 * 7)).storyId).not.toBe(first.storyId);
  });

  it('stores old items of a first poll silently, in their story', () => {
    const db = freshDb();
    const first = save(db, lemagit, 'LeMagIT', t0, false);
    expect(pendingStoryItems(db, 'digest-item')).toEqual([]);
    const second = save(db, silicon, 'Silicon', later(3));
    expect(second.storyId).toBe(first.storyId);
    expect(second.update).toBe(false);
  });
});

describe('weekly digest', () => {
  it('ranks last week’s stories by outlets, once per week and destination', () => {
    const db = freshDb();
    const ugap = article({
      title: 'L’UGAP renouvelle son marché de postes de travail',
      text: 'La centrale d’achat public attribue son marché national de PC portables à un intégrateur.',
      url: 'https://www.lemagit.fr/actualites/ugap-postes',
      publishedAt: later(1),
      analysis: { ...hdhAnalysis(['ugap']), entities: [], amounts: [] },
    });
    save(db, ugap, 'LeMagIT', later(1));
    save(db, lemagit, 'LeMagIT', t0);
    save(db, silicon, 'Silicon', later(3));
    const monday = new Date('2026-03-09T09:00:00+01:00');
    const weekly = buildWeeklyDigest(db, monday);
    expect(weekly.weekStart).toBe('2026-03-02');
    expect(weekly.stories.map((s) => [s.title, s.sources.length])).toEqual([
      [lemagit.title, 2],
      [ugap.title, 1],
    ]);
    const queued = queueWeeklyDigest(db, 'console', { now: monday, lang: 'fr' });
    expect(queued?.stories).toBe(2);
    expect(queueWeeklyDigest(db, 'console', { now: monday, lang: 'fr' })).toBeNull();
    const payload = JSON.parse(
      (
        db.prepare(`SELECT payload FROM outbox WHERE dedup_key LIKE 'weekly:%'`).get() as {
          payload: string;
        }
      ).payload,
    ) as { text: string };
    expect(payload.text).toContain('Semaine du 2 mars 2026 — 2 histoires');
    expect(payload.text).toContain('2 médias : LeMagIT, Silicon');
  });
});

describe('migration 2', () => {
  it('makes every article stored before it its own story and lets a new article join it', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    db.exec(MIGRATIONS[0] as string);
    db.pragma('user_version = 1');
    syncConfiguredFeeds(db, feeds, t0);
    const old = saveMatchedArticle(
      db,
      lemagit,
      source(db, 'LeMagIT', 'old'),
      { digest: true, alerts: [] },
      t0,
    );
    db.exec(MIGRATIONS[1] as string);
    const row = db
      .prepare(
        'SELECT a.story_id AS storyId, s.announced_at AS announcedAt FROM articles a JOIN stories s ON s.id = a.story_id',
      )
      .get() as { storyId: number; announcedAt: string };
    expect(row).toEqual({ storyId: old.articleId, announcedAt: t0 });
    const trend = db.prepare(`SELECT n FROM trend_days WHERE kind = 'term'`).get() as { n: number };
    expect(trend.n).toBe(1);
    expect(save(db, silicon, 'Silicon', later(3))).toMatchObject({
      storyId: old.articleId,
      update: true,
    });
  });
});

describe('signatures', () => {
  it('round-trip through a BLOB', () => {
    const signature = Uint32Array.from([0, 1, 0xffffffff, 0x9e3779b9]);
    expect(decodeSignature(encodeSignature(signature))).toEqual(signature);
  });
});
