import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from './helpers/server.js';

describe('the reference examples', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('approves 12000 against a 50000 monthly budget leaving 38000', async () => {
    const r = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(12000), headers: { 'idempotency-key': 'a1' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'approved',
      decision_reason: 'Spend request approved',
      budget_period: 'monthly',
      remaining_budget_cents: 38000,
      remaining_monthly_budget_cents: 38000,
      amount_cents: 12000,
      currency: 'usd',
      merchant_name: 'AWS',
    });
    expect(r.body.id).toMatch(/^req_/);
  });

  it('sends 60000 to a human with an approval_url', async () => {
    const r = await api(s.url, 'POST', '/v1/spend', { key: s.spend, body: spendBody(60000, { merchant_name: 'OpenAI' }) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'needs_approval', decision_reason: 'Amount requires approval', remaining_budget_cents: 38000 });
    expect(r.body.approval_url).toBe(`${s.url}/approvals?spend_request_id=${r.body.id}`);
  });
});
