import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange, freshAgent, walletBalance, type FreshAgent } from './support.js';

let s: TestServer;
let ag: FreshAgent;
let pending: { id: string; spendId: string };
beforeAll(async () => {
  s = await startTestServer();
  ag = await freshAgent(s, { monthly_limit_cents: 50_000, require_approval_over_cents: 25_000 }, 'err');
  const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(30_000) });
  pending = { id: r.body.approval_id, spendId: r.body.id };
});
afterAll(() => s.close());

async function stillPending() {
  expect((await api(s.url, 'GET', `/v1/approvals/${pending.id}`, { key: s.mgmt })).body.status).toBe('pending');
  expect((await api(s.url, 'GET', `/v1/spend/${pending.spendId}`, { key: ag.key })).body.status).toBe('needs_approval');
}

describe.each([
  { name: 'a string override_budget', body: { override_budget: 'yes' }, field: 'override_budget' },
  { name: 'a numeric override_budget', body: { override_budget: 1 }, field: 'override_budget' },
  { name: 'a numeric note', body: { note: 5 }, field: 'note' },
  { name: 'a note too long', body: { note: 'n'.repeat(1001) }, field: 'note' },
  { name: 'an unknown field', body: { approved: true }, field: 'approved' },
  { name: 'an amount (approvers cannot change it)', body: { amount_cents: 100 }, field: 'amount_cents' },
  { name: 'an array body', body: [], field: 'body' },
])('POST /v1/approvals/:id/approve with $name', ({ body, field }) => {
  it('is a 400 invalid_request naming the field; the approval stays pending', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/approvals/${pending.id}/approve`, { key: s.mgmt, body }));
    expectError(r, 400, 'invalid_request', field);
    await stillPending();
  });
});

describe.each([
  { name: 'override_budget (decline has none)', body: { override_budget: true }, field: 'override_budget' },
  { name: 'a boolean note', body: { note: false }, field: 'note' },
  { name: 'a note too long', body: { note: 'n'.repeat(1001) }, field: 'note' },
  { name: 'an unknown field', body: { reason: 'no' }, field: 'reason' },
])('POST /v1/approvals/:id/decline with $name', ({ body, field }) => {
  it('is a 400 invalid_request naming the field; the approval stays pending', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/approvals/${pending.id}/decline`, { key: s.mgmt, body }));
    expectError(r, 400, 'invalid_request', field);
    await stillPending();
  });
});

describe('approvals that are not there', () => {
  it.each([
    ['GET', '/v1/approvals/apr_00000000000000000000000000'],
    ['POST', '/v1/approvals/apr_00000000000000000000000000/approve'],
    ['POST', '/v1/approvals/apr_00000000000000000000000000/decline'],
    ['POST', '/v1/approvals/req_00000000000000000000000000/approve'],
  ])('%s %s is a 404 not_found', async (method, path) => {
    const r = await expectNoStateChange(s, () => api(s.url, method, path, { key: s.mgmt, ...(method === 'POST' ? { body: {} } : {}) }));
    expectError(r, 404, 'not_found');
  });

  it('approving by the spend request id instead of the approval id is a 404', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/approvals/${pending.spendId}/approve`, { key: s.mgmt, body: {} }));
    expectError(r, 404, 'not_found');
    await stillPending();
  });
});

describe.each([
  { query: 'status=waiting', field: 'status' },
  { query: 'status=needs_approval', field: 'status' },
  { query: 'limit=0', field: 'limit' },
  { query: 'limit=x', field: 'limit' },
])('GET /v1/approvals?$query', ({ query, field }) => {
  it('is a 400 invalid_request naming the parameter', async () => {
    expectError(await api(s.url, 'GET', `/v1/approvals?${query}`, { key: s.mgmt }), 400, 'invalid_request', field);
  });
});

it('approving a request the wallet cannot cover is a 402 funding_source_budget_exceeded and it stays pending', async () => {
  const poor = await freshAgent(s, { require_approval_over_cents: 0 }, 'poor');
  const { available } = await walletBalance(s);
  const r = await api(s.url, 'POST', '/v1/spend', { key: poor.key, body: spendBody(available + 1) });
  expect(r.body.status).toBe('needs_approval');
  const approve = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/approvals/${r.body.approval_id}/approve`, { key: s.mgmt, body: { override_budget: true } }));
  expectError(approve, 402, 'funding_source_budget_exceeded');
  expect((await api(s.url, 'GET', `/v1/approvals/${r.body.approval_id}`, { key: s.mgmt })).body.status).toBe('pending');
});

it('approving or declining a request of a revoked agent is a 409: revoking already declined it', async () => {
  const gone = await freshAgent(s, { require_approval_over_cents: 0 }, 'gone');
  const r = await api(s.url, 'POST', '/v1/spend', { key: gone.key, body: spendBody(100) });
  await api(s.url, 'DELETE', `/v1/agents/${gone.agentId}`, { key: s.mgmt });
  const approve = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/approvals/${r.body.approval_id}/approve`, { key: s.mgmt, body: {} }));
  expectError(approve, 409, 'invalid_state');
  const decline = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/approvals/${r.body.approval_id}/decline`, { key: s.mgmt, body: {} }));
  expectError(decline, 409, 'invalid_state');
  expect((await api(s.url, 'GET', `/v1/spend-requests/${r.body.id}`, { key: s.mgmt })).body).toMatchObject({ status: 'declined', decision_code: 'agent_revoked' });
});
