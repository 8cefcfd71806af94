import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange, freshAgent } from './support.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const sg = '/v1/spend-guard';
const res = { amount_cents: 100, currency: 'usd' };
const cases: Array<[string, string, () => unknown, number, string, string?]> = [
  ['reservation without amount', 'reservations', () => ({ currency: 'usd' }), 400, 'invalid_request', 'amount_cents'],
  ['reservation with a float amount', 'reservations', () => ({ ...res, amount_cents: 1.5 }), 400, 'invalid_request', 'amount_cents'],
  ['reservation with a negative amount', 'reservations', () => ({ ...res, amount_cents: -5 }), 400, 'invalid_request', 'amount_cents'],
  ['reservation with a bad currency', 'reservations', () => ({ ...res, currency: 'dollars' }), 400, 'invalid_request', 'currency'],
  ['reservation in another currency than the policy', 'reservations', () => ({ ...res, currency: 'eur' }), 400, 'invalid_request', 'currency'],
  ['reservation with ttl 0', 'reservations', () => ({ ...res, ttl_seconds: 0 }), 400, 'invalid_request', 'ttl_seconds'],
  ['reservation with an unknown field', 'reservations', () => ({ ...res, colour: 'red' }), 400, 'invalid_request', 'colour'],
  ['authorize without merchant', 'authorize', () => ({ amount_cents: 1, currency: 'usd' }), 400, 'invalid_request', 'merchant_name'],
  ['authorize with a string amount', 'authorize', () => ({ amount_cents: '1', currency: 'usd', merchant_name: 'x' }), 400, 'invalid_request', 'amount_cents'],
  ['estimate of an unknown kind', 'estimate', () => ({ kind: 'vibes' }), 400, 'invalid_request'],
  ['estimate of a model not in the catalog', 'estimate', () => ({ kind: 'token', model: 'nope', input_tokens: 5 }), 400, 'invalid_request', 'model'],
  ['estimate of a tool not in the catalog', 'estimate', () => ({ kind: 'tool', tool: 'nope' }), 400, 'invalid_request', 'tool'],
  ['estimate with negative tokens', 'estimate', () => ({ kind: 'token', model: 'x', input_tokens: -1 }), 400, 'invalid_request', 'input_tokens'],
  ['price of a model without input price', 'prices', () => ({ kind: 'model', name: 'm', currency: 'usd' }), 400, 'invalid_request', 'input_per_million_cents'],
  ['price of a tool without a call price', 'prices', () => ({ kind: 'tool', name: 't', currency: 'usd' }), 400, 'invalid_request', 'per_call_cents'],
  ['a negative price', 'prices', () => ({ kind: 'tool', name: 't', currency: 'usd', per_call_cents: -1 }), 400, 'invalid_request', 'per_call_cents'],
  ['lease without child', 'budget-leases', () => ({ amount_cents: 1, currency: 'usd', parent_agent_id: 'agt_x' }), 400, 'invalid_request', 'child_agent_id'],
  ['lease with a management key and no parent', 'budget-leases', () => ({ child_agent_id: 'agt_x', amount_cents: 1, currency: 'usd' }), 400, 'invalid_request', 'parent_agent_id'],
  ['lease from an unknown parent', 'budget-leases', () => ({ parent_agent_id: 'agt_nope', child_agent_id: 'agt_x', amount_cents: 1, currency: 'usd' }), 400, 'invalid_request', 'parent_agent_id'],
  ['lease expiring in the past', 'budget-leases', () => ({ parent_agent_id: 'agt_x', child_agent_id: 'agt_x', amount_cents: 1, currency: 'usd', expires_at: '2001-01-01T00:00:00Z' }), 400, 'invalid_request', 'expires_at'],
  ['malformed JSON', 'reservations', () => '{', 400, 'invalid_request'],
];

describe.each(cases)('%s', (_name, path, body, status, code, field) => {
  it(`is a ${status} ${code} and changes nothing`, async () => {
    const b = body();
    const key = path === 'prices' || path === 'budget-leases' ? s.mgmt : s.spend;
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', `${sg}/${path}`, typeof b === 'string' ? { key, rawBody: b, headers: { 'content-type': 'application/json' } } : { key, body: b }));
    expectError(r, status, code, field);
  });
});

