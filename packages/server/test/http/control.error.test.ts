import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange } from './support.js';

let s: TestServer;
let mandateId: string;
beforeAll(async () => {
  s = await startTestServer();
  mandateId = (await api(s.url, 'POST', '/v1/mandates', { key: s.mgmt, body: { agent_id: s.agentId, description: 'm', currency: 'usd' } })).body.id;
});
afterAll(() => s.close());

const m = () => ({ agent_id: s.agentId, description: 'd', currency: 'usd' });
const t = () => ({ mandate_id: mandateId, action: 'payment.create', audience: 'bursar:payments' });
const cases: Array<[string, string, string, () => unknown, number, string, string?]> = [
  ['mandate without description', 'POST', '/v1/mandates', () => ({ ...m(), description: undefined }), 400, 'invalid_request', 'description'],
  ['mandate for an unknown agent', 'POST', '/v1/mandates', () => ({ ...m(), agent_id: 'agt_nope' }), 400, 'invalid_request', 'agent_id'],
  ['mandate in another currency than the policy', 'POST', '/v1/mandates', () => ({ ...m(), currency: 'eur' }), 400, 'invalid_request', 'currency'],
  ['mandate with a negative cap', 'POST', '/v1/mandates', () => ({ ...m(), max_amount_cents: -1 }), 400, 'invalid_request', 'max_amount_cents'],
  ['mandate with merchants not a list', 'POST', '/v1/mandates', () => ({ ...m(), allowed_merchants: 'AWS' }), 400, 'invalid_request', 'allowed_merchants'],
  ['mandate expiring in the past', 'POST', '/v1/mandates', () => ({ ...m(), expires_at: '2001-01-01T00:00:00Z' }), 400, 'invalid_request', 'expires_at'],
  ['mandate with a bad timestamp', 'POST', '/v1/mandates', () => ({ ...m(), expires_at: 'soon' }), 400, 'invalid_request', 'expires_at'],
  ['mandate with an unknown field', 'POST', '/v1/mandates', () => ({ ...m(), colour: 1 }), 400, 'invalid_request', 'colour'],
  ['mandate update to status expired', 'PUT', '/v1/mandates/:id', () => ({ status: 'expired' }), 400, 'invalid_request', 'status'],
  ['mandate update of the agent', 'PUT', '/v1/mandates/:id', () => ({ agent_id: 'agt_x' }), 400, 'invalid_request', 'agent_id'],
  ['token with ttl above 900', 'POST', '/v1/agents/:agent/execution-tokens', () => ({ ...t(), ttl_seconds: 901 }), 400, 'invalid_request', 'ttl_seconds'],
  ['token with ttl 0', 'POST', '/v1/agents/:agent/execution-tokens', () => ({ ...t(), ttl_seconds: 0 }), 400, 'invalid_request', 'ttl_seconds'],
  ['token without audience', 'POST', '/v1/agents/:agent/execution-tokens', () => ({ ...t(), audience: undefined }), 400, 'invalid_request', 'audience'],
  ['token with a malformed action', 'POST', '/v1/agents/:agent/execution-tokens', () => ({ ...t(), action: 'Pay Now!' }), 400, 'invalid_request', 'action'],
  ['token for an unknown mandate', 'POST', '/v1/agents/:agent/execution-tokens', () => ({ ...t(), mandate_id: 'mdt_nope' }), 400, 'invalid_request', 'mandate_id'],
];

describe.each(cases)('%s', (_n, method, path, body, status, code, field) => {
  it(`is a ${status} ${code} and changes nothing`, async () => {
    const p = path.replace(':id', mandateId).replace(':agent', s.agentId);
    const r = await expectNoStateChange(s, () => api(s.url, method, p, { key: s.mgmt, body: body() }));
    expectError(r, status, code, field);
  });
});

it('unknown ids are 404s', async () => {
  expectError(await api(s.url, 'GET', '/v1/mandates/mdt_nope', { key: s.mgmt }), 404, 'not_found');
  expectError(await api(s.url, 'PUT', '/v1/mandates/mdt_nope', { key: s.mgmt, body: {} }), 404, 'not_found');
  expectError(await api(s.url, 'POST', '/v1/agents/agt_nope/execution-tokens', { key: s.mgmt, body: t() }), 404, 'not_found');
  expectError(await api(s.url, 'GET', '/v1/payments/pay_nope', { key: s.mgmt }), 404, 'not_found');
});

describe('payment bodies', () => {
  const token = async () => (await api(s.url, 'POST', `/v1/agents/${s.agentId}/execution-tokens`, { key: s.mgmt, body: t() })).body.token as string;
  it.each([
    ['no amount', { currency: 'usd', merchant_name: 'x' }, 'amount_cents'],
    ['a zero amount', { amount_cents: 0, currency: 'usd', merchant_name: 'x' }, 'amount_cents'],
    ['no merchant', { amount_cents: 1, currency: 'usd' }, 'merchant_name'],
    ['an unknown simulate', { amount_cents: 1, currency: 'usd', merchant_name: 'x', simulate: 'explode' }, 'simulate'],
  ])('%s is a 400 naming the field, changes nothing and leaves the token usable', async (_n, body, field) => {
    const key = await token();
    expectError(await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/payments', { key, body })), 400, 'invalid_request', field);
    expect((await api(s.url, 'POST', '/v1/payments', { key, body: { amount_cents: 1, currency: 'usd', merchant_name: 'x' } })).status).toBe(200);
  });
  it('a bad list filter is a 400', async () => {
    expectError(await api(s.url, 'GET', '/v1/payments?status=weird', { key: s.mgmt }), 400, 'invalid_request', 'status');
    expectError(await api(s.url, 'GET', '/v1/payments?limit=0', { key: s.mgmt }), 400, 'invalid_request', 'limit');
  });
});
