import { describe, expect, it } from 'vitest';
import { spendBody } from '../../../packages/server/test/helpers/server.js';
import { fileHarness, nav, seedPost, shot, type Harness } from './harness.js';

/**
 * An agent's page: what it spent (summed by the server), the budget it spends from, its keys,
 * cards and leases, its latest declines; every agent name in the dashboard links to it.
 */
const ids: Record<string, string> = {};

async function seed(h: Harness): Promise<void> {
  const { s } = h;
  const post = (path: string, body: unknown, key = s.mgmt) => seedPost(s, path, body, key);
  ids.policy = (await post('/v1/policies', { name: 'Scouts', currency: 'usd', daily_limit_cents: 50_000, max_single_amount_cents: 20_000 })).id;
  ids.agent = (await post('/v1/agents', { name: 'scout', policy_id: ids.policy })).id;
  ids.child = (await post('/v1/agents', { name: 'scout-junior', policy_id: ids.policy, parent_agent_id: ids.agent })).id;
  const key = await post('/v1/api-keys', { agent_id: ids.agent, name: 'scout laptop' });
  ids.key = key.id;
  await post('/v1/spend-requests', spendBody(7_500, { merchant_name: 'Perplexity' }), key.key);
  await post('/v1/spend-requests', spendBody(2_500, { merchant_name: 'AWS' }), key.key);
  ids.declined = (await post('/v1/spend-requests', spendBody(30_000, { merchant_name: 'Zephyr GPU Cloud' }), key.key)).id;
  ids.lease = (await post('/v1/spend-guard/budget-leases', { parent_agent_id: ids.agent, child_agent_id: ids.child, amount_cents: 5_000, currency: 'usd' })).id;
  ids.card = (await post('/v1/cards', { policy_id: ids.policy, agent_id: ids.agent, name: 'scout card', spend_limit_cents: 10_000 })).id;
}

const h = fileHarness({ seed });

describe('the agent page in Chromium', () => {
  it('opens from the Agents list and shows its spend, budget, declines, keys, cards and leases', async () => {
    const { page } = h;
    await nav(page, 'Agents');
    await page.locator(`tr[data-agent="${ids.agent}"]`).getByRole('link', { name: 'scout', exact: true }).click();
    await page.getByRole('heading', { name: 'scout', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/agents/${ids.agent}`);

    await page.locator('[data-total="usd"]').waitFor();
    expect(await page.locator('[data-total="usd"]').textContent()).toMatch(/\$100\.00.*3 requests, 1 declined/);
    const merchants = page.locator('main tr[data-group]');
    await expect.poll(() => merchants.allTextContents()).toEqual([
      expect.stringMatching(/^Perplexity\$75\.00/),
      expect.stringMatching(/^AWS\$25\.00/),
      expect.stringMatching(/^Zephyr GPU Cloud\$0\.00.*1 \(\$300\.00\)$/),
    ]);
    // The policy's daily window: its two approvals and the lease it granted are held there.
    const daily = page.locator('tr[data-window="daily"]');
    await expect.poll(() => daily.textContent()).toContain('$0.00 spent + $150.00 held of $500.00');
    const decline = page.locator('main table', { has: page.locator('caption', { hasText: 'Its latest declined requests' }) }).locator('tbody tr');
    await expect.poll(() => decline.count()).toBe(1);
    expect(await decline.textContent()).toContain('Zephyr GPU Cloud');
    expect(await page.locator(`tr[data-key="${ids.key}"]`).textContent()).toContain('scout laptop');
    expect(await page.locator(`tr[data-card="${ids.card}"]`).textContent()).toContain('scout card');
    const lease = page.locator(`tr[data-lease="${ids.lease}"]`);
    expect(await lease.textContent()).toMatch(/scout → scout-junior.*\$0\.00 spent \+ \$0\.00 held of \$50\.00/);
    await shot(page, 'agent-page');

    await lease.getByRole('link', { name: 'scout-junior' }).click();
    await page.getByRole('heading', { name: 'scout-junior', level: 1 }).waitFor();
    await expect.poll(() => page.locator('.facts').textContent()).toContain('Parent agentscout');
  });

  it('is linked from the spend requests list and a request’s page', async () => {
    const { page } = h;
    await nav(page, 'Spend requests');
    const row = page.locator('main table tbody tr', { hasText: 'Zephyr GPU Cloud' });
    await row.getByRole('link', { name: 'scout' }).click();
    await page.getByRole('heading', { name: 'scout', level: 1 }).waitFor();
    await page.goBack();
    await row.getByRole('link', { name: /Zephyr GPU Cloud/ }).click();
    await page.locator('.facts').getByRole('link', { name: 'scout', exact: true }).click();
    await page.getByRole('heading', { name: 'scout', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/agents/${ids.agent}`);
  });

  it('says so when there is no such agent', async () => {
    const { page, s } = h;
    await page.goto(`${s.url}/agents/agt_00000000000000000000000000`);
    await page.getByRole('alert').filter({ hasText: 'Could not load agent' }).waitFor();
  });
});
