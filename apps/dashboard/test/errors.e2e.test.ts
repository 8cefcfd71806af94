import type { Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fileHarness, nav } from './harness.js';

/**
 * What a page says when it cannot load depends on what failed: a server failure gives the
 * request id to quote, a missing object says so, only an unreachable server says to check it;
 * and a page still loading does not say it has nothing.
 */
const h = fileHarness();

const apiPath = (path: string) => (url: URL) => url.pathname === path;
const alert = () => h.page.getByRole('alert').first();

describe('errors and loading in Chromium', () => {
  it('shows the request id of a server failure, without blaming the network', async () => {
    const { page } = h;
    const failing = apiPath('/v1/agents');
    await page.route(failing, (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal_error', message: 'Internal error', request_id: 'rid_test_failure_42' } }) }),
    );
    try {
      await nav(page, 'Agents');
      await expect.poll(() => alert().textContent()).toContain('Could not load agents.');
      const text = (await alert().textContent())!;
      expect(text).toContain('rid_test_failure_42');
      expect(text).toContain('quote the request id');
      expect(text).not.toContain('Check that the server is running');
    } finally {
      await page.unroute(failing);
    }
  });

  it('says a missing object does not exist, not that the server is down', async () => {
    const { page } = h;
    await page.goto(`${h.s.url}/webhooks/whk_does_not_exist`);
    await expect.poll(() => alert().textContent()).toContain('Could not load endpoint whk_does_not_exist.');
    const text = (await alert().textContent())!;
    expect(text).toContain('does not exist');
    expect(text).not.toContain('Check that the server is running');
  });

  it('tells to check the server only when it could not be reached', async () => {
    const { page } = h;
    const unreachable = apiPath('/v1/api-keys');
    await page.route(unreachable, (route) => route.abort('connectionrefused'));
    try {
      await nav(page, 'Keys');
      await expect.poll(() => alert().textContent()).toContain('Check that the server is running');
    } finally {
      await page.unroute(unreachable);
    }
  });

  it('shows loading, not “Nothing waits” or an empty list, until the answer comes', async () => {
    const { page } = h;
    await nav(page, 'Wallets');
    const held: Route[] = [];
    const slow = (url: URL) => url.pathname === '/v1/approvals' || url.pathname === '/v1/spend-requests';
    await page.route(slow, (route) => void held.push(route));
    try {
      await nav(page, 'Overview');
      const tile = page.getByRole('link', { name: /Pending approvals/ });
      await expect.poll(() => held.some((r) => r.request().url().includes('/v1/approvals'))).toBe(true);
      expect(await tile.textContent()).toContain('Loading…');
      expect(await tile.textContent()).not.toContain('Nothing waits');
      await expect.poll(() => page.getByText('No request was declined').count()).toBe(0);
      expect(await page.locator('main [aria-busy="true"]').count()).toBeGreaterThan(0);
    } finally {
      await page.unroute(slow);
      for (const r of held) await r.continue().catch(() => undefined);
    }
    await expect.poll(() => page.getByRole('link', { name: /Pending approvals/ }).textContent()).toContain('Nothing waits');
    await page.getByText('No request was declined').waitFor();
  });
});
