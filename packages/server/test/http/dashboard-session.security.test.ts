import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_SESSION_TTL_MS, resolveDashboardSession } from '../../src/services/agents/dashboard-sessions.js';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange, revokedKeys } from './support.js';

let s: TestServer;
let revoked: { management: string; spending: string };
beforeAll(async () => {
  s = await startTestServer();
  revoked = await revokedKeys(s);
});
afterAll(() => s.close());

/** Signs in and returns the cookie value and the CSRF token. */
async function signIn(key = s.mgmt): Promise<{ token: string; csrf: string; setCookie: string }> {
  const r = await api(s.url, 'POST', '/v1/dashboard/session', { body: { key } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const setCookie = r.headers.get('set-cookie')!;
  const token = /bursar_session=([^;]+)/.exec(setCookie)![1]!;
  return { token, csrf: r.body.csrf_token, setCookie };
}

const withCookie = (token: string, extra: Record<string, string> = {}) => ({ headers: { cookie: `bursar_session=${token}`, ...extra } });

describe('dashboard sign-in', () => {
  it('exchanges a management key for an httpOnly, SameSite=Strict cookie that expires in 12 h', async () => {
    const { setCookie, csrf } = await signIn();
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/Max-Age=43200/);
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // Served over plain HTTP with an http public URL: not Secure (the browser would drop it).
    expect(setCookie).not.toMatch(/Secure/);
  });

  it('marks the cookie Secure when BURSAR_PUBLIC_URL is https (TLS ended at a proxy in front)', async () => {
    const behindProxy = await startTestServer({ BURSAR_PUBLIC_URL: 'https://bursar.example.test' });
    try {
      const r = await api(behindProxy.url, 'POST', '/v1/dashboard/session', { body: { key: behindProxy.mgmt } });
      expect(r.status).toBe(201);
      expect(r.headers.get('set-cookie')).toMatch(/; Secure/);
    } finally {
      await behindProxy.close();
    }
  });

  it.each([
    ['a spending key', () => s.spend, 403, 'forbidden'],
    ['an unknown key', () => 'bmk_test_' + 'x'.repeat(43), 401, 'invalid_api_key'],
    ['a revoked management key', () => revoked.management, 401, 'revoked_api_key'],
    ['not a key at all', () => 'hello', 401, 'invalid_api_key'],
  ])('refuses %s, with no cookie', async (_name, key, status, code) => {
    const r = await api(s.url, 'POST', '/v1/dashboard/session', { body: { key: key() } });
    expectError(r, status, code);
    expect(r.headers.get('set-cookie')).toBeNull();
  });

  it('the cookie authenticates management routes on /v1, and nothing else', async () => {
    const { token } = await signIn();
    expect((await api(s.url, 'GET', '/v1/agents', withCookie(token))).status).toBe(200);
    // An agent-only route still needs the agent's own key.
    expectError(await api(s.url, 'POST', '/v1/spend-requests', { ...withCookie(token), body: spendBody(100) }), 401, 'invalid_api_key');
    // The policy-evaluation dialect is key-only.
    expect((await api(s.url, 'GET', '/api/v1/policies', withCookie(token))).status).toBe(401);
    // A forged cookie is refused.
    expectError(await api(s.url, 'GET', '/v1/agents', withCookie('forged')), 401, 'invalid_api_key');
  });

  it('a state-changing request made with the cookie needs the session CSRF token', async () => {
    const { token, csrf } = await signIn();
    const other = await signIn();
    const pause = `/v1/agents/${s.agentId}/pause`;
    for (const headers of [{}, { 'x-csrf-token': 'wrong' }, { 'x-csrf-token': other.csrf }]) {
      const r = await expectNoStateChange(s, () => api(s.url, 'POST', pause, withCookie(token, headers)));
      expectError(r, 403, 'forbidden');
    }
    const ok = await api(s.url, 'POST', pause, withCookie(token, { 'x-csrf-token': csrf }));
    expect(ok.body.status).toBe('paused');
    const back = await api(s.url, 'POST', `/v1/agents/${s.agentId}/resume`, withCookie(token, { 'x-csrf-token': csrf }));
    expect(back.body.status).toBe('active');
    // The session names the management key it was opened with (actions are attributed to that key).
    expect((await api(s.url, 'GET', '/v1/dashboard/session', withCookie(token))).body.key_prefix).toBe(s.mgmt.slice(0, 17));
  });

  it('sessions end: after 12 h, on sign-out, and when the key is revoked', async () => {
    const { token, csrf } = await signIn();
    expect(await resolveDashboardSession(s.server.db.db, token, Date.now())).toBeDefined();
    expect(await resolveDashboardSession(s.server.db.db, token, Date.now() + DASHBOARD_SESSION_TTL_MS + 1000)).toBeUndefined();

    expectError(await api(s.url, 'DELETE', '/v1/dashboard/session', withCookie(token)), 403, 'forbidden');
    const out = await api(s.url, 'DELETE', '/v1/dashboard/session', withCookie(token, { 'x-csrf-token': csrf }));
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expectError(await api(s.url, 'GET', '/v1/agents', withCookie(token)), 401, 'invalid_api_key');
    expectError(await api(s.url, 'GET', '/v1/dashboard/session', withCookie(token)), 401, 'invalid_api_key');

    const created = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management' } });
    const second = await signIn(created.body.key);
    expect((await api(s.url, 'GET', '/v1/agents', withCookie(second.token))).status).toBe(200);
    await api(s.url, 'DELETE', `/v1/api-keys/${created.body.id}`, { key: s.mgmt });
    expectError(await api(s.url, 'GET', '/v1/agents', withCookie(second.token)), 401, 'invalid_api_key');
  });
});
