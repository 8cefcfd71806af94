import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { api } from '../../../packages/server/test/helpers/server.js';
import { fileHarness, nav } from './harness.js';

/** A rotated signing secret shows where the operator clicked, in view, with the focus on it. */
// Loopback addresses nothing listens on: the endpoints only need to exist (they subscribe to events no test makes).
const urls = [1, 2, 3, 4, 5].map((i) => `http://127.0.0.1:9/hooks${i}`);

const h = fileHarness({
  // Enough endpoints that the last one's card sits well below the fold.
  seed: async ({ s }) => {
    for (const url of urls) expect((await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url, events: ['policy.*'] } })).status).toBe(201);
  },
});

/** Whether the secret is inside the viewport, and whether the focus is on the box that shows it. */
function where(page: Page) {
  return page.getByTestId('webhook-secret').evaluate((code) => {
    const box = code.getBoundingClientRect();
    const focused = document.activeElement;
    return {
      inView: box.top >= 0 && box.bottom <= window.innerHeight,
      focusOnIt: focused !== null && focused !== document.body && focused.contains(code),
      focusedName: focused?.getAttribute('aria-labelledby') ? document.getElementById(focused.getAttribute('aria-labelledby')!)?.textContent : null,
    };
  });
}

describe('a rotated webhook secret', () => {
  it('shows in the endpoint’s own card, in view, with the focus on it', async () => {
    const { page } = h;
    await nav(page, 'Webhooks');
    const last = urls.at(-1)!;
    const rotate = page.getByRole('button', { name: `Rotate secret of ${last}` });
    await rotate.click();
    await page.getByRole('button', { name: 'Rotate now' }).click();
    await page.getByTestId('webhook-secret').waitFor();
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    expect(await where(page)).toEqual({ inView: true, focusOnIt: true, focusedName: 'Copy the new signing secret now' });
    const card = page.locator('article.endpoint', { has: page.getByTestId('webhook-secret') });
    expect(await card.getByRole('heading', { level: 3 }).textContent()).toBe(last);

    // The keyboard goes on from there: Tab reaches its Copy button next.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Copy');
  });

  it('does the same on the endpoint’s delivery log', async () => {
    const { page } = h;
    await nav(page, 'Webhooks');
    await page.locator('article.endpoint', { hasText: urls[2]! }).getByRole('link', { name: 'Delivery log' }).click();
    await page.getByRole('heading', { name: 'Delivery log', level: 1 }).waitFor();
    await page.getByRole('button', { name: `Rotate secret of ${urls[2]}` }).click();
    await page.getByRole('button', { name: 'Rotate now' }).click();
    await page.getByTestId('webhook-secret').waitFor();
    expect(await where(page)).toEqual({ inView: true, focusOnIt: true, focusedName: 'Copy the new signing secret now' });
  });
});
