import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange } from './support.js';

let s: TestServer;
let existing: any;
beforeAll(async () => {
  s = await startTestServer();
  existing = (await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'existing', daily_limit_cents: 1000, allowed_merchants: ['aws'] } })).body;
});
afterAll(() => s.close());

const badFields = [
  { name: 'an unknown field', body: { monthly_budget: 100 }, field: 'monthly_budget' },
  { name: 'a camelCase field', body: { maxSingleAmount: 100 }, field: 'maxSingleAmount' },
  { name: 'a bad time zone', body: { timezone: 'Mars/Olympus_Mons' }, field: 'timezone' },
  { name: 'a UTC offset as time zone', body: { timezone: '+25:00' }, field: 'timezone' },
  { name: 'a numeric time zone', body: { timezone: 1 }, field: 'timezone' },
  { name: 'an empty name', body: { name: '' }, field: 'name' },
  { name: 'a blank name', body: { name: '   ' }, field: 'name' },
  { name: 'a name too long', body: { name: 'n'.repeat(201) }, field: 'name' },
  { name: 'a null name', body: { name: null }, field: 'name' },
  { name: 'a bad currency', body: { currency: 'dollars' }, field: 'currency' },
  { name: 'a negative daily limit', body: { daily_limit_cents: -1 }, field: 'daily_limit_cents' },
  { name: 'a fractional weekly limit', body: { weekly_limit_cents: 10.5 }, field: 'weekly_limit_cents' },
  { name: 'a string monthly limit', body: { monthly_limit_cents: '50000' }, field: 'monthly_limit_cents' },
  { name: 'a huge total limit', body: { total_limit_cents: 1e15 }, field: 'total_limit_cents' },
  { name: 'a negative single limit', body: { max_single_amount_cents: -5 }, field: 'max_single_amount_cents' },
  { name: 'a boolean approval threshold', body: { require_approval_over_cents: true }, field: 'require_approval_over_cents' },
  { name: 'a fractional velocity', body: { max_transactions_per_minute: 1.5 }, field: 'max_transactions_per_minute' },
  { name: 'a negative hourly velocity', body: { max_transactions_per_hour: -1 }, field: 'max_transactions_per_hour' },
  { name: 'a merchant list that is a string', body: { allowed_merchants: 'openai' }, field: 'allowed_merchants' },
  { name: 'an empty merchant entry', body: { blocked_merchants: ['ok', ''] }, field: 'blocked_merchants.1' },
  { name: 'a numeric category entry', body: { allowed_categories: [1] }, field: 'allowed_categories.0' },
  { name: 'a null category list', body: { blocked_categories: null }, field: 'blocked_categories' },
  { name: 'too many list entries', body: { blocked_merchants: Array.from({ length: 501 }, (_, i) => `m${i}`) }, field: 'blocked_merchants' },
  { name: 'a string is_active', body: { is_active: 'yes' }, field: 'is_active' },
  { name: 'a read-only id', body: { id: 'pol_x' }, field: 'id' },
];

describe.each(badFields)('POST /v1/policies with $name', ({ body, field }) => {
  it('is a 400 invalid_request naming the field and creates no policy', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body }));
    expectError(r, 400, 'invalid_request', field);
  });
});

describe.each([
  ...badFields,
  { name: 'a currency change', body: { currency: 'eur' }, field: 'currency' },
])('PUT /v1/policies/:id with $name', ({ body, field }) => {
  it('is a 400 invalid_request naming the field and leaves the policy as it was', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'PUT', `/v1/policies/${existing.id}`, { key: s.mgmt, body }));
    expectError(r, 400, 'invalid_request', field);
    expect((await api(s.url, 'GET', `/v1/policies/${existing.id}`, { key: s.mgmt })).body).toEqual(existing);
  });
});

describe('bodies that are not objects', () => {
  it.each([
    ['malformed JSON', '{"name": '],
    ['an array', '[]'],
    ['a string', '"policy"'],
    ['null', 'null'],
  ])('POST /v1/policies with %s is a 400 invalid_request on body', async (_name, rawBody) => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/policies', { key: s.mgmt, rawBody }));
    expectError(r, 400, 'invalid_request', 'body');
  });
});

describe('unknown policies', () => {
  it.each([
    ['GET', '/v1/policies/pol_00000000000000000000000000'],
    ['PUT', '/v1/policies/pol_00000000000000000000000000'],
    ['GET', '/v1/policies/agt_00000000000000000000000000'],
  ])('%s %s is a 404 not_found', async (method, path) => {
    const r = await expectNoStateChange(s, () => api(s.url, method, path, { key: s.mgmt, ...(method === 'PUT' ? { body: { name: 'x' } } : {}) }));
    expectError(r, 404, 'not_found');
  });

  it.each([['limit=0', 'limit'], ['limit=1000', 'limit'], ['limit=-1', 'limit']])('GET /v1/policies?%s is a 400 naming %s', async (q, field) => {
    expectError(await api(s.url, 'GET', `/v1/policies?${q}`, { key: s.mgmt }), 400, 'invalid_request', field);
  });
});
