import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { api, startTestServer, type TestServer } from '../../../packages/server/test/helpers/server.js';

/**
 * What the dashboard's browser tests share: the built app served by a real server, Debian's
 * Chromium, screenshots into apps/dashboard/test-artifacts/ (gitignored), and the
 * accessibility checks run on every page. BURSAR_UPDATE_DOCS_SCREENSHOTS=1 also refreshes the
 * few screenshots the README shows under docs/.
 */
const CHROMIUM = '/usr/bin/chromium';
const distIndex = fileURLToPath(new URL('../dist/index.html', import.meta.url));
const artifacts = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const docsDir = fileURLToPath(new URL('../../../docs/', import.meta.url));
/** The screenshots the README and docs/dashboard.md show. */
const DOCS_SHOTS = ['overview', 'approvals', 'analytics', 'agent-page', 'policy-form', 'webhook-log'];

/** Uncaught script errors and CSP violations each page reported; every screenshot asserts there were none. */
const problems = new WeakMap<Page, string[]>();

export interface Harness {
  s: TestServer;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  if (!existsSync(distIndex)) throw new Error('apps/dashboard/dist is missing: run `npm run build` before these tests');
  if (!existsSync(CHROMIUM)) throw new Error('Chromium is missing: apt-get install -y chromium (.ci/run does it)');
  const s = await startTestServer(env);
  const userDataDir = mkdtempSync(join(tmpdir(), 'bursar-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-quic',
    ],
    viewport: { width: 1280, height: 860 },
    timezoneId: 'Europe/Paris',
    locale: 'en-US',
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  const seen: string[] = [];
  problems.set(page, seen);
  page.on('pageerror', (e) => seen.push(`uncaught: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) seen.push(`csp: ${m.text()}`);
  });
  return {
    s,
    context,
    page,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
      await s.close();
    },
  };
}

/**
 * The harness of one test file: started before its tests (after `seed`, signed in unless
 * `signedIn: false`) and closed after them. Its parts are read through getters, inside tests and hooks.
 */
export function fileHarness(opts: { env?: Record<string, string>; seed?: (h: Harness) => Promise<void>; signedIn?: boolean } = {}): Harness {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness(opts.env);
    await opts.seed?.(h);
    if (opts.signedIn !== false) await signIn(h);
  });
  afterAll(async () => {
    await h?.close();
  });
  const started = () => {
    if (!h) throw new Error('the harness starts in beforeAll: read it inside tests and hooks');
    return h;
  };
  return {
    get s() {
      return started().s;
    },
    get context() {
      return started().context;
    },
    get page() {
      return started().page;
    },
    close: () => started().close(),
  };
}

/** Seeds through the API: POSTs `body` (with the management key unless `key` is given), expects success, returns the answer. */
export async function seedPost(s: TestServer, path: string, body: unknown, key = s.mgmt) {
  const r = await api(s.url, 'POST', path, { key, body });
  expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body;
}

/** Signs in with the server's management key and waits for the overview. */
export async function signIn(h: Harness): Promise<void> {
  await h.page.goto(h.s.url);
  await h.page.getByLabel('Management key').fill(h.s.mgmt);
  await h.page.getByRole('button', { name: 'Sign in' }).click();
  await h.page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
}

/** Follows a link of the main navigation (no reload: the app routes in the page). */
export async function nav(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
}

/**
 * Controls a screen reader could not name: every visible button, link, input, select, textarea
 * and image role needs a name from aria-label(ledby), a <label>, its text, or a title.
 */
export function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const bad: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>('button, a[href], input:not([type=hidden]), select, textarea, [role=img], [role=button], svg[role]');
    for (const el of controls) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      const labelledBy = (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean).map((id) => text(document.getElementById(id))).join(' ').trim();
      const labels = 'labels' in el && (el as HTMLInputElement).labels ? [...(el as HTMLInputElement).labels!].map(text).join(' ').trim() : '';
      const isField = ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
      const name = el.getAttribute('aria-label')?.trim() || labelledBy || labels || (isField ? '' : text(el)) || el.getAttribute('title')?.trim() || '';
      if (!name) bad.push(el.outerHTML.slice(0, 160));
    }
    return bad;
  });
}

/** Ids used twice (a label or aria reference would then point at the wrong element). */
export function duplicateIds(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const seen = new Map<string, number>();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  });
}

/** The accessibility checks every page passes: named controls, unique ids, one h1, no inline style attribute (the CSP forbids them). */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  expect(await unnamedControls(page), `${name}: unnamed controls`).toEqual([]);
  expect(await duplicateIds(page), `${name}: duplicate ids`).toEqual([]);
  expect(await page.locator('main h1').count(), `${name}: one h1`).toBe(1);
  expect(await page.locator('[style]').count(), `${name}: inline style attributes`).toBe(0);
  expect(problems.get(page) ?? [], `${name}: script errors or CSP violations`).toEqual([]);
}

/**
 * Presses Tab from the top of the page until `target` (an accessible name) has focus; returns
 * how many presses it took, and checks that the focused control shows a visible focus ring.
 */
export async function tabTo(page: Page, target: RegExp, max = 60): Promise<number> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.locator('body').focus();
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return null;
      const style = getComputedStyle(el);
      const labels = 'labels' in el && (el as HTMLInputElement).labels ? [...(el as HTMLInputElement).labels!].map((l) => l.textContent ?? '').join(' ') : '';
      const name = (el.getAttribute('aria-label') ?? (labels || el.textContent) ?? '').trim();
      return { name, outline: style.outlineStyle, width: style.outlineWidth };
    });
    if (focused && target.test(focused.name)) {
      expect(focused.outline, `focus ring on ${focused.name}`).not.toBe('none');
      return i;
    }
  }
  throw new Error(`Tab never reached ${target}`);
}

/** A screenshot at 1280 px and at phone width (375 px), after the accessibility checks; no sideways scrolling on the phone. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await expectAccessible(page, name);
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true, caret: 'initial' });
  await page.setViewportSize({ width: 375, height: 812 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${name}: page wider than a phone`).toBeLessThanOrEqual(1);
  // List tables stack into cards at phone width: none scrolls sideways, and each value is labelled.
  const tables = await page.evaluate(() =>
    [...document.querySelectorAll('table.stack')].map((t) => ({
      sideways: t.parentElement!.scrollWidth - t.parentElement!.clientWidth,
      unlabelled: [...t.querySelectorAll('tbody td:not(.actions)')].filter((td) => !td.getAttribute('data-label')).length,
    })),
  );
  for (const t of tables) expect(t, `${name}: a list table at phone width`).toEqual({ sideways: expect.any(Number), unlabelled: 0 });
  for (const t of tables) expect(t.sideways, `${name}: a list table scrolls sideways at phone width`).toBeLessThanOrEqual(1);
  await page.screenshot({ path: join(artifacts, `${name}-phone.png`), fullPage: true, caret: 'initial' });
  await page.setViewportSize({ width: 1280, height: 860 });
  if (process.env.BURSAR_UPDATE_DOCS_SCREENSHOTS === '1' && DOCS_SHOTS.includes(name)) {
    copyFileSync(join(artifacts, `${name}.png`), join(docsDir, `dashboard-${name}.png`));
    copyFileSync(join(artifacts, `${name}-phone.png`), join(docsDir, `dashboard-${name}-phone.png`));
  }
}
