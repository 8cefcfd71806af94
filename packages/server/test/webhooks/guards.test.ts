import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver } from '../helpers/receiver.js';
import { api, spendBody, startTestServer } from '../helpers/server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('SSRF guard', () => {
  it.each([
    ['http://127.0.0.1:9/x', 'loopback'],
    ['http://localhost:9/x', 'loopback'],
    ['http://10.0.0.8/x', 'private'],
    ['http://192.168.1.1/x', 'private'],
    ['http://169.254.169.254/latest/meta-data', 'metadata'],
    ['http://[::1]:9/x', 'loopback'],
    ['http://[fe80::1]/x', 'link-local'],
  ])('live mode refuses %s (%s)', async (url, kind) => {
    const s = await startTestServer({ BURSAR_SANDBOX: 'false' });
    cleanups.push(() => s.close());
    expect(s.mgmt).toMatch(/^bmk_live_/);
    const r = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url, events: ['*'] } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_request', field: 'url' });
    expect(r.body.error.message).toContain(kind);
    const list = await api(s.url, 'GET', '/v1/webhooks', { key: s.mgmt });
    expect(list.body.data).toHaveLength(0);
  });

  it('live mode with BURSAR_WEBHOOK_ALLOW_PRIVATE=true accepts a private URL', async () => {
    const s = await startTestServer({ BURSAR_SANDBOX: 'false', BURSAR_WEBHOOK_ALLOW_PRIVATE: 'true' });
    cleanups.push(() => s.close());
    const r = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: 'https://10.0.0.8/x', events: ['*'] } });
    expect(r.status).toBe(201);
  });

  it('sandbox allows loopback but still refuses metadata and private addresses', async () => {
    const s = await startTestServer();
    cleanups.push(() => s.close());
    expect((await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: 'http://127.0.0.1:9/x', events: ['*'] } })).status).toBe(201);
    expect((await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: 'http://169.254.169.254/x', events: ['*'] } })).status).toBe(400);
    expect((await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: 'http://10.1.1.1/x', events: ['*'] } })).status).toBe(400);
    // Registered with its URL alone, an endpoint hears every event.
    const plain = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: 'http://127.0.0.1:9/plain' } });
    expect(plain.status, JSON.stringify(plain.body)).toBe(201);
    expect(plain.body.events).toEqual(['*']);
  });

  it.each([
    [{ url: 'ftp://example.com/x', events: ['*'] }, 'url'],
    [{ url: 'not a url', events: ['*'] }, 'url'],
    [{ url: 'http://127.0.0.1/x', events: [] }, 'events'],
    [{ url: 'http://127.0.0.1/x', events: ['spend_request.nope'] }, 'events.0'],
    [{ url: 'http://127.0.0.1/x', events: ['*'], extra: 1 }, 'extra'],
  ])('rejects a bad endpoint %j naming %s', async (body, field) => {
    const s = await startTestServer();
    cleanups.push(() => s.close());
    const r = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_request', field });
  });
});

describe('secrets shown once', () => {
  it('an idempotent replay of endpoint creation, rotation or the callback secret never shows the secret again', async () => {
    const s = await startTestServer();
    cleanups.push(() => s.close());
    const body = { url: 'http://127.0.0.1:9/x', events: ['*'] };
    const first = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body, headers: { 'idempotency-key': 'wh-1' } });
    const replay = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body, headers: { 'idempotency-key': 'wh-1' } });
    expect(first.body.secret).toMatch(/^whsec_/);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(first.body.id);
    expect(replay.body.secret).toBeUndefined();
    const rotate = (k: string) => api(s.url, 'POST', `/v1/webhooks/${first.body.id}/rotate-secret`, { key: s.mgmt, headers: { 'idempotency-key': k } });
    expect((await rotate('r-1')).body.secret).toMatch(/^whsec_/);
    expect((await rotate('r-1')).body.secret).toBeUndefined();
    const cb = (k: string) => api(s.url, 'POST', '/v1/callback-secret', { key: s.mgmt, headers: { 'idempotency-key': k } });
    expect((await cb('c-1')).body.secret).toMatch(/^whsec_/);
    expect((await cb('c-1')).body.secret).toBeUndefined();
    const stored = await s.server.db.db.selectFrom('idempotency_keys').select('response_body').execute();
    expect(stored.map((r) => r.response_body).join('')).not.toContain('whsec_');
  });
});

describe('per-request callbacks', () => {
  it("send a request's events to its callback_url, signed with the workspace callback secret", async () => {
    const s = await startTestServer({ BURSAR_WEBHOOK_RETRY_SCHEDULE: '0.2' });
    cleanups.push(() => s.close());
    const rx = await startReceiver();
    cleanups.push(() => rx.close());
    const secret = await api(s.url, 'POST', '/v1/callback-secret', { key: s.mgmt });
    expect(secret.body.secret).toMatch(/^whsec_/);
    const spend = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(30_000, { callback_url: rx.url }) });
    expect(spend.body).toMatchObject({ status: 'needs_approval', callback_url: rx.url });
    await api(s.url, 'POST', `/v1/approvals/${spend.body.approval_id}/decline`, { key: s.mgmt, body: { note: 'no' } });
    // Another request without a callback must not reach this receiver.
    await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(10) });
    await rx.waitFor((r) => r.length >= 2);
    await new Promise((r) => setTimeout(r, 400));
    const types = rx.received.map((r) => (new Webhook(secret.body.secret).verify(r.body, r.headers as Record<string, string>) as { type: string }).type);
    expect(types.sort()).toEqual(['spend_request.declined', 'spend_request.needs_approval']);
  });

  it('refuses a callback_url that is not http(s)', async () => {
    const s = await startTestServer();
    cleanups.push(() => s.close());
    const r = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(10, { callback_url: 'file:///etc/passwd' }) });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('callback_url');
  });
});
