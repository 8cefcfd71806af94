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
});
