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

const routes: Record<string, () => RouteCase> = {
  'GET /v1/policies': () => ({ method: 'GET', path: '/v1/policies' }),
  'POST /v1/policies': () => ({ method: 'POST', path: '/v1/policies', body: { name: 'sneaky' } }),
  'GET /v1/policies/:id': () => ({ method: 'GET', path: `/v1/policies/${s.policyId}` }),
  'PUT /v1/policies/:id': () => ({ method: 'PUT', path: `/v1/policies/${s.policyId}`, body: { monthly_limit_cents: null } }),
};

describe.each(Object.keys(routes))('%s', (name) => {
  it.each(credentialCases(() => revoked))('with $name is a 401 $code and changes nothing', async ({ headers, code }) => {
    const r = await expectNoStateChange(s, () => callWith(s, routes[name]!(), headers()));
    expectError(r, 401, code);
  });

  it("with the agent's own spending key is a 403 forbidden: an agent cannot loosen its policy", async () => {
    const r = await expectNoStateChange(s, () => callWith(s, routes[name]!(), { authorization: `Bearer ${s.spend}` }));
    expectError(r, 403, 'forbidden');
  });
});

it('leaves the default policy untouched after every attempt', async () => {
  const r = await api(s.url, 'GET', `/v1/policies/${s.policyId}`, { key: s.mgmt });
  expect(r.body).toMatchObject({ monthly_limit_cents: 50_000, require_approval_over_cents: 25_000, name: 'Default policy' });
});