describe('reservation lifecycle errors', () => {
  it('a capture above the reservation, a second capture, a release after capture: all refused, nothing changes', async () => {
    const r = await api(s.url, 'POST', `${sg}/reservations`, { key: s.spend, body: { amount_cents: 1000, currency: 'usd' } });
    await expectNoStateChange(s, async () => {
      expectError(await api(s.url, 'POST', `${sg}/reservations/${r.body.id}/capture`, { key: s.spend, body: { amount_cents: 1001 } }), 400, 'invalid_request', 'amount_cents');
      expectError(await api(s.url, 'POST', `${sg}/reservations/${r.body.id}/capture`, { key: s.spend, body: { amount_cents: 0 } }), 400, 'invalid_request', 'amount_cents');
      expectError(await api(s.url, 'POST', `${sg}/reservations/${r.body.id}/release`, { key: s.spend, body: { amount_cents: 5 } }), 400, 'invalid_request', 'amount_cents');
    });
    expect((await api(s.url, 'POST', `${sg}/reservations/${r.body.id}/capture`, { key: s.spend, body: { amount_cents: 600 } })).body.status).toBe('captured');
    await expectNoStateChange(s, async () => {
      expectError(await api(s.url, 'POST', `${sg}/reservations/${r.body.id}/capture`, { key: s.spend }), 409, 'invalid_state');
      const release = await api(s.url, 'POST', `${sg}/reservations/${r.body.id}/release`, { key: s.spend });
      expectError(release, 409, 'invalid_state');
      // In the reservation's words, not those of the spend request underneath.
      expect(release.body.error).toMatchObject({ status: 'captured', message: `Reservation ${r.body.id} is captured; only a reserved reservation can be released` });
    });
  });

  it('racing captures of one reservation: exactly one wins', async () => {
    const r = await api(s.url, 'POST', `${sg}/reservations`, { key: s.spend, body: { amount_cents: 500, currency: 'usd' } });
    const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => api(s.url, 'POST', `${sg}/reservations/${r.body.id}/${i % 2 ? 'capture' : 'release'}`, { key: s.spend })));
    expect(rs.filter((x) => x.status === 200)).toHaveLength(1);
    for (const x of rs.filter((y) => y.status !== 200)) expectError(x, 409, 'invalid_state');
  });

  it('unknown reservation and spend-request ids are 404s', async () => {
    expectError(await api(s.url, 'GET', `${sg}/reservations/res_nope`, { key: s.spend }), 404, 'not_found');
    const spend = await api(s.url, 'POST', '/v1/spend', { key: s.spend, body: { amount_cents: 1, currency: 'usd', merchant_name: 'x', reason: 'r' } });
    expectError(await api(s.url, 'POST', `${sg}/reservations/${spend.body.id}/capture`, { key: s.spend }), 404, 'not_found');
  });

  it('a lease larger than the parent has is a 409 budget_exceeded; a second lease to one child is a 409', async () => {
    const parent = await freshAgent(s, { monthly_limit_cents: 1000 }, 'poor parent');
    const pol = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'kid' } });
    const kid = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'kid', policy_id: pol.body.id, parent_agent_id: parent.agentId } });
    const body = (n: number) => ({ child_agent_id: kid.body.id, amount_cents: n, currency: 'usd' });
    expectError(await expectNoStateChange(s, () => api(s.url, 'POST', `${sg}/budget-leases`, { key: parent.key, body: body(1001) })), 409, 'budget_exceeded');
    expect((await api(s.url, 'POST', `${sg}/budget-leases`, { key: parent.key, body: body(600) })).status).toBe(201);
    expectError(await expectNoStateChange(s, () => api(s.url, 'POST', `${sg}/budget-leases`, { key: parent.key, body: body(100) })), 409, 'invalid_state');
  });

  it('usage summary with a reversed or too-long window is a 400 naming the field', async () => {
    expectError(await api(s.url, 'GET', `${sg}/usage/summary?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z`, { key: s.mgmt }), 400, 'invalid_request', 'from');
    expectError(await api(s.url, 'GET', `${sg}/usage/summary?from=2020-01-01T00:00:00Z&to=2025-01-01T00:00:00Z`, { key: s.mgmt }), 400, 'invalid_request', 'from');
    expectError(await api(s.url, 'GET', `${sg}/usage/summary?from=yesterday`, { key: s.mgmt }), 400, 'invalid_request', 'from');
  });
});
