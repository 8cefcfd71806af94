import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';

describe('structured logs', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ BURSAR_LOG_LEVEL: 'trace' });
  });
  afterAll(() => s.close());

  it('log every request with its request id and never a secret', async () => {
    const created = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management' } });
    const spend = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(500) });
    await api(s.url, 'GET', '/v1/balance', { key: created.body.key, headers: {} });
    await api(s.url, 'GET', '/v1/wallets', { key: 'bmk_test_notarealkeynotarealkeynotarealkey' });
    await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, rawBody: `{"leak": "${s.mgmt}"` });
    await new Promise((r) => setTimeout(r, 50));
    const text = s.logs.join('');
    for (const secret of [s.mgmt, s.spend, created.body.key as string, 'notarealkey']) expect(text).not.toContain(secret);
    const lines = s.logs.join('').trim().split('\n').map((l) => JSON.parse(l));
    const requestLines = lines.filter((l) => l.msg === 'request');
    expect(requestLines.length).toBeGreaterThanOrEqual(5);
    expect(requestLines.every((l) => /^rid_/.test(l.reqId))).toBe(true);
    expect(requestLines.map((l) => l.status)).toEqual(expect.arrayContaining([201, 200, 401, 400]));
    expect(spend.headers.get('request-id')).toMatch(/^rid_/);
  });

  it('never log a secret made or used in a full flow: keys, webhook and callback secrets, tokens, the dashboard session', async () => {
    const secrets: string[] = [s.mgmt, s.spend];
    const keep = (v: unknown) => {
      expect(typeof v === 'string' && v.length >= 16, String(v)).toBe(true);
      secrets.push(v as string);
      return v as string;
    };
    const mgmt = keep((await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management', name: 'flow' } })).body.key);
    const spendKey = keep((await api(s.url, 'POST', '/v1/api-keys', { key: mgmt, body: { agent_id: s.agentId } })).body.key);
    const hook = await api(s.url, 'POST', '/v1/webhooks', { key: mgmt, body: { url: 'http://127.0.0.1:9/hooks', events: ['*'] } });
    keep(hook.body.secret);
    keep((await api(s.url, 'POST', `/v1/webhooks/${hook.body.id}/rotate-secret`, { key: mgmt })).body.secret);
    keep((await api(s.url, 'POST', '/v1/callback-secret', { key: mgmt })).body.secret);
    const approved = await api(s.url, 'POST', '/v1/spend-requests', { key: spendKey, body: spendBody(300), headers: { 'idempotency-key': 'flow-1' } });
    keep(approved.body.authorization_token);
    const mandate = await api(s.url, 'POST', '/v1/mandates', { key: mgmt, body: { agent_id: s.agentId, description: 'flow', currency: 'usd' } });
    const token = keep((await api(s.url, 'POST', `/v1/agents/${s.agentId}/execution-tokens`, { key: mgmt, body: { mandate_id: mandate.body.id, action: 'payment.create', audience: 'bursar:payments' } })).body.token);
    expect((await api(s.url, 'POST', '/v1/payments', { key: token, body: { amount_cents: 100, currency: 'usd', merchant_name: 'AWS' } })).status).toBeLessThan(300);
    // Replayed and wrong uses of each secret: the failures are where secrets usually leak into logs.
    await api(s.url, 'POST', '/v1/payments', { key: token, body: { amount_cents: 100, currency: 'usd', merchant_name: 'AWS' } });
    await api(s.url, 'GET', '/v1/wallets', { key: token });
    await api(s.url, 'GET', '/api/v1/policies', { headers: { 'x-api-key': `${mgmt}x` } });
    const signIn = await fetch(`${s.url}/v1/dashboard/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: mgmt }) });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = keep(((await signIn.json()) as { csrf_token: string }).csrf_token);
    keep(cookie.split('=')[1]);
    await fetch(`${s.url}/v1/wallets`, { headers: { cookie } });
    await fetch(`${s.url}/v1/api-keys`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: '{"type":"management"}' });
    await fetch(`${s.url}/v1/api-keys`, { method: 'POST', headers: { cookie, 'x-csrf-token': 'wrong', 'content-type': 'application/json' }, body: '{}' });
    await api(s.url, 'POST', '/v1/dashboard/session', { body: { key: `${mgmt}tail` } });
    await new Promise((r) => setTimeout(r, 100));
    const text = s.logs.join('');
    expect(text.length).toBeGreaterThan(1000);
    for (const secret of secrets) expect(text, `a secret starting ${secret.slice(0, 12)} is in the logs`).not.toContain(secret);
    // Nor the secret part of a key on its own, nor the middle of a token.
    for (const secret of secrets) expect(text).not.toContain(secret.slice(-20));
  });
});
