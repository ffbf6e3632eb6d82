import http from 'node:http';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.ts';
import { handleWebRequest, PAGE_SIZE, weeklyTermCounts } from '../../src/web/handler.ts';
import { PAGE_CSP, renderPage } from '../../src/web/page.ts';
import {
  ARTICLES,
  HOSTILE_TITLE,
  NOW,
  seededDb,
  startWebServer,
  type TestServer,
  webDeps,
} from './seed.ts';

describe('the web page', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startWebServer(webDeps(seededDb()));
  });
  afterAll(() => server.close());

  const page = async (path: string) => {
    const response = await fetch(`${server.url}${path}`);
    const body = await response.text();
    return { response, body, $: cheerio.load(body) };
  };
  const titles = ($: cheerio.CheerioAPI) =>
    $('ol.articles h2')
      .map((_, heading) => $(heading).text())
      .get();

  it('lists the latest articles first, with outlet, date, snippet and tags', async () => {
    const { response, $ } = await page('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(titles($)).toHaveLength(ARTICLES.length);
    expect(titles($)[0]).toBe(
      'L’UGAP référence une offre cloud qualifiée SecNumCloud pour les collectivités',
    );
    const first = $('ol.articles li').first();
    expect(first.find('.meta').text()).toBe('LeMagIT · 1 mars 2026, 08:00');
    expect(first.find('.snippet strong').text()).toBe('l’UGAP');
    expect(
      first
        .find('.tags a')
        .map((_, a) => $(a).text())
        .get(),
    ).toEqual(['UGAP', 'SecNumCloud', 'Commande publique', 'Hébergement']);
    expect(first.find('h2 a').attr('href')).toBe(
      'https://www.lemagit.example/cloud/ugap-offre-secnumcloud',
    );
  });

  it('is served with a policy that lets nothing load or run', async () => {
    const { response, $ } = await page('/');
    expect(response.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(PAGE_CSP).toContain("default-src 'none'");
    expect($('script')).toHaveLength(0);
    expect($('link[rel=stylesheet], img, iframe')).toHaveLength(0);
  });

  it('shows a hostile title as text, its markup inert', async () => {
    const { body, $ } = await page('/?topic=certification');
    expect(body).not.toContain('<script>alert');
    expect(body).not.toContain('<img src=x');
    expect(body).not.toContain('\u0001');
    expect(titles($)).toContain(
      '<script>alert("pwned")</script> SecNumCloud & <img src=x onerror=alert(1)> fin',
    );
    expect(HOSTILE_TITLE).toContain('<script>');
    const link = $('ol.articles h2 a')
      .filter((_, a) => $(a).text().includes('pwned'))
      .attr('href');
    expect(link).toBe(
      'https://piege.example/article?id=1&x=%22%3E%3Cscript%3Ealert%282%29%3C/script%3E',
    );
  });

  it('searches with q through the same search as the CLI, the passage around the words shown', async () => {
    const { $ } = await page('/?q=hebergeur');
    expect(titles($)).toEqual([
      'Health Data Hub : la migration vers un hébergeur souverain repoussée',
    ]);
    expect($('p.count').text()).toBe('1 article');
    expect($('.snippet strong').first().text()).toBe('hébergeur');
    expect($('input[name=q]').val()).toBe('hebergeur');
    expect($('head > title').text()).toBe('« hebergeur » — Vigie');
  });

  it('serves the same page on /search', async () => {
    const { $ } = await page('/search?q=referentiel');
    expect(titles($)).toEqual([
      'Cybersécurité : l’ANSSI renforce les exigences du référentiel SecNumCloud',
    ]);
  });

  it('filters by term and topic, marking the active chips and keeping the others', async () => {
    const { $ } = await page('/?term=secnumcloud&topic=certification');
    expect(titles($)).toHaveLength(2);
    const current = $('a.chip[aria-current]')
      .map((_, a) => $(a).text())
      .get();
    expect(current).toEqual(['SecNumCloud', 'Certification']);
    // Clicking the active term again removes it but keeps the topic.
    expect($('nav.chips a[aria-current]').first().attr('href')).toBe('./?topic=certification');
    expect($('select[name=term] option[selected]').val()).toBe('secnumcloud');
    expect($('link[rel=alternate]').attr('href')).toBe(
      'feed.atom?term=secnumcloud&topic=certification',
    );
  });

  it('says so when nothing matches', async () => {
    const { $ } = await page('/?q=hôpital+de+jour');
    expect($('ol.articles')).toHaveLength(0);
    expect($('p.count').text()).toBe('Aucun article ne correspond à cette recherche.');
  });

  it('charts articles per term over the last 8 weeks', async () => {
    const { $ } = await page('/');
    const rows = $('section.trends .trend');
    expect(rows.map((_, row) => $(row).find('span').first().text()).get()).toEqual([
      'Health Data Hub',
      'SecNumCloud',
      'UGAP',
    ]);
    expect(rows.map((_, row) => $(row).find('.n').text()).get()).toEqual(['1', '3', '1']);
    expect(rows.eq(1).find('svg rect')).toHaveLength(8);
    expect(rows.eq(1).find('svg').attr('aria-label')).toBe(
      'SecNumCloud : 0, 0, 0, 1, 0, 1, 0, 1 articles par semaine',
    );
  });

  it('answers 400 naming a bad parameter, 405 to POST, and HEAD without a body', async () => {
    const bad = await fetch(`${server.url}/?topic=hds`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('topic: expected one of');
    const post = await fetch(`${server.url}/`, { method: 'POST', body: 'q=ugap' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`${server.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(1000);
    expect(await head.text()).toBe('');
  });

  it('leaves other paths to the server it is mounted on', async () => {
    for (const path of ['/healthz', '/metrics', '/feed.rss', '/static/app.js']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
    }
  });
});

describe('handleWebRequest', () => {
  it('returns false without answering when the path is not its own', () => {
    const req = new http.IncomingMessage(null as never);
    req.url = '/healthz';
    req.method = 'GET';
    const res = new http.ServerResponse(req);
    expect(handleWebRequest(req, res, webDeps(seededDb()))).toBe(false);
    expect(res.headersSent).toBe(false);
  });
});

describe('paging', () => {
  it('splits a long list into pages linked both ways', async () => {
    const many = Array.from({ length: PAGE_SIZE + 5 }, (_, index) => ({
      title: `Marché UGAP n° ${index + 1} : hébergement qualifié pour une région`,
      text: `Avis d’attribution numéro ${index + 1} passé par l’UGAP pour l’hébergement des données.`,
      url: `https://achats.example/ugap/${index + 1}`,
      feed: 'LeMagIT',
      daysAgo: index / 10,
      terms: [{ id: 'ugap' as const, snippet: `Marché passé par ⟦l’UGAP⟧ n° ${index + 1}.` }],
      topics: ['commande-publique' as const],
    }));
    const server = await startWebServer(webDeps(seededDb(many)));
    try {
      const first = cheerio.load(await (await fetch(`${server.url}/?term=ugap`)).text());
      expect(first('ol.articles li')).toHaveLength(PAGE_SIZE);
      expect(first('p.count').text()).toBe(`${PAGE_SIZE + 5} articles — 1 à ${PAGE_SIZE}`);
      expect(first('a[rel=next]').attr('href')).toBe('./?term=ugap&page=2');
      expect(first('a[rel=prev]')).toHaveLength(0);
      const second = cheerio.load(await (await fetch(`${server.url}/?term=ugap&page=2`)).text());
      expect(second('ol.articles li')).toHaveLength(5);
      expect(second('a[rel=prev]').attr('href')).toBe('./?term=ugap');
      expect(second('a[rel=next]')).toHaveLength(0);
      expect(second('ol.articles h2').last().text()).toContain('n° 25');
    } finally {
      await server.close();
    }
  });
});

