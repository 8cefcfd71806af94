import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { callWith, credentialCases, expectError, expectNoStateChange, freshAgent, revokedKeys, type FreshAgent, type RouteCase } from './support.js';

let s: TestServer;
let revoked: { management: string; spending: string };
let requester: FreshAgent;
let neighbour: FreshAgent;
let approvalId: string;
let spendId: string;
beforeAll(async () => {
  s = await startTestServer();
  revoked = await revokedKeys(s);
  requester = await freshAgent(s, { require_approval_over_cents: 100 }, 'requester');
  neighbour = await freshAgent(s, { require_approval_over_cents: 100 }, 'neighbour');
  const r = await api(s.url, 'POST', '/v1/spend', { key: requester.key, body: spendBody(5_000) });
  approvalId = r.body.approval_id;
  spendId = r.body.id;
});
afterAll(() => s.close());

const routes: Record<string, () => RouteCase> = {
  'GET /v1/approvals': () => ({ method: 'GET', path: '/v1/approvals' }),
  'GET /v1/approvals/:id': () => ({ method: 'GET', path: `/v1/approvals/${approvalId}` }),
  'POST /v1/approvals/:id/approve': () => ({ method: 'POST', path: `/v1/approvals/${approvalId}/approve`, body: { override_budget: true } }),
  'POST /v1/approvals/:id/decline': () => ({ method: 'POST', path: `/v1/approvals/${approvalId}/decline`, body: {} }),
};

describe.each(Object.keys(routes))('%s', (name) => {
  it.each(credentialCases(() => revoked))('with $name is a 401 $code and changes nothing', async ({ headers, code }) => {
    const r = await expectNoStateChange(s, () => callWith(s, routes[name]!(), headers()));
    expectError(r, 401, code);
  });

  it("with the requesting agent's own spending key is a 403 forbidden", async () => {
    const r = await expectNoStateChange(s, () => callWith(s, routes[name]!(), { authorization: `Bearer ${requester.key}` }));
    expectError(r, 403, 'forbidden');
  });

  it("with a neighbour agent's spending key is a 403 forbidden", async () => {
    const r = await expectNoStateChange(s, () => callWith(s, routes[name]!(), { authorization: `Bearer ${neighbour.key}` }));
    expectError(r, 403, 'forbidden');
  });
});

describe('an agent key can never approve', () => {
  it.each([
    ['without a body', undefined],
    ['with override_budget', { override_budget: true }],
    ['with an idempotency key', {}],
  ])('%s', async (_name, body) => {
    const r = await expectNoStateChange(s, () =>
      api(s.url, 'POST', `/v1/approvals/${approvalId}/approve`, { key: requester.key, body, headers: { 'idempotency-key': `agent-approve-${_name}` } }),
    );
    expectError(r, 403, 'forbidden');
  });

  it('nor through the spend endpoints: completing a pending request is a 409', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/spend-requests/${spendId}/complete`, { key: requester.key, body: {} }));
    expectError(r, 409, 'invalid_state');
  });

  it('so the request is still pending, and only a management key decides it', async () => {
    expect((await api(s.url, 'GET', `/v1/spend/${spendId}`, { key: requester.key })).body.status).toBe('needs_approval');
    const r = await api(s.url, 'POST', `/v1/approvals/${approvalId}/approve`, { key: s.mgmt, body: {} });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('approved');
  });
});
