import { describe, expect, it } from 'vitest';
import { api, spendBody } from '../../../packages/server/test/helpers/server.js';
import { fileHarness, nav, shot } from './harness.js';

/**
 * Investigating spend requests: the filters live in the address (a reload and Back from a
 * request keep them), times read to the second with their zone, and a captured amount shows
 * beside the one requested.
 */
const h = fileHarness({
  seed: async ({ s }) => {
    const made = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(1999, { merchant_name: 'Zephyr GPU Cloud' }) });
    expect(made.body.status).toBe('approved');
    expect((await api(s.url, 'POST', `/v1/spend-requests/${made.body.id}/complete`, { key: s.spend, body: { amount_cents: 1500 } })).status).toBe(200);
    for (const merchant of ['Orbital Data', 'Nimbus Storage']) await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(700, { merchant_name: merchant }) });
  },
});

const rows = () => h.page.locator('main table tbody tr');
const search = () => new URL(h.page.url()).searchParams;

describe('the spend request list in Chromium', () => {
  it('keeps its filters in the address: Back from a request and a reload keep them', async () => {
    const { s, page } = h;
    await nav(page, 'Spend requests');
    await expect.poll(() => rows().count()).toBe(3);
    await page.getByLabel('Status').selectOption('completed');
    await expect.poll(() => rows().count()).toBe(1);
    expect(search().get('status')).toBe('completed');

    await rows().first().getByRole('link').click();
    await page.getByRole('heading', { name: '$19.99 at Zephyr GPU Cloud' }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Spend requests', level: 1 }).waitFor();
    expect(await page.getByLabel('Status').inputValue()).toBe('completed');
    await expect.poll(() => rows().count()).toBe(1);

    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Merchant').fill('Orbital Data');
    await expect.poll(() => rows().count()).toBe(1);
    expect([...search().entries()]).toEqual([['merchant', 'Orbital Data']]);
    await page.reload();
    expect(await page.getByLabel('Merchant').inputValue()).toBe('Orbital Data');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain('Orbital Data');
    // Going through the list again starts it unfiltered.
    await page.getByLabel('Merchant').fill('');
    expect(page.url()).toBe(`${s.url}/spend-requests`);
  });

  it('shows times to the second with their zone, and the captured amount beside the requested one', async () => {
    const { page } = h;
    await nav(page, 'Spend requests');
    const row = page.locator('main table tbody tr', { hasText: 'Zephyr GPU Cloud' });
    await row.waitFor();
    const created = (await row.locator('time').textContent())!;
    // The browser runs in Europe/Paris (harness): seconds, then the zone.
    expect(created).toMatch(/\d{1,2}:\d{2}:\d{2}\s?[AP]M GMT\+\d/);
    const amount = (await row.locator('td[data-label="Amount"]').textContent())!;
    expect(amount).toContain('$19.99');
    expect(amount).toContain('captured $15.00');
    expect(await page.locator('main table tbody tr', { hasText: 'Orbital Data' }).locator('[data-captured]').count()).toBe(0);
    await shot(page, 'spend-requests-captured');

    await row.getByRole('link').click();
    await page.getByRole('heading', { name: '$19.99 at Zephyr GPU Cloud' }).waitFor();
    const captured = page.locator('.fact', { has: page.locator('dt', { hasText: /^Captured$/ }) });
    await expect.poll(() => captured.textContent()).toContain('$15.00 of $19.99 requested');
    const when = page.locator('.fact', { has: page.locator('dt', { hasText: /^Created$/ }) });
    expect(await when.textContent()).toMatch(/:\d{2}:\d{2}\s?[AP]M GMT\+\d/);
  });
});
