import { afterAll, beforeAll, describe, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange } from './support.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe.each([
  { query: 'limit=0', field: 'limit' },
  { query: 'limit=101', field: 'limit' },
  { query: 'limit=two', field: 'limit' },
  { query: 'limit=', field: 'limit' },
  { query: `cursor=${'t'.repeat(65)}`, field: 'cursor' },
  { query: `wallet_id=${'w'.repeat(65)}`, field: 'wallet_id' },
  { query: `spend_request_id=${'r'.repeat(65)}`, field: 'spend_request_id' },
])('GET /v1/ledger/transactions?$query', ({ query, field }) => {
  it('is a 400 invalid_request naming the parameter and changes nothing', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'GET', `/v1/ledger/transactions?${query}`, { key: s.mgmt }));
    expectError(r, 400, 'invalid_request', field);
  });
});

describe('the ledger cannot be written through the API', () => {
  it.each([
    ['POST', '/v1/ledger/transactions'],
    ['DELETE', '/v1/ledger/transactions'],
    ['PUT', '/v1/ledger/transactions'],
    ['POST', '/v1/ledger/verify'],
  ])('%s %s is a 404 not_found', async (method, path) => {
    const r = await expectNoStateChange(s, () => api(s.url, method, path, { key: s.mgmt, body: { postings: [] } }));
    expectError(r, 404, 'not_found');
  });
});
