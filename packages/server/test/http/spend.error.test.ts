import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange, freshAgent, type FreshAgent } from './support.js';

let s: TestServer;
let ag: FreshAgent;
beforeAll(async () => {
  s = await startTestServer();
  ag = await freshAgent(s, { monthly_limit_cents: 50_000 }, 'err');
});
afterAll(() => s.close());

const omit = (field: string) => {
  const b: Record<string, unknown> = spendBody(100);
  delete b[field];
  return b;
};

const badBodies = [
  { name: 'no amount_cents', body: omit('amount_cents'), field: 'amount_cents' },
  { name: 'a zero amount', body: spendBody(0), field: 'amount_cents' },
  { name: 'a negative amount', body: spendBody(-100), field: 'amount_cents' },
  { name: 'a fractional amount', body: spendBody(99.5), field: 'amount_cents' },
  { name: 'an amount as a string', body: spendBody('100' as unknown as number), field: 'amount_cents' },
  { name: 'an amount over the maximum', body: spendBody(1_000_000_000_001), field: 'amount_cents' },
  { name: 'a null amount', body: spendBody(null as unknown as number), field: 'amount_cents' },
  { name: 'no currency', body: omit('currency'), field: 'currency' },
  { name: 'a bad currency', body: spendBody(100, { currency: 'dollars' }), field: 'currency' },
  { name: "a currency other than the policy's", body: spendBody(100, { currency: 'EUR' }), field: 'currency' },
  { name: 'no merchant_name', body: omit('merchant_name'), field: 'merchant_name' },
  { name: 'an empty merchant_name', body: spendBody(100, { merchant_name: '' }), field: 'merchant_name' },
  { name: 'a blank merchant_name', body: spendBody(100, { merchant_name: '   ' }), field: 'merchant_name' },
  { name: 'a merchant_name too long', body: spendBody(100, { merchant_name: 'm'.repeat(201) }), field: 'merchant_name' },
  { name: 'no reason', body: omit('reason'), field: 'reason' },
  { name: 'an empty reason', body: spendBody(100, { reason: '' }), field: 'reason' },
  { name: 'a reason too long', body: spendBody(100, { reason: 'r'.repeat(1001) }), field: 'reason' },
  { name: 'an empty category', body: spendBody(100, { category: '' }), field: 'category' },
  { name: 'a numeric category', body: spendBody(100, { category: 5 }), field: 'category' },
  { name: 'metadata that is an array', body: spendBody(100, { metadata: ['a'] }), field: 'metadata' },
  { name: 'metadata with a nested object', body: spendBody(100, { metadata: { a: { b: 1 } } }), field: 'metadata.a' },
  { name: 'metadata with too many keys', body: spendBody(100, { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }), field: 'metadata' },
  { name: 'an unknown field', body: spendBody(100, { agent_id: 'agt_someone_else' }), field: 'agent_id' },
  { name: 'an amount in dollars', body: { ...omit('amount_cents'), amount: 1 }, field: 'amount_cents' },
  { name: 'a status chosen by the caller', body: spendBody(100, { status: 'approved' }), field: 'status' },
];

describe.each(badBodies)('POST /v1/spend-requests with $name', ({ body, field }) => {
  it.each(['/v1/spend-requests', '/v1/spend'])('%s is a 400 invalid_request naming the field and records nothing', async (path) => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', path, { key: ag.key, body }));
    expectError(r, 400, 'invalid_request', field);
  });
});

describe('bodies that are not JSON objects', () => {
  it.each([
    ['malformed JSON', '{"amount_cents": 100,'],
    ['an array', '[]'],
    ['null', 'null'],
    ['a number', '100'],
    ['an empty body', ''],
  ])('%s is a 400 invalid_request on body', async (_name, rawBody) => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/spend', { key: ag.key, rawBody, headers: { 'content-type': 'application/json' } }));
    expectError(r, 400, 'invalid_request', 'body');
  });
});

