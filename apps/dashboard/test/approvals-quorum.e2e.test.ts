import { describe, expect, it } from 'vitest';
import { api, spendBody } from '../../../packages/server/test/helpers/server.js';
import { expectAccessible, fileHarness } from './harness.js';

/**
 * Approval quorum in the dashboard: a policy that asks two operators shows "1 of 2 approvals" and
 * who approved; the operator who approved cannot approve again, and a second operator, signed in
 * with another management key, finishes it.
 */
const h = fileHarness();

describe('an approval that needs two operators', () => {
  it('shows 1 of 2 and who approved, and lets a second operator finish', async () => {
    const { page, s } = h;
    expect((await api(s.url, 'PUT', `/v1/policies/${s.policyId}`, { key: s.mgmt, body: { approvals_required: 2 } })).status).toBe(200);
    const second = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management', name: 'finance' } });
    expect(second.status).toBe(201);
    // The default policy asks for approval above $250.
    const req = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(30_000, { merchant_name: 'Orbital Data' }) });
    expect(req.body.status, JSON.stringify(req.body)).toBe('needs_approval');

    await page.goto(`${s.url}/approvals?spend_request_id=${req.body.id}`);
    const card = page.locator(`article.focused[data-spend-request="${req.body.id}"]`);
    await expect.poll(() => card.getByTestId('quorum').textContent()).toContain('0 of 2 approvals');
    await card.getByLabel(/Note/).fill('within the Q3 plan');
    await card.getByRole('button', { name: 'Approve (1 of 2)' }).click();

    // Still pending: one approval, by the signed-in key ("you"); this operator can only decline now.
    await expect.poll(() => card.getByTestId('quorum').textContent()).toContain('1 of 2 approvals');
    expect(await card.getByTestId('quorum').textContent()).toMatch(/you · .*within the Q3 plan/);
    expect(await card.textContent()).toContain('You approved this request. It needs 1 more approval from another operator');
    expect(await card.getByRole('button', { name: /^Approve/ }).count()).toBe(0);
    const mid = (await api(s.url, 'GET', `/v1/approvals/${req.body.approval_id}`, { key: s.mgmt })).body;
    expect(mid).toMatchObject({ status: 'pending', approvals: [{ note: 'within the Q3 plan' }], approvals_required: 2 });
    await expectAccessible(page, 'approval waiting for a second operator');

    // Another operator signs in with their own key and finishes it.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Management key').fill(second.body.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signing in again returns to the address it signed out on: the same approval.
    await page.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
    await expect.poll(() => card.getByTestId('quorum').textContent()).toContain('1 of 2 approvals');
    // The other operator by their key's name and prefix.
    const first = (await api(s.url, 'GET', '/v1/api-keys?limit=100', { key: s.mgmt })).body.data.find((k: { id: string }) => k.id === mid.approvals[0].by);
    await expect.poll(() => card.getByTestId('quorum').textContent()).toContain(`${first.name} (${first.prefix}…)`);
    await card.getByRole('button', { name: 'Approve', exact: true }).click();

    await expect.poll(async () => (await api(s.url, 'GET', `/v1/approvals/${req.body.approval_id}`, { key: s.mgmt })).body.status).toBe('approved');
    const done = (await api(s.url, 'GET', `/v1/approvals/${req.body.approval_id}`, { key: s.mgmt })).body;
    expect(done.approvals.map((v: { by: string }) => v.by)).toEqual([mid.approvals[0].by, second.body.id]);
    await expect.poll(() => card.getByTestId('quorum').textContent()).toContain('2 of 2 approvals');
  });
});
