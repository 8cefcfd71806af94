import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, type TestServer } from '../../../packages/server/test/helpers/server.js';
import { nav, signIn, startHarness, type Harness } from './harness.js';

/** The list pages' shared paging (usePagedList + ListView): "Load more", and filters that start over. */
let h: Harness;
let s: TestServer;
let page: Page;

beforeAll(async () => {
  h = await startHarness();
  ({ s, page } = h);
  await signIn(h);
});

afterAll(async () => {
  await h?.close();
});

describe('lists longer than a page', () => {
  const rows = () => page.locator('main table tbody tr').count();
  const loadMore = () => page.getByRole('button', { name: 'Load more' });

  it('loads the ledger page after page until there is no more', async () => {
    for (let i = 0; i < 100; i++) await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 100 + i } });
    await nav(page, 'Ledger');
    await expect.poll(rows).toBe(100);
    await loadMore().click();
    // 100 fundings and the harness's own first one.
    await expect.poll(rows).toBe(101);
    expect(await loadMore().count()).toBe(0);
  });

  it('drops the extra pages of spend requests when a filter changes, even back to the first one', async () => {
    for (let i = 0; i < 52; i++) await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(100, { merchant_name: `Paged ${i}` }) });
    await nav(page, 'Spend requests');
    await expect.poll(rows).toBe(50);
    await loadMore().click();
    await expect.poll(rows).toBe(52);
    await page.getByLabel('Status').selectOption('declined');
    await page.getByText('No spend request matches').waitFor();
    await page.getByLabel('Status').selectOption('');
    await expect.poll(rows).toBe(50);
    await loadMore().waitFor();
  });
});