describe('settling', () => {
  let approved: any;
  beforeAll(async () => {
    approved = (await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(5_000) })).body;
  });

  it.each([
    { name: 'more than approved', action: 'complete', body: { amount_cents: 5_001 }, field: 'amount_cents' },
    { name: 'a zero amount', action: 'complete', body: { amount_cents: 0 }, field: 'amount_cents' },
    { name: 'a negative amount', action: 'complete', body: { amount_cents: -1 }, field: 'amount_cents' },
    { name: 'a fractional amount', action: 'complete', body: { amount_cents: 1.5 }, field: 'amount_cents' },
    { name: 'an unknown field', action: 'complete', body: { tip_cents: 5 }, field: 'tip_cents' },
    { name: 'an amount on cancel', action: 'cancel', body: { amount_cents: 100 }, field: 'amount_cents' },
    { name: 'an amount on fail', action: 'fail', body: { amount_cents: 100 }, field: 'amount_cents' },
    { name: 'an array body', action: 'cancel', body: [], field: 'body' },
  ])('$action with $name is a 400 naming $field and the request stays approved', async ({ action, body, field }) => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/spend-requests/${approved.id}/${action}`, { key: ag.key, body }));
    expectError(r, 400, 'invalid_request', field);
    const got = await api(s.url, 'GET', `/v1/spend-requests/${approved.id}`, { key: ag.key });
    expect(got.body).toMatchObject({ status: 'approved', captured_amount_cents: null });
  });

  it.each([
    ['a declined request', 'declined'],
    ['a pending request', 'needs_approval'],
  ])('settling %s is a 409 invalid_state', async (_name, status) => {
    const other = await freshAgent(s, { require_approval_over_cents: 1_000, blocked_merchants: ['nope'] }, 'settle-409');
    const body = status === 'declined' ? spendBody(10, { merchant_name: 'Nope' }) : spendBody(2_000);
    const r = await api(s.url, 'POST', '/v1/spend', { key: other.key, body });
    expect(r.body.status).toBe(status);
    // Cancelling a pending request withdraws it (agent-status-at-use.happy.test.ts); it settles nothing.
    for (const action of status === 'declined' ? ['complete', 'cancel', 'fail'] : ['complete', 'fail']) {
      const settle = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/${action}`, { key: other.key, body: {} }));
      expectError(settle, 409, 'invalid_state');
      expect(settle.body.error.status).toBe(status);
    }
  });
});

describe('requests that are not there', () => {
  it.each([
    ['GET', '/v1/spend-requests/req_00000000000000000000000000'],
    ['GET', '/v1/spend/req_00000000000000000000000000'],
    ['POST', '/v1/spend-requests/req_00000000000000000000000000/complete'],
    ['POST', '/v1/spend-requests/req_00000000000000000000000000/cancel'],
    ['POST', '/v1/spend-requests/req_00000000000000000000000000/fail'],
    ['GET', '/v1/spend-requests/apr_00000000000000000000000000'],
  ])('%s %s is a 404 not_found', async (method, path) => {
    const r = await expectNoStateChange(s, () => api(s.url, method, path, { key: ag.key, ...(method === 'POST' ? { body: {} } : {}) }));
    expectError(r, 404, 'not_found');
  });
});

describe.each([
  { query: 'status=pending', field: 'status' },
  { query: 'status=APPROVED', field: 'status' },
  { query: 'created_after=yesterday', field: 'created_after' },
  { query: 'created_after=2024-01-01', field: 'created_after' },
  { query: 'created_before=1700000000', field: 'created_before' },
  { query: 'limit=0', field: 'limit' },
  { query: 'limit=101', field: 'limit' },
  { query: `merchant=${'m'.repeat(201)}`, field: 'merchant' },
  { query: `agent_id=${'a'.repeat(65)}`, field: 'agent_id' },
])('GET /v1/spend-requests?$query', ({ query, field }) => {
  it('is a 400 invalid_request naming the parameter', async () => {
    expectError(await api(s.url, 'GET', `/v1/spend-requests?${query}`, { key: s.mgmt }), 400, 'invalid_request', field);
  });
});

describe('GET /v1/balance', () => {
  it('with a management key and no agent_id is a 400 naming agent_id', async () => {
    expectError(await api(s.url, 'GET', '/v1/balance', { key: s.mgmt }), 400, 'invalid_request', 'agent_id');
  });
  it('with a management key and an unknown agent is a 404', async () => {
    expectError(await api(s.url, 'GET', '/v1/balance?agent_id=agt_00000000000000000000000000', { key: s.mgmt }), 404, 'not_found');
  });
});

it('after all of that the agent has spent and holds only its one approved request', async () => {
  const r = await api(s.url, 'GET', '/v1/balance', { key: ag.key });
  expect(r.body.budgets).toEqual([expect.objectContaining({ period: 'monthly', spent_cents: 0, held_cents: 5_000, remaining_cents: 45_000 })]);
});
