import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange } from './support.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe('malformed JSON is a 400 invalid_request on body, never a 500', () => {
  const routes = () => [
    { path: '/v1/spend-requests', key: s.spend },
    { path: '/v1/spend', key: s.spend },
    { path: '/v1/policies', key: s.mgmt },
    { path: '/v1/agents', key: s.mgmt },
    { path: '/v1/api-keys', key: s.mgmt },
    { path: '/v1/wallets', key: s.mgmt },
    { path: `/v1/wallets/${s.walletId}/fund`, key: s.mgmt },
  ];
  it.each(['{', '{"amount_cents": }', "{'single': 'quotes'}", '{"a":1}}', 'undefined', '\u0000'])('%j', async (rawBody) => {
    for (const { path, key } of routes()) {
      const r = await expectNoStateChange(s, () => api(s.url, 'POST', path, { key, rawBody }));
      expectError(r, 400, 'invalid_request', 'body');
      expect(r.body.error.message).toBe('Malformed JSON in the request body');
    }
  });
});

describe('a NUL character (which PostgreSQL cannot store) is a 400 naming its field, wherever it is sent', () => {
  it.each([
    ['a path id', 'GET', '/v1/approvals/a%00b', undefined, 'id'],
    ['a query filter', 'GET', '/v1/spend-requests?agent_id=agt_a%00b', undefined, 'agent_id'],
    ['a body field', 'POST', '/v1/spend', { ...spendBody(100), merchant_name: 'AW\u0000S' }, 'merchant_name'],
    ['a metadata value', 'POST', '/v1/spend', { ...spendBody(100), metadata: { order: 'a\u0000' } }, 'metadata.order'],
  ] as const)('in %s', async (_what, method, path, body, field) => {
    const key = method === 'GET' ? s.mgmt : s.spend;
    const r = await expectNoStateChange(s, () => api(s.url, method, path, body === undefined ? { key } : { key, body }));
    expectError(r, 400, 'invalid_request', field);
  });
});

describe('URLs the router itself refuses answer in the envelope of their surface', () => {
  it.each([
    ['a malformed percent-encoding', '/v1/approvals/%ZZ', 400],
    ['a 5,000-character id', `/v1/spend-requests/${'a'.repeat(5000)}`, 414],
  ] as const)('%s → %i', async (_what, path, status) => {
    const r = await expectNoStateChange(s, () => api(s.url, 'GET', path, { key: s.mgmt }));
    expectError(r, status, 'invalid_request', 'path');
    expect(r.headers.get('request-id')).toBe(r.body.error.request_id);
    const v1 = await api(s.url, 'GET', path.replace('/v1/', '/api/v1/'), { headers: { 'x-api-key': s.mgmt } });
    expect(v1.status).toBe(status);
    expect(typeof v1.body.error).toBe('string');
    expect(Object.keys(v1.body)).toEqual(['error']);
  });
});

