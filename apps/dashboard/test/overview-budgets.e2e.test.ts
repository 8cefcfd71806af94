import { describe, expect, it } from 'vitest';
import { spendBody } from '../../../packages/server/test/helpers/server.js';
import { expectAccessible, fileHarness, seedPost, type Harness } from './harness.js';

/**
 * The overview's budget burn shows each policy's own windows, never a child's lease in their
 * place; leases are listed apart and named as leases; a window pushed past its limit (by
 * approvals that overrode the budget) is red and says by how much, in words.
 */
const ids: Record<string, string> = {};

async function seed(h: Harness): Promise<void> {
  const { s } = h;
  const post = (path: string, body: unknown, key = s.mgmt) => seedPost(s, path, body, key);
  const keyOf = async (agentId: string) => (await post('/v1/api-keys', { agent_id: agentId })).key as string;

  // A policy with daily and monthly windows; its parent agent leases $100 to a child, who spends $31.90 of it.
  ids.team = (await post('/v1/policies', { name: 'Research team', currency: 'usd', daily_limit_cents: 80_000, monthly_limit_cents: 300_000 })).id;
  ids.parent = (await post('/v1/agents', { name: 'orchestrator', policy_id: ids.team })).id;
  ids.child = (await post('/v1/agents', { name: 'sub-researcher', policy_id: ids.team, parent_agent_id: ids.parent })).id;
  await post('/v1/spend-requests', spendBody(12_000, { merchant_name: 'OpenAI' }), await keyOf(ids.parent));
  ids.lease = (await post('/v1/spend-guard/budget-leases', { parent_agent_id: ids.parent, child_agent_id: ids.child, amount_cents: 10_000, currency: 'usd' })).id;
  const spent = await post('/v1/spend-requests', spendBody(3190, { merchant_name: 'Anthropic' }), await keyOf(ids.child));
  expect(spent.status).toBe('approved');

  // A $100 monthly budget that two approvals, the second overriding it, pushed $70 past its limit.
  ids.tight = (await post('/v1/policies', { name: 'Tight budget', currency: 'usd', monthly_limit_cents: 10_000, require_approval_over_cents: 1000 })).id;
  const agent = (await post('/v1/agents', { name: 'spender', policy_id: ids.tight })).id;
  const key = await keyOf(agent);
  const a = await post('/v1/spend-requests', spendBody(8000), key);
  const b = await post('/v1/spend-requests', spendBody(9000), key);
  expect([a.status, b.status]).toEqual(['needs_approval', 'needs_approval']);
  await post(`/v1/approvals/${a.approval_id}/approve`, {});
  await post(`/v1/approvals/${b.approval_id}/approve`, { override_budget: true });
}

const h = fileHarness({ seed });

describe('budget burn on the overview', () => {
  it('shows a policy’s own daily and monthly windows, with its child’s lease apart and labelled as a lease', async () => {
    const { page } = h;
    const card = page.locator(`article[data-burn-policy="${ids.team}"]`);
    await card.locator('[data-window]').first().waitFor();
    // The chart is of the policy's monthly window, not of the lease.
    const chart = card.getByRole('img', { name: /Research team: monthly budget/ });
    expect(await chart.evaluate((svg) => svg.querySelector('desc')?.textContent ?? '')).toMatch(/of \$3,000\.00 used/);
    const windows = card.getByRole('list', { name: 'Budget windows of Research team' });
    expect(await windows.locator('[data-window]').evaluateAll((els) => els.map((e) => e.getAttribute('data-window')))).toEqual(['daily', 'monthly']);
    // The parent's approved $120 and the whole $100 lease are held in the policy's windows.
    expect(await windows.locator('[data-window="daily"]').textContent()).toContain('$0.00 spent + $220.00 held of $800.00');
    expect(await windows.locator('[data-window="monthly"]').textContent()).toContain('of $3,000.00');
    expect(await card.textContent()).not.toMatch(/lifetime/);
    const lease = card.getByRole('list', { name: 'Leases granted by agents of Research team' }).locator(`[data-lease="${ids.lease}"]`);
    expect(await lease.textContent()).toMatch(/lease orchestrator → sub-researcher\s*\$0\.00 spent \+ \$31\.90 held of \$100\.00 · 32%/);
    expect(await card.locator('[data-over-limit], [data-testid="burn-over"]').count()).toBe(0);
    await expectAccessible(page, 'overview budgets');
  });

  it('marks a window pushed past its limit in red and says by how much', async () => {
    const { page } = h;
    const card = page.locator(`article[data-burn-policy="${ids.tight}"]`);
    await card.locator('[data-window]').first().waitFor();
    const alarm = card.getByTestId('burn-over');
    expect(await alarm.textContent()).toContain('Over limit by $70.00');
    expect(await card.locator('[data-window="monthly"] [data-over-limit]').textContent()).toContain('Over limit by $70.00');
    const chart = card.getByRole('img', { name: /Tight budget: monthly budget/ });
    expect(await chart.evaluate((svg) => svg.querySelector('desc')?.textContent ?? '')).toContain('over the limit by $70.00');
    // Red, and the card's frame too: not colour alone, the words above say it.
    expect(await alarm.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(192, 57, 43)');
    expect(await card.evaluate((el) => getComputedStyle(el).borderTopColor)).toBe('rgb(192, 57, 43)');
    expect(await card.locator('.burn-line').evaluate((el) => getComputedStyle(el).stroke)).toBe('rgb(192, 57, 43)');
  });
});
