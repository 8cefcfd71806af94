import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { callWith, credentialCases, expectError, expectNoStateChange, revokedKeys, type RouteCase } from './support.js';

let s: TestServer;
let revoked: { management: string; spending: string };
beforeAll(async () => {
  s = await startTestServer();
  revoked = await revokedKeys(s);
});
afterAll(() => s.close());

const routes: Record<string, () => RouteCase> = {
  'GET /v1/ledger/transactions': () => ({ method: 'GET', path: '/v1/ledger/transactions' }),
  'GET /v1/ledger/verify': () => ({ method: 'GET', path: '/v1/ledger/verify' }),
};

describe.each(Object.keys(routes))('%s', (name) => {
  it.each(credentialCases(() => revoked))('with $name is a 401 $code', async ({ headers, code }) => {
    const r = await expectNoStateChange(s, () => callWith(s, routes[name]!(), headers()));
    expectError(r, 401, code);
  });

  it('with a spending key is a 403 forbidden: an agent cannot read the books', async () => {
    const r = await callWith(s, routes[name]!(), { authorization: `Bearer ${s.spend}` });
    expectError(r, 403, 'forbidden');
  });
});
