import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange } from './support.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe.each([
  { name: 'no currency', body: {}, field: 'currency' },
  { name: 'a two-letter currency', body: { currency: 'us' }, field: 'currency' },
  { name: 'a four-letter currency', body: { currency: 'usdt' }, field: 'currency' },
  { name: 'a numeric currency', body: { currency: 840 }, field: 'currency' },
  { name: 'a currency with digits', body: { currency: 'u5d' }, field: 'currency' },
  { name: 'three letters that are no ISO 4217 currency (a typo of usd)', body: { currency: 'usb' }, field: 'currency' },
  { name: 'three letters that are no ISO 4217 currency', body: { currency: 'ZZZ' }, field: 'currency' },
  { name: 'an unknown field', body: { currency: 'eur', color: 'blue' }, field: 'color' },
  { name: 'a currency that already has a wallet', body: { currency: 'USD' }, field: 'currency' },
  { name: 'an array body', body: ['eur'], field: 'body' },
])('POST /v1/wallets with $name', ({ body, field }) => {
  it('is a 400 invalid_request naming the field and creates nothing', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/wallets', { key: s.mgmt, body }));
    expectError(r, 400, 'invalid_request', field);
  });
});

describe.each([
  { name: 'no amount', body: {}, field: 'amount_cents' },
  { name: 'a zero amount', body: { amount_cents: 0 }, field: 'amount_cents' },
  { name: 'a negative amount', body: { amount_cents: -100 }, field: 'amount_cents' },
  { name: 'a fractional amount', body: { amount_cents: 10.5 }, field: 'amount_cents' },
  { name: 'an amount as a string', body: { amount_cents: '100' }, field: 'amount_cents' },
  { name: 'an amount over the maximum', body: { amount_cents: 1_000_000_000_001 }, field: 'amount_cents' },
  { name: 'an amount in dollars', body: { amount: 100 }, field: 'amount_cents' },
  { name: 'an unknown field beside the amount', body: { amount_cents: 100, memo: 'x' }, field: 'memo' },
  { name: 'a null amount', body: { amount_cents: null }, field: 'amount_cents' },
])('POST /v1/wallets/:id/fund with $name', ({ body, field }) => {
  it('is a 400 invalid_request naming the field and moves no money', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body }));
    expectError(r, 400, 'invalid_request', field);
  });
});

describe('unknown and malformed wallet ids', () => {
  it.each([
    ['GET', '/v1/wallets/wal_00000000000000000000000000'],
    ['GET', '/v1/wallets/wal_00000000000000000000000000/balance'],
    ['POST', '/v1/wallets/wal_00000000000000000000000000/fund'],
    ['GET', '/v1/wallets/not-a-wallet'],
  ])('%s %s is a 404 not_found', async (method, path) => {
    const r = await expectNoStateChange(s, () =>
      api(s.url, method, path, { key: s.mgmt, ...(method === 'POST' ? { body: { amount_cents: 100 } } : {}) }),
    );
    expectError(r, 404, 'not_found');
  });

  it('rejects an id longer than 64 characters', async () => {
    const r = await api(s.url, 'GET', `/v1/wallets/${'w'.repeat(65)}`, { key: s.mgmt });
    expectError(r, 400, 'invalid_request', 'id');
  });
});

describe.each([
  { query: 'limit=0', field: 'limit' },
  { query: 'limit=101', field: 'limit' },
  { query: 'limit=ten', field: 'limit' },
  { query: 'limit=1.5', field: 'limit' },
  { query: `cursor=${'c'.repeat(65)}`, field: 'cursor' },
  { query: 'cursor=garbage', field: 'cursor' },
  { query: "cursor=wal_0' OR '1'='1", field: 'cursor' },
  { query: 'cursor=WAL_01M8W7ZT3K1AHEYDQDZF4QB9AC', field: 'cursor' },
])('GET /v1/wallets?$query', ({ query, field }) => {
  it('is a 400 invalid_request naming the parameter', async () => {
    expectError(await api(s.url, 'GET', `/v1/wallets?${query}`, { key: s.mgmt }), 400, 'invalid_request', field);
  });
});

it('funds nothing when the wallet balance stays as it was after all the rejections', async () => {
  const r = await api(s.url, 'GET', `/v1/wallets/${s.walletId}/balance`, { key: s.mgmt });
  expect(r.body).toMatchObject({ available_cents: 100_000, held_cents: 0 });
});
