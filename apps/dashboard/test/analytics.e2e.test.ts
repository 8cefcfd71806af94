import { describe, expect, it } from 'vitest';
import { spendBody } from '../../../packages/server/test/helpers/server.js';
import { fileHarness, nav, seedPost, shot, type Harness } from './harness.js';

/**
 * Spend analytics: totals per currency, top spenders by agent (linked to the agent's page) or
 * by merchant, spend per day, and declines by reason over time, all summed by the server; the
 * range and grouping live in the address.
 */
const ids: Record<string, string> = {};

async function seed(h: Harness): Promise<void> {
  const { s } = h;
  const post = (path: string, body: unknown, key = s.mgmt) => seedPost(s, path, body, key);
  const eur = await post('/v1/wallets', { currency: 'eur' });
  await post(`/v1/wallets/${eur.id}/fund`, { amount_cents: 100_000 });
  const policy = (await post('/v1/policies', { name: 'Euro team', currency: 'eur', max_single_amount_cents: 5_000 })).id;
  ids.euro = (await post('/v1/agents', { name: 'euro-buyer', policy_id: policy })).id;
  const key = (await post('/v1/api-keys', { agent_id: ids.euro })).key as string;
  await post('/v1/spend-requests', spendBody(4_200, { currency: 'eur', merchant_name: 'Mistral' }), key);
  expect((await post('/v1/spend-requests', spendBody(9_000, { currency: 'eur', merchant_name: 'Mistral' }), key)).decision_code).toBe('exceeds_single_limit');
  await post('/v1/spend-requests', spendBody(12_500, { merchant_name: 'OpenAI' }), s.spend);
  await post('/v1/spend-requests', spendBody(2_500, { merchant_name: 'openai.com' }), s.spend);
  await post('/v1/spend-requests', spendBody(1_000, { merchant_name: 'AWS' }), s.spend);
}

const h = fileHarness({ seed });
const rows = () => h.page.locator('main tr[data-group]');

describe('spend analytics in Chromium', () => {
  it('shows totals per currency and the top spenders by agent, linked to their pages', async () => {
    const { page, s } = h;
    await nav(page, 'Analytics');
    await page.getByRole('heading', { name: 'Spend analytics', level: 1 }).waitFor();
    await expect.poll(() => rows().count()).toBe(2);
    expect(await page.locator('[data-total="usd"]').textContent()).toContain('$160.00');
    expect(await page.locator('[data-total="eur"]').textContent()).toMatch(/€42\.00.*2 requests, 1 declined/);
    // Largest first, one row per currency: never dollars and euros added together.
    const texts = await rows().allTextContents();
    expect(texts[0]).toMatch(/default-agent.*\$160\.00/);
    expect(texts[1]).toMatch(/euro-buyer.*€42\.00.*1 \(€90\.00\)/);
    expect(await page.getByTestId('daily-chart').count()).toBe(2);
    const declines = page.locator('main tr[data-decline]');
    await expect.poll(() => declines.count()).toBe(2);
    expect(await declines.first().textContent()).toMatch(/Over the single-request limit\s*1\s*€90\.00/);
    expect(await declines.nth(1).textContent()).toContain(new Date().toISOString().slice(0, 10));
    await shot(page, 'analytics');

    await rows().first().getByRole('link', { name: 'default-agent' }).click();
    await page.getByRole('heading', { name: 'default-agent', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/agents/${s.agentId}`);
  });

  it('groups by merchant and keeps the range and grouping in the address', async () => {
    const { page } = h;
    await nav(page, 'Analytics');
    await page.getByLabel('Group by').selectOption('merchant');
    await page.getByRole('heading', { name: 'Top spenders by merchant' }).waitFor();
    await expect.poll(async () => (await rows().allTextContents()).map((t) => t.split('$')[0]!.split('€')[0]!.trim())).toEqual([
      expect.stringMatching(/^(OpenAI|openai\.com)$/),
      'Mistral',
      'AWS',
    ]);
    expect(await rows().first().textContent()).toContain('$150.00');
    await page.getByLabel('Range').selectOption('7');
    expect(new URL(page.url()).searchParams.toString()).toBe('group_by=merchant&range=7');
    await page.reload();
    expect(await page.getByLabel('Group by').inputValue()).toBe('merchant');
    expect(await page.getByLabel('Range').inputValue()).toBe('7');
    await expect.poll(() => rows().count()).toBe(3);
  });
});

describe('the overview’s burn charts', () => {
  it('are drawn from sums the server made, not from downloaded requests', async () => {
    const { page, s } = h;
    const asked: string[] = [];
    const listen = (r: { url(): string }) => asked.push(new URL(r.url()).pathname + new URL(r.url()).search);
    page.on('request', listen);
    await page.goto(s.url);
    const card = page.locator(`article[data-burn-policy="${s.policyId}"]`);
    await card.getByTestId('burn-chart').waitFor();
    await page.waitForLoadState('networkidle');
    page.off('request', listen);
    expect(asked.filter((u) => u.startsWith('/v1/analytics/spend') && u.includes(`policy_id=${s.policyId}`) && u.includes('budget=policy'))).not.toEqual([]);
    // The only spend request list it loads is its 8 latest declines.
    expect(asked.filter((u) => u.startsWith('/v1/spend-requests')).every((u) => u.includes('status=declined') && u.includes('limit=8'))).toBe(true);
    // Its chart ends on the server's figure: the default agent's $160.00 held against its policy.
    expect(await card.getByRole('img').evaluate((svg) => svg.querySelector('desc')?.textContent ?? '')).toContain('$160.00 of');
  });
});
