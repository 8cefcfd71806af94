import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { api, spendBody } from '../../../packages/server/test/helpers/server.js';
import { fileHarness, nav, shot } from './harness.js';

/**
 * Investigating spend requests: the filters live in the address (a reload and Back from a
 * request keep them), the merchant matches part of its name, days and amounts bound the list,
 * the filtered list exports as CSV, times read to the second with their zone, and a captured
 * amount shows beside the one requested.
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

    await rows().first().getByRole('link', { name: /details$/ }).click();
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

    await row.getByRole('link', { name: /details$/ }).click();
    await page.getByRole('heading', { name: '$19.99 at Zephyr GPU Cloud' }).waitFor();
    const captured = page.locator('.fact', { has: page.locator('dt', { hasText: /^Captured$/ }) });
    await expect.poll(() => captured.textContent()).toContain('$15.00 of $19.99 requested');
    const when = page.locator('.fact', { has: page.locator('dt', { hasText: /^Created$/ }) });
    expect(await when.textContent()).toMatch(/:\d{2}:\d{2}\s?[AP]M GMT\+\d/);
  });

  it('matches part of the merchant name, bounds days and amounts, and keeps them all in the address', async () => {
    const { s, page } = h;
    await page.goto(`${s.url}/spend-requests`);
    await expect.poll(() => rows().count()).toBe(3);
    await page.getByLabel('Merchant').fill('zeph');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain('Zephyr GPU Cloud');
    await page.getByLabel('Merchant').fill('DATA');
    await expect.poll(() => rows().allTextContents()).toEqual([expect.stringContaining('Orbital Data')]);
    await page.getByLabel('Merchant').fill('');

    await page.getByLabel('Min amount').fill('7');
    await page.getByLabel('Max amount').fill('10');
    await expect.poll(() => rows().count()).toBe(2);
    await page.getByLabel('Max amount').fill('lots');
    await page.locator('#max-amount-error').waitFor();
    // A bound that is no amount is not applied (and says why); the other still is.
    await expect.poll(() => rows().count()).toBe(3);
    await page.getByLabel('Max amount').fill('');
    await page.getByLabel('Min amount').fill('19.99');
    await expect.poll(() => rows().count()).toBe(1);
    await page.getByLabel('Min amount').fill('');

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
    const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() - 86_400_000));
    await page.getByLabel('Created from').fill(today);
    await page.getByLabel('Created to').fill(today);
    await expect.poll(() => rows().count()).toBe(3);
    await page.getByLabel('Created to').fill(yesterday);
    await expect.poll(() => rows().count()).toBe(0);
    await page.getByLabel('Created from').fill('');
    await page.getByLabel('Created to').fill('');

    await page.getByLabel('Merchant').fill('o');
    await page.getByLabel('Currency').selectOption('usd');
    await page.getByLabel('Min amount (USD)').fill('7.00');
    await expect.poll(() => rows().count()).toBe(3);
    expect(Object.fromEntries(search())).toEqual({ merchant: 'o', currency: 'usd', min: '7.00' });
    await page.reload();
    expect(await page.getByLabel('Min amount (USD)').inputValue()).toBe('7.00');
    await page.getByLabel('Min amount (USD)').fill('8');
    await expect.poll(() => rows().count()).toBe(1);
    await shot(page, 'spend-requests-filters');
  });

  it('exports the filtered list as CSV, with agent names', async () => {
    const { s, page } = h;
    await page.goto(`${s.url}/spend-requests?merchant=o&max=10`);
    await expect.poll(() => rows().count()).toBe(2);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^bursar-spend-requests-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await file.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe(
      'id,created_at,decided_at,status,amount_cents,captured_amount_cents,currency,merchant_name,category,agent_id,agent_name,policy_id,reason,decision_code,decision_reason',
    );
    const listed = (await api(s.url, 'GET', '/v1/spend-requests?merchant_contains=o&max_amount_cents=1000', { key: s.mgmt })).body.data as Array<{ id: string }>;
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(listed.map((r) => r.id));
    expect(csv.slice(1).map((line) => line.split(',')[7]).sort()).toEqual(['Nimbus Storage', 'Orbital Data']);
    expect(csv[1]).toContain(`,${s.agentId},default-agent,`);
  });
});
