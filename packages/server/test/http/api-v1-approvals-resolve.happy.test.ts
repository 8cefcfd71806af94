import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError, v1 } from '../helpers/api-v1.js';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { expectNoStateChange, freshAgent } from './support.js';

describe('/api/v1 approvals: a budget that no longer fits', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 1_000_000 } });
  });
  afterAll(() => s.close());

  it('answers 409 naming this dialect’s field, and resolving again with that field approves it', async () => {
    const ag = await freshAgent(s, { monthly_limit_cents: 50_000, require_approval_over_cents: 25_000 }, 'resolve-over');
    const big = await api(s.url, 'POST', '/v1/spend-requests', { key: ag.key, body: spendBody(30_000) });
    expect(big.body.status).toBe('needs_approval');
    // Meanwhile the agent spends 48000 of its 50000: the pending 30000 no longer fits.
    for (const amount of [24_000, 24_000]) {
      expect((await api(s.url, 'POST', '/v1/spend-requests', { key: ag.key, body: spendBody(amount) })).body.status).toBe('approved');
    }
    const path = `/approvals/${big.body.approval_id}/resolve`;

    const refused = await expectNoStateChange(s, () => v1(s, 'POST', path, s.mgmt, { status: 'APPROVED' }));
    expectApiError(refused, 409, /exceed the monthly budget by 28000 cents/);
    expect(refused.body.error).not.toMatch(/override_budget/);
    const advised = /with (\w+): true/.exec(refused.body.error)?.[1];
    expect(advised).toBe('overrideBudget');

    // The /v1 spelling is not this dialect's: refused by name, nothing changes.
    expectApiError(await expectNoStateChange(s, () => v1(s, 'POST', path, s.mgmt, { status: 'APPROVED', override_budget: true })), 400, /override_budget: unknown field/);

    const forced = await v1(s, 'POST', path, s.mgmt, { status: 'APPROVED', [advised!]: true, note: 'launch week' });
    expect(forced.status, JSON.stringify(forced.body)).toBe(200);
    expect(forced.body).toMatchObject({ id: big.body.approval_id, status: 'APPROVED', note: 'launch week', spendRequestId: big.body.id, sat: expect.any(String) });
    const after = await api(s.url, 'GET', `/v1/approvals/${big.body.approval_id}`, { key: s.mgmt });
    expect(after.body).toMatchObject({ status: 'approved', override_budget: true });
    const audit = await s.server.db.db.selectFrom('audit_log').select('action').where('object_id', '=', big.body.approval_id).execute();
    expect(audit.map((a) => a.action)).toEqual(['approval.approved_with_override']);
  });

  it('overrideBudget: false is an ordinary APPROVED: still 409 when the budget does not fit', async () => {
    const ag = await freshAgent(s, { monthly_limit_cents: 40_000, require_approval_over_cents: 25_000 }, 'resolve-no-override');
    const big = await api(s.url, 'POST', '/v1/spend-requests', { key: ag.key, body: spendBody(30_000) });
    expect((await api(s.url, 'POST', '/v1/spend-requests', { key: ag.key, body: spendBody(20_000) })).body.status).toBe('approved');
    const r = await v1(s, 'POST', `/approvals/${big.body.approval_id}/resolve`, s.mgmt, { status: 'APPROVED', overrideBudget: false });
    expectApiError(r, 409, /overrideBudget: true/);
    expect((await api(s.url, 'GET', `/v1/approvals/${big.body.approval_id}`, { key: s.mgmt })).body.status).toBe('pending');
  });
});
