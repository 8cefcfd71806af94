import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentUnder, evaluation, expectApiError, v1 } from '../helpers/api-v1.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { expectNoStateChange, freshAgent, revokedKeys, unknownKey } from './support.js';

const routes: Array<[string, string, unknown?]> = [
  ['POST', '/spend/evaluate', evaluation('default-agent')],
  ['POST', '/spend/receipt', { spendRequestId: 'req_x', sat: 'x', railId: 'stripe', actualAmountMinor: 1, actualCurrency: 'usd' }],
  ['POST', '/payment/execute', { paymentHandleId: 'hdl_x', sat: 'x' }],
  ['GET', '/payment-handles'],
  ['POST', '/payment-handles', { name: 'x', railId: 'sandbox', executionMode: 'sdk' }],
  ['GET', '/policies'],
  ['POST', '/policies', { name: 'x' }],
  ['GET', '/api-keys'],
  ['POST', '/api-keys', {}],
  ['GET', '/spend-requests/req_x'],
  ['POST', '/approvals/apr_x/resolve', { status: 'APPROVED' }],
];

describe('/api/v1 credentials', () => {
  let s: TestServer;
  let revoked: { management: string; spending: string };
  beforeAll(async () => {
    s = await startTestServer();
    revoked = await revokedKeys(s);
  });
  afterAll(() => s.close());

  it.each(routes)('%s %s without x-api-key is 401 {"error"} and changes nothing', async (method, path, body) => {
    const r = await expectNoStateChange(s, () => v1(s, method, path, undefined, body));
    expectApiError(r, 401, /x-api-key/);
  });

  it.each(routes)('%s %s with a bad, unknown or revoked key is 401', async (method, path, body) => {
    for (const key of ['nope', unknownKey('bmk'), revoked.management, revoked.spending]) {
      expectApiError(await v1(s, method, path, key, body), 401);
    }
  });

  it('Authorization: Bearer works too', async () => {
    const r = await api(s.url, 'GET', '/api/v1/policies', { key: s.mgmt });
    expect(r.status).toBe(200);
  });

  it('a spending key cannot manage the workspace', async () => {
    for (const [method, path, body] of routes.filter(([, p]) => /handles|policies|api-keys|approvals/.test(p))) {
      expectApiError(await expectNoStateChange(s, () => v1(s, method, path, s.spend, body)), 403);
    }
  });

  it('a spending key evaluates only for its own agent and sees only its own requests', async () => {
    const other = await agentUnder(s, {}, 'someone-else');
    expectApiError(await expectNoStateChange(s, () => v1(s, 'POST', '/spend/evaluate', s.spend, evaluation(other.agentId))), 403, /^agentId: /);
    expectApiError(await expectNoStateChange(s, () => v1(s, 'POST', '/spend/evaluate', s.spend, evaluation('a-new-name'))), 403, /^agentId: /);
    const theirs = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(other.agentId));
    expectApiError(await v1(s, 'GET', `/spend-requests/${theirs.body.spendRequestId}`, s.spend), 404);
    // Nor settle another agent's SAT with a receipt.
    const receipt = { spendRequestId: theirs.body.spendRequestId, sat: theirs.body.sat, railId: 'stripe', actualAmountMinor: 500, actualCurrency: 'usd' };
    expectApiError(await expectNoStateChange(s, () => v1(s, 'POST', '/spend/receipt', s.spend, receipt)), 404);
  });

  it('a forged or tampered SAT is refused', async () => {
    const ok = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(s.agentId, { amountMinor: 100 }));
    const [h, p, sig] = (ok.body.sat as string).split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.amount_cents = 1_000_000;
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
    const body = { spendRequestId: ok.body.spendRequestId, sat: forged, railId: 'stripe', actualAmountMinor: 100, actualCurrency: 'usd' };
    expectApiError(await expectNoStateChange(s, () => v1(s, 'POST', '/spend/receipt', s.mgmt, body)), 400, /^sat: /);
  });
});

describe('/api/v1 tenants', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    [a, b] = await Promise.all([startTestServer(), startTestServer()]);
  });
  afterAll(async () => Promise.all([a.close(), b.close()]));

  it('another server\'s SAT and ids mean nothing here', async () => {
    const ok = await v1(a, 'POST', '/spend/evaluate', a.mgmt, evaluation(a.agentId));
    const receipt = { spendRequestId: ok.body.spendRequestId, sat: ok.body.sat, railId: 'stripe', actualAmountMinor: 500, actualCurrency: 'usd' };
    expectApiError(await v1(b, 'POST', '/spend/receipt', b.mgmt, receipt), 400, /^sat: /);
    expectApiError(await v1(b, 'GET', `/spend-requests/${ok.body.spendRequestId}`, b.mgmt), 404);
    const f = await freshAgent(b);
    expect(f.agentId).not.toBe(a.agentId);
  });
});
