import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { callWith, credentialCases, expectError, expectNoStateChange, freshAgent, revokedKeys, type FreshAgent, type RouteCase } from './support.js';

let s: TestServer;
let revoked: { management: string; spending: string };
let other: FreshAgent;
let resId: string;
let leaseId: string;
beforeAll(async () => {
  s = await startTestServer();
  revoked = await revokedKeys(s);
  other = await freshAgent(s, {}, 'other');
  resId = (await api(s.url, 'POST', '/v1/spend-guard/reservations', { key: other.key, body: { amount_cents: 100, currency: 'usd' } })).body.id;
  const pol = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'kid' } });
  const kid = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'kid', policy_id: pol.body.id, parent_agent_id: other.agentId } });
  leaseId = (await api(s.url, 'POST', '/v1/spend-guard/budget-leases', { key: other.key, body: { child_agent_id: kid.body.id, amount_cents: 100, currency: 'usd' } })).body.id;
});
afterAll(() => s.close());

const sg = '/v1/spend-guard';
const routes: Record<string, () => RouteCase> = {
  'POST estimate': () => ({ method: 'POST', path: `${sg}/estimate`, body: { kind: 'payment', amount_cents: 1, currency: 'usd', merchant_name: 'x' } }),
  'POST authorize': () => ({ method: 'POST', path: `${sg}/authorize`, body: { amount_cents: 1, currency: 'usd', merchant_name: 'x' } }),
  'GET prices': () => ({ method: 'GET', path: `${sg}/prices` }),
  'POST prices': () => ({ method: 'POST', path: `${sg}/prices`, body: { kind: 'tool', name: 't', currency: 'usd', per_call_cents: 1 } }),
  'POST reservations': () => ({ method: 'POST', path: `${sg}/reservations`, body: { amount_cents: 1, currency: 'usd' } }),
  'GET reservations': () => ({ method: 'GET', path: `${sg}/reservations` }),
  'GET reservations/:id': () => ({ method: 'GET', path: `${sg}/reservations/${resId}` }),
  'POST reservations/:id/capture': () => ({ method: 'POST', path: `${sg}/reservations/${resId}/capture` }),
  'POST reservations/:id/release': () => ({ method: 'POST', path: `${sg}/reservations/${resId}/release` }),
  'POST budget-leases': () => ({ method: 'POST', path: `${sg}/budget-leases`, body: { child_agent_id: 'agt_x', amount_cents: 1, currency: 'usd' } }),
  'GET budget-leases': () => ({ method: 'GET', path: `${sg}/budget-leases` }),
  'POST budget-leases/:id/release': () => ({ method: 'POST', path: `${sg}/budget-leases/${leaseId}/release` }),
  'GET usage/summary': () => ({ method: 'GET', path: `${sg}/usage/summary` }),
};

describe.each(Object.keys(routes))('%s', (name) => {
  it.each(credentialCases(() => revoked))('with $name is a 401 $code and changes nothing', async ({ headers, code }) => {
    const r = await expectNoStateChange(s, () => callWith(s, routes[name]!(), headers()));
    expectError(r, 401, code);
  });
});

it('a spending key cannot set prices', async () => {
  const r = await expectNoStateChange(s, () => callWith(s, routes['POST prices']!(), { authorization: `Bearer ${s.spend}` }));
  expectError(r, 403, 'forbidden');
});

it("a spending key cannot see, capture or release another agent's reservation, nor act for another agent", async () => {
  await expectNoStateChange(s, async () => {
    for (const k of ['GET reservations/:id', 'POST reservations/:id/capture', 'POST reservations/:id/release']) {
      expectError(await callWith(s, routes[k]!(), { authorization: `Bearer ${s.spend}` }), 404, 'not_found');
    }
    expect((await api(s.url, 'GET', `${sg}/reservations?agent_id=${other.agentId}`, { key: s.spend })).body.data).toEqual([]);
    expectError(await api(s.url, 'POST', `${sg}/reservations`, { key: s.spend, body: { amount_cents: 1, currency: 'usd', agent_id: other.agentId } }), 403, 'forbidden');
    expectError(await api(s.url, 'POST', `${sg}/authorize`, { key: s.spend, body: { amount_cents: 1, currency: 'usd', merchant_name: 'x', agent_id: other.agentId } }), 403, 'forbidden');
  });
});

it("a spending key cannot release a lease it is not party to, nor lease from another parent or to a non-child", async () => {
  await expectNoStateChange(s, async () => {
    expectError(await api(s.url, 'POST', `${sg}/budget-leases/${leaseId}/release`, { key: s.spend }), 404, 'not_found');
    expect((await api(s.url, 'GET', `${sg}/budget-leases`, { key: s.spend })).body.data).toEqual([]);
    expectError(await api(s.url, 'POST', `${sg}/budget-leases`, { key: s.spend, body: { parent_agent_id: other.agentId, child_agent_id: other.agentId, amount_cents: 1, currency: 'usd' } }), 403, 'forbidden');
    expectError(await api(s.url, 'POST', `${sg}/budget-leases`, { key: s.spend, body: { child_agent_id: other.agentId, amount_cents: 1, currency: 'usd' } }), 400, 'invalid_request', 'child_agent_id');
  });
});

it('a revoked agent cannot reserve', async () => {
  const ag = await freshAgent(s, {}, 'gone');
  await api(s.url, 'DELETE', `/v1/agents/${ag.agentId}`, { key: s.mgmt });
  expectError(await api(s.url, 'POST', `${sg}/reservations`, { key: ag.key, body: { amount_cents: 1, currency: 'usd' } }), 401, 'revoked_api_key');
  const viaMgmt = await api(s.url, 'POST', `${sg}/reservations`, { key: s.mgmt, body: { amount_cents: 1, currency: 'usd', agent_id: ag.agentId } });
  expect(viaMgmt.body).toMatchObject({ status: 'declined', decision_code: 'agent_revoked' });
});