describe('renderPage', () => {
  it('shows no snippet that only repeats the title', () => {
    const title = 'Health Data Hub : le calendrier de la réversibilité devant le Sénat';
    const $ = cheerio.load(
      renderPage({
        filters: { q: '', term: null, topic: null, page: 1 },
        total: 1,
        pageSize: PAGE_SIZE,
        articles: [
          {
            id: 1,
            title,
            url: 'https://journal-du-cloud.example/hdh-senat',
            publishedAt: '2026-02-27T09:00:00Z',
            sources: [],
            terms: ['health-data-hub'],
            topics: [],
            snippet: '⟦Health Data Hub⟧ : le calendrier de la réversibilité devant le Sénat',
            amounts: [],
            deadlines: [],
          },
        ],
        trends: null,
        timeZone: 'Europe/Paris',
      }),
    );
    expect($('ol.articles h2').text()).toBe(title);
    expect($('.snippet')).toHaveLength(0);
    expect($('.meta').text()).toBe('27 févr. 2026, 10:00');
  });

  it('shows no chart before anything was found, and says Vigie found nothing yet', () => {
    const db = openDb(':memory:');
    const trends = weeklyTermCounts(db, NOW, 8);
    expect(trends.weekStarts).toHaveLength(8);
    expect(trends.weekStarts[0]).toBe('2026-01-05T07:00:00.000Z');
    const $ = cheerio.load(
      renderPage({
        filters: { q: '', term: null, topic: null, page: 1 },
        total: 0,
        pageSize: PAGE_SIZE,
        articles: [],
        trends,
        timeZone: 'Europe/Paris',
      }),
    );
    expect($('section.trends')).toHaveLength(0);
    expect($('p.count').text()).toBe(
      'Aucun article pour l’instant : Vigie n’a encore rien trouvé.',
    );
  });
});
