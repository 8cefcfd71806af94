import { describe, expect, it } from 'vitest';
import { api, spendBody } from '../../../packages/server/test/helpers/server.js';
import { expectAccessible, fileHarness } from './harness.js';

/**
 * "Over budget by" never goes stale into a decision: Approve fetches the approval again (the
 * server computes `exceeds_budget_by_cents` at that moment) and the confirmation dialog shows
 * that figure, even when another approval under the same budget moved it after the card loaded.
 */
const h = fileHarness();

const create = async (amount: number, merchant: string) => {
  const r = await api(h.s.url, 'POST', '/v1/spend-requests', { key: h.s.spend, body: spendBody(amount, { merchant_name: merchant }) });
  expect(r.body.status, JSON.stringify(r.body)).toBe('needs_approval');
  return r.body as { id: string; approval_id: string };
};
const approveByApi = async (approvalId: string, body: Record<string, unknown> = {}) => {
  const r = await api(h.s.url, 'POST', `/v1/approvals/${approvalId}/approve`, { key: h.s.mgmt, body });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
};

describe('the over-budget figure of an approval', () => {
  it('is fetched again before the confirmation, which shows the refreshed figure', async () => {
    const { page, s } = h;
    // The default policy: $500 a month, approval above $250; a $1,000 wallet.
    const first = await create(26_000, 'Zephyr GPU Cloud');
    const mine = await create(30_000, 'Orbital Data');
    const other = await create(30_000, 'Nimbus Storage');
    await approveByApi(first.approval_id);

    // The approval_url's page loads the approval once: $260 held, $300 more is $60 over.
    await page.goto(`${s.url}/approvals?spend_request_id=${mine.id}`);
    const card = page.locator(`article.focused[data-spend-request="${mine.id}"]`);
    await expect.poll(() => card.textContent()).toContain('Exceeds the monthly budget by $60.00');

    // Someone else approves another request under the same budget, overriding it: $560 held.
    await approveByApi(other.approval_id, { override_budget: true });
    expect((await api(s.url, 'GET', `/v1/approvals/${mine.approval_id}`, { key: s.mgmt })).body.exceeds_budget_by_cents).toBe(36_000);

    await card.getByRole('button', { name: 'Approve over budget' }).click();
    const dialog = page.getByRole('dialog', { name: 'Approve $300.00 over budget?' });
    await dialog.waitFor();
    expect(await dialog.getByTestId('override-figure').textContent()).toContain('exceeds the monthly budget by $360.00');
    expect(await card.textContent()).toContain('Exceeds the monthly budget by $360.00');
    await expectAccessible(page, 'override confirmation');

    await dialog.getByRole('button', { name: 'Approve over budget' }).click();
    await expect.poll(async () => (await api(s.url, 'GET', `/v1/approvals/${mine.approval_id}`, { key: s.mgmt })).body.status).toBe('approved');
    expect((await api(s.url, 'GET', `/v1/approvals/${mine.approval_id}`, { key: s.mgmt })).body.override_budget).toBe(true);

    // The history keeps who decided, when, and the figure the server computed at that moment.
    const row = page.locator(`section[aria-labelledby="approval-history-title"] tr[data-approval="${mine.approval_id}"]`);
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('over by $360.00 (overridden)');
    expect(await row.textContent()).toContain('$0.00 spent + $560.00 held of $500.00 (monthly budget)');
    expect(await row.locator('td').nth(3).textContent()).toBe('you');
    await expectAccessible(page, 'approval history');
  });

  it('approves without a dialog when the refreshed figure fits the budget again', async () => {
    const { page, s } = h;
    await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 100_000 } });
    const setMonthly = async (cents: number) =>
      expect((await api(s.url, 'PUT', `/v1/policies/${s.policyId}`, { key: s.mgmt, body: { monthly_limit_cents: cents } })).status).toBe(200);
    // $860 is held: with a $1,000 budget $260 fits; cut to $900, it is $220 over.
    await setMonthly(100_000);
    const small = await create(26_000, 'Quiet Compute');
    await setMonthly(90_000);
    await page.goto(`${s.url}/approvals?spend_request_id=${small.id}`);
    const card = page.locator(`article.focused[data-spend-request="${small.id}"]`);
    await expect.poll(() => card.textContent()).toContain('Exceeds the monthly budget by $220.00');
    // The budget is raised after the card loaded: Approve finds it fits and needs no override.
    await setMonthly(200_000);
    await card.getByRole('button', { name: 'Approve over budget' }).click();
    await expect.poll(async () => (await api(s.url, 'GET', `/v1/approvals/${small.approval_id}`, { key: s.mgmt })).body.status).toBe('approved');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect((await api(s.url, 'GET', `/v1/approvals/${small.approval_id}`, { key: s.mgmt })).body.override_budget).toBe(false);
  });
});
