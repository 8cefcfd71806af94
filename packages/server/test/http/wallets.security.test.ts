import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { callWith, credentialCases, expectError, expectNoStateChange, revokedKeys, type RouteCase } from './support.js';

let s: TestServer;
let revoked: { management: string; spending: string };
beforeAll(async () => {
  s = await startTestServer();
  revoked = await revokedKeys(s);
});
afterAll(() => s.close());

const routes = (): RouteCase[] => [
  { method: 'GET', path: '/v1/wallets' },
  { method: 'POST', path: '/v1/wallets', body: { currency: 'eur' } },
  { method: 'GET', path: `/v1/wallets/${s.walletId}` },
  { method: 'GET', path: `/v1/wallets/${s.walletId}/balance` },
  { method: 'POST', path: `/v1/wallets/${s.walletId}/fund`, body: { amount_cents: 100 } },
];
const names = ['GET /v1/wallets', 'POST /v1/wallets', 'GET /v1/wallets/:id', 'GET /v1/wallets/:id/balance', 'POST /v1/wallets/:id/fund'];

describe.each(names.map((name, i) => ({ name, i })))('$name', ({ i }) => {
  it.each(credentialCases(() => revoked))('with $name is a 401 $code and changes nothing', async ({ headers, code }) => {
    const r = await expectNoStateChange(s, () => callWith(s, routes()[i]!, headers()));
    expectError(r, 401, code);
  });

  it('with a spending key is a 403 forbidden and changes nothing', async () => {
    const r = await expectNoStateChange(s, () => callWith(s, routes()[i]!, { authorization: `Bearer ${s.spend}` }));
    expectError(r, 403, 'forbidden');
  });
});

it('authenticates before reading the body: a bad body with no key is a 401, not a 400', async () => {
  const r = await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { rawBody: '{not json' });
  expectError(r, 401, 'invalid_api_key');
});

it('accepts the scheme name in any case', async () => {
  const r = await api(s.url, 'GET', '/v1/wallets', { headers: { authorization: `bearer ${s.mgmt}` } });
  expect(r.status).toBe(200);
});

it('never echoes the presented key in an error', async () => {
  const bad = 'bmk_test_' + 'z'.repeat(40);
  const r = await api(s.url, 'GET', '/v1/wallets', { key: bad });
  expectError(r, 401, 'invalid_api_key');
  expect(JSON.stringify(r.body)).not.toContain('zzzzzzzz');
  expect(s.logs.join('')).not.toContain('zzzzzzzzzzzzzzzz');
  expect(s.logs.join('')).not.toContain(s.mgmt);
});
