import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { callWith, credentialCases, expectError, expectNoStateChange, freshAgent, revokedKeys, type FreshAgent, type RouteCase } from './support.js';

let s: TestServer;
let revoked: { management: string; spending: string };
let owner: FreshAgent;
let neighbour: FreshAgent;
let request: any;
beforeAll(async () => {
  s = await startTestServer();
  revoked = await revokedKeys(s);
  owner = await freshAgent(s, { monthly_limit_cents: 50_000 }, 'owner');
  neighbour = await freshAgent(s, { monthly_limit_cents: 50_000 }, 'neighbour');
  request = (await api(s.url, 'POST', '/v1/spend', { key: owner.key, body: spendBody(4_000) })).body;
});
afterAll(() => s.close());

const routes: Record<string, () => RouteCase> = {
  'POST /v1/spend-requests': () => ({ method: 'POST', path: '/v1/spend-requests', body: spendBody(100) }),
  'POST /v1/spend': () => ({ method: 'POST', path: '/v1/spend', body: spendBody(100) }),
  'GET /v1/spend-requests': () => ({ method: 'GET', path: '/v1/spend-requests' }),
  'GET /v1/spend-requests/:id': () => ({ method: 'GET', path: `/v1/spend-requests/${request.id}` }),
  'GET /v1/spend/:id': () => ({ method: 'GET', path: `/v1/spend/${request.id}` }),
  'POST /v1/spend-requests/:id/complete': () => ({ method: 'POST', path: `/v1/spend-requests/${request.id}/complete`, body: {} }),
  'POST /v1/spend-requests/:id/cancel': () => ({ method: 'POST', path: `/v1/spend-requests/${request.id}/cancel` }),
  'POST /v1/spend-requests/:id/fail': () => ({ method: 'POST', path: `/v1/spend-requests/${request.id}/fail` }),
  'GET /v1/balance': () => ({ method: 'GET', path: '/v1/balance' }),
};

describe.each(Object.keys(routes))('%s', (name) => {
  it.each(credentialCases(() => revoked))('with $name is a 401 $code and changes nothing', async ({ headers, code }) => {
    const r = await expectNoStateChange(s, () => callWith(s, routes[name]!(), headers()));
    expectError(r, 401, code);
  });
});

describe("another agent's spending key on its neighbour's request", () => {
  it.each([
    ['GET', '/v1/spend-requests/:id'],
    ['GET', '/v1/spend/:id'],
    ['POST', '/v1/spend-requests/:id/complete'],
    ['POST', '/v1/spend-requests/:id/cancel'],
    ['POST', '/v1/spend-requests/:id/fail'],
  ])('%s %s is a 404 not_found, as if it did not exist', async (method, path) => {
    const r = await expectNoStateChange(s, () =>
      api(s.url, method, path.replace(':id', request.id), { key: neighbour.key, ...(method === 'POST' ? { body: {} } : {}) }),
    );
    expectError(r, 404, 'not_found');
    // The same message as for an id that never existed: nothing leaks.
    const ghost = await api(s.url, method, path.replace(':id', 'req_00000000000000000000000000'), { key: neighbour.key, ...(method === 'POST' ? { body: {} } : {}) });
    expect(r.body.error.message.replace(request.id, 'ID')).toBe(ghost.body.error.message.replace('req_00000000000000000000000000', 'ID'));
  });

  it('cannot see it in the list, even by asking for its agent', async () => {
    const mine = await api(s.url, 'GET', '/v1/spend-requests', { key: neighbour.key });
    expect(mine.body.data).toEqual([]);
    const theirs = await api(s.url, 'GET', `/v1/spend-requests?agent_id=${owner.agentId}`, { key: neighbour.key });
    expect(theirs.body.data).toEqual([]);
  });

  it("reads only its own balance, even when naming the neighbour's agent", async () => {
    const r = await api(s.url, 'GET', `/v1/balance?agent_id=${owner.agentId}`, { key: neighbour.key });
    expect(r.status).toBe(200);
    expect(r.body.agent_id).toBe(neighbour.agentId);
    expect(r.body.budgets[0].held_cents).toBe(0);
  });

  it('left the request approved and its owner in control', async () => {
    const got = await api(s.url, 'GET', `/v1/spend/${request.id}`, { key: owner.key });
    expect(got.body).toMatchObject({ status: 'approved', captured_amount_cents: null });
    const done = await api(s.url, 'POST', `/v1/spend-requests/${request.id}/complete`, { key: owner.key, body: { amount_cents: 1_000 } });
    expect(done.body).toMatchObject({ status: 'completed', captured_amount_cents: 1_000 });
  });
});

describe('a management key is not an agent', () => {
  it.each(['/v1/spend-requests', '/v1/spend'])('POST %s with a management key is a 403 forbidden', async (path) => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', path, { key: s.mgmt, body: spendBody(100) }));
    expectError(r, 403, 'forbidden');
  });
});

describe("spending keys on the operator's routes", () => {
  it.each([
    ['GET', '/v1/wallets'],
    ['POST', '/v1/wallets/wal_x/fund'],
    ['GET', '/v1/policies'],
    ['GET', '/v1/agents'],
    ['GET', '/v1/api-keys'],
    ['GET', '/v1/approvals'],
    ['GET', '/v1/ledger/transactions'],
    ['GET', '/v1/ledger/verify'],
  ])('%s %s is a 403 forbidden', async (method, path) => {
    const r = await expectNoStateChange(s, () => api(s.url, method, path, { key: owner.key, ...(method === 'POST' ? { body: { amount_cents: 1 } } : {}) }));
    expectError(r, 403, 'forbidden');
  });
});

it("a spend request body cannot name another agent: it is always the key's agent", async () => {
  const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/spend', { key: neighbour.key, body: spendBody(100, { agent_id: owner.agentId }) }));
  expectError(r, 400, 'invalid_request', 'agent_id');
});

it('a paused agent key still authenticates but every spend is declined', async () => {
  const ag = await freshAgent(s, {}, 'paused');
  await api(s.url, 'POST', `/v1/agents/${ag.agentId}/pause`, { key: s.mgmt });
  const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100) });
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ status: 'declined', decision_code: 'agent_paused' });
});
