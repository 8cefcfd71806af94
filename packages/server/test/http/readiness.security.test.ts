import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { callWith, credentialCases, expectError, expectNoStateChange, revokedKeys } from './support.js';

let s: TestServer;
let revoked: { management: string; spending: string };
beforeAll(async () => {
  s = await startTestServer();
  revoked = await revokedKeys(s);
});
afterAll(() => s.close());

describe('GET /v1/readiness', () => {
  it('is a 403 for a spending key and changes nothing', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'GET', '/v1/readiness', { key: s.spend }));
    expectError(r, 403, 'forbidden');
  });

  it.each(credentialCases(() => revoked))('is a 401 with $name', async ({ headers, code }) => {
    const r = await callWith(s, { method: 'GET', path: '/v1/readiness' }, headers());
    expectError(r, 401, code);
  });

  it("shows another workspace's management key only its own workspace", async () => {
    const ws = await api(s.url, 'POST', '/v1/workspaces', { key: s.mgmt, body: { name: 'team' } });
    expect(ws.status, JSON.stringify(ws.body)).toBe(201);
    const teamKey: string = ws.body.management_key;
    expect(teamKey).toMatch(/^bmk_test_/);
    const team = await api(s.url, 'GET', '/v1/readiness', { key: teamKey });
    const root = await api(s.url, 'GET', '/v1/readiness', { key: s.mgmt });
    expect(team.status).toBe(200);
    const wallets = (r: typeof team) => Number(/^(\d+) wallets/.exec(r.body.checks.find((c: { id: string }) => c.id === 'money.ledger').evidence)![1]);
    expect(wallets(team)).toBe(1);
    expect(wallets(root)).toBe(2);
  });
});
