/**
 * The page in a real browser: Debian's headless Chromium driven by playwright-core, against the
 * routes on 127.0.0.1 with a seeded database. Search and filter by clicking, as a reader would,
 * with JavaScript disabled (the page must not need it); the screenshots are saved under
 * test-artifacts/ for a human to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_TITLE, seededDb, startWebServer, type TestServer, webDeps } from './seed.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');

// Nothing may leave 127.0.0.1: no QUIC, no first-run, sync, component or background requests.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Nothing may leave the machine: every host name fails to resolve without a DNS query, and
  // the page under test is reached by its loopback address.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  '--dns-prefetch-disable',
  '--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,AutofillServerCommunication,Translate',
  '--no-pings',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
];

if (!hasChromium)
  console.warn(
    `browser test skipped: ${CHROMIUM} is absent (apt-get install -y chromium; .ci/run installs it)`,
  );

describe.skipIf(!hasChromium)('the web page in headless Chromium', () => {
  let server: TestServer;
  let context: BrowserContext;
  let profile: string;
  const outside: string[] = [];

  beforeAll(async () => {
    server = await startWebServer(webDeps(seededDb()));
    profile = mkdtempSync(path.join(tmpdir(), 'vigie-chromium-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      javaScriptEnabled: false,
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
    });
    // Any request for another origin would be an external resource: record it and refuse it.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url) || url.startsWith('data:')) return route.continue();
      outside.push(url);
      return route.abort();
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('shows the latest articles, searches, filters, and renders a hostile title as text', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });

    await page.goto(`${server.url}/`);
    await expect.poll(() => page.locator('ol.articles > li').count()).toBe(4);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web.png'), fullPage: true });

    // The hostile title is one text node: no element was created from it.
    const hostile = page.locator('ol.articles h2', { hasText: 'pwned' });
    expect(await hostile.textContent()).toBe(
      '<script>alert("pwned")</script> SecNumCloud & <img src=x onerror=alert(1)> fin',
    );
    expect(HOSTILE_TITLE).toContain('onerror');
    expect(await page.locator('ol.articles img, ol.articles script').count()).toBe(0);

    // Search through the form, as typed by a reader.
    await page.fill('input[name=q]', 'hébergeur souverain');
    await Promise.all([page.waitForURL(/q=/), page.click('button[type=submit]')]);
    expect(new URL(page.url()).searchParams.get('q')).toBe('hébergeur souverain');
    expect(await page.locator('ol.articles h2').allTextContents()).toEqual([
      'Health Data Hub : la migration vers un hébergeur souverain repoussée',
    ]);

    // Filter with a chip, then narrow with the topic select and submit.
    await page.goto(`${server.url}/`);
    await Promise.all([
      page.waitForURL(/term=secnumcloud/),
      page.click('nav.chips a:has-text("SecNumCloud")'),
    ]);
    expect(await page.locator('ol.articles > li').count()).toBe(3);
    await page.selectOption('select[name=topic]', 'cybersecurite');
    await Promise.all([page.waitForURL(/topic=cybersecurite/), page.click('button[type=submit]')]);
    expect(await page.locator('ol.articles h2').allTextContents()).toEqual([
      'Cybersécurité : l’ANSSI renforce les exigences du référentiel SecNumCloud',
    ]);
    expect(await page.locator('a.chip[aria-current]').allTextContents()).toEqual([
      'SecNumCloud',
      'Cybersécurité',
    ]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-filtered.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-desktop.png') });
    await page.setViewportSize({ width: 390, height: 844 });

    // On a phone-sized screen nothing overflows sideways.
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(dialogs).toEqual([]);
    expect(outside).toEqual([]);
  }, 60_000);
});