describe('an action that takes no body refuses one, and changes nothing', () => {
  it.each([
    ['[]', 'body'],
    ['1', 'body'],
    ['"s"', 'body'],
    ['{"amount_cents":1}', 'amount_cents'],
  ])('POST /v1/callback-secret with %s: a 400 on %s', async (rawBody, field) => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/callback-secret', { key: s.mgmt, rawBody }));
    expectError(r, 400, 'invalid_request', field);
  });

  it('takes nothing, null or {} (and then acts)', async () => {
    for (const opts of [{}, { rawBody: 'null' }, { body: {} }]) {
      const r = await api(s.url, 'POST', `/v1/agents/${s.agentId}/pause`, { key: s.mgmt, ...opts });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect((await api(s.url, 'POST', `/v1/agents/${s.agentId}/resume`, { key: s.mgmt, ...opts })).status).toBe(200);
    }
    const bad = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/agents/${s.agentId}/pause`, { key: s.mgmt, body: { reason: 'x' } }));
    expectError(bad, 400, 'invalid_request', 'reason');
  });
});

describe('unknown routes answer the 404 not_found envelope', () => {
  it.each([
    ['GET', '/v1/nothing-here', true],
    ['GET', '/v1/nothing-here', false],
    ['POST', '/v1/spend-requests/req_x/refund', true],
    ['GET', '/v2/spend-requests', true],
    ['PATCH', '/v1/policies', true],
    ['DELETE', '/v1/wallets', true],
    ['GET', '/no-such-page', false],
  ] as const)('%s %s (with a key: %s)', async (method, path, withKey) => {
    const r = await expectNoStateChange(s, () => api(s.url, method, path, withKey ? { key: s.mgmt } : {}));
    expectError(r, 404, 'not_found');
    expect(r.body.error.message).toContain(path.split('?')[0]);
  });
});

describe('bodies over the limit', () => {
  it('a 300 KB body is a 413 payload_too_large and changes nothing', async () => {
    const body = JSON.stringify(spendBody(100, { reason: 'r'.repeat(300 * 1024) }));
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/spend', { key: s.spend, rawBody: body }));
    expectError(r, 413, 'payload_too_large');
  });

  it('a body just under the limit is parsed (and rejected on its content, not its size)', async () => {
    const body = JSON.stringify(spendBody(100, { reason: 'r'.repeat(200 * 1024) }));
    const r = await api(s.url, 'POST', '/v1/spend', { key: s.spend, rawBody: body });
    expectError(r, 400, 'invalid_request', 'reason');
  });
});

describe('content types', () => {
  it('application/xml is a 415 unsupported_media_type', async () => {
    const r = await expectNoStateChange(s, () =>
      api(s.url, 'POST', '/v1/policies', { key: s.mgmt, rawBody: '<policy/>', headers: { 'content-type': 'application/xml' } }),
    );
    expectError(r, 415, 'unsupported_media_type');
  });

  it('text/plain is not an object: a 400 on body', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/policies', { key: s.mgmt, rawBody: 'name=x', headers: { 'content-type': 'text/plain' } }));
    expectError(r, 400, 'invalid_request', 'body');
  });

  it('application/json with a charset is JSON', async () => {
    const r = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, rawBody: '{"name":"charset"}', headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(r.status).toBe(201);
  });
});

describe('odd input never yields a 500', () => {
  it.each([
    ['a prototype-polluting key', '{"__proto__": {"admin": true}, "name": "x"}'],
    ['a constructor key', '{"constructor": {"prototype": {"x": 1}}}'],
    ['an amount beyond float range', '{"amount_cents": 1e400, "currency": "usd", "merchant_name": "a", "reason": "b"}'],
    ['deep nesting', `{"metadata": ${'{"a":'.repeat(500)}1${'}'.repeat(500)}}`],
    ['a huge array', `{"blocked_merchants": [${Array.from({ length: 5000 }, () => '"x"').join(',')}]}`],
  ])('%s is a 4xx with the envelope', async (_name, rawBody) => {
    const key = rawBody.includes('amount_cents') ? s.spend : s.mgmt;
    const path = rawBody.includes('amount_cents') ? '/v1/spend' : '/v1/policies';
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', path, { key, rawBody }));
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String), request_id: expect.stringMatching(/^rid_/) });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('a lone surrogate in a name is accepted, not a 500', async () => {
    const r = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, rawBody: '{"name": "x\\ud800"}' });
    expect(r.status).toBe(201);
  });

  it('a control character in a name is a 400 on that field and changes nothing', async () => {
    for (const merchant of ['Evil\u0000Corp', 'AWS\u001b[31m', 'x\u007f']) {
      const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(100, { merchant_name: merchant }) }));
      expectError(r, 400, 'invalid_request', 'merchant_name');
      expect(r.body.error.message).toContain('control characters');
    }
    // Line breaks stay allowed in free text.
    const ok = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(100, { reason: 'two\nlines\r\n\tindented' }) });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });

  it('no 500 ever reached the logs', () => {
    expect(s.logs.filter((l) => l.includes('"status":500') || l.includes('"level":50'))).toEqual([]);
    expect(s.logs.join('')).not.toContain('"status":500');
    expect(s.logs.join('')).not.toContain('unhandled error');
  });
});

describe('every answer carries its own request id', () => {
  it('on success and on error, distinct per request', async () => {
    const ok = await api(s.url, 'GET', '/v1/wallets', { key: s.mgmt });
    const bad = await api(s.url, 'GET', '/v1/wallets');
    const okId = ok.headers.get('request-id');
    expect(okId).toMatch(/^rid_[0-9a-z]{26}$/);
    expect(bad.headers.get('request-id')).toBe(bad.body.error.request_id);
    expect(bad.body.error.request_id).not.toBe(okId);
  });

  it('ignores a request id the client sends', async () => {
    const r = await api(s.url, 'GET', '/v1/wallets', { key: s.mgmt, headers: { 'request-id': 'rid_spoofed', 'x-request-id': 'spoofed' } });
    expect(r.headers.get('request-id')).not.toContain('spoofed');
  });
});
