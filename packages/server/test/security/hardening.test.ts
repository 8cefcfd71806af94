import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, unknownKey } from '../http/support.js';

describe('brute-force throttling of failed authentication', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ BURSAR_AUTH_FAILURE_LIMIT: '5', BURSAR_AUTH_FAILURE_WINDOW_SECONDS: '2', BURSAR_RATE_LIMIT_RPS: '1', BURSAR_RATE_LIMIT_BURST: '100' });
  });
  afterAll(() => s.close());

  it('answers 429 with Retry-After once an address has failed N times, to every key that never worked from it, until the window ends', async () => {
    // A valid key that has never been used from this address (a guess that happens to be right).
    const fresh = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management', name: 'never used' } });
    expect(fresh.status).toBe(201);
    // Valid calls in between are not failures, and failures do not spend the valid key's own budget.
    const first = await api(s.url, 'GET', '/v1/wallets', { key: s.mgmt });
    expect(first.status).toBe(200);
    const remaining = Number(first.headers.get('ratelimit-remaining'));
    for (let i = 0; i < 3; i++) expectError(await api(s.url, 'GET', '/v1/wallets', { key: unknownKey('bmk') }), 401, 'invalid_api_key');
    const between = await api(s.url, 'GET', '/v1/wallets', { key: s.mgmt });
    expect(between.status).toBe(200);
    expect(Number(between.headers.get('ratelimit-remaining'))).toBeGreaterThanOrEqual(remaining - 1);
    // A failed dashboard sign-in counts too.
    expect((await api(s.url, 'POST', '/v1/dashboard/session', { body: { key: unknownKey('bmk') } })).status).toBe(401);
    expectError(await api(s.url, 'GET', '/v1/wallets', { key: 'not-a-key' }), 401, 'invalid_api_key');

    const blocked = await api(s.url, 'GET', '/v1/wallets', { key: unknownKey('bmk') });
    expectError(blocked, 429, 'rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(blocked.body.error.message).toMatch(/failed authentication/);
    // A key that never worked from here is refused like a wrong one, right or not (no oracle);
    // so is a dashboard sign-in.
    expectError(await api(s.url, 'GET', '/v1/wallets', { key: fresh.body.key }), 429, 'rate_limited');
    expect((await api(s.url, 'POST', '/v1/dashboard/session', { body: { key: s.mgmt } })).status).toBe(429);
    // The agents and operators already working from this address keep working: one client
    // retrying a revoked key does not lock its neighbours out.
    expect((await api(s.url, 'GET', '/v1/wallets', { key: s.mgmt })).status).toBe(200);
    // Public routes still answer.
    expect((await api(s.url, 'GET', '/healthz')).status).toBe(200);

    await new Promise((r) => setTimeout(r, 2100));
    expect((await api(s.url, 'GET', '/v1/wallets', { key: fresh.body.key })).status).toBe(200);
  });
});

describe('the throttle behind a load balancer (BURSAR_TRUST_PROXY)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ BURSAR_AUTH_FAILURE_LIMIT: '3', BURSAR_TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(() => s.close());

  it('counts by the forwarded client address, so one guesser does not lock out everyone behind the proxy', async () => {
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    for (let i = 0; i < 3; i++) expectError(await api(s.url, 'GET', '/v1/wallets', { key: unknownKey('bmk'), headers: from('203.0.113.7') }), 401, 'invalid_api_key');
    expectError(await api(s.url, 'GET', '/v1/wallets', { key: unknownKey('bmk'), headers: from('203.0.113.7') }), 429, 'rate_limited');
    expectError(await api(s.url, 'GET', '/v1/wallets', { key: s.mgmt, headers: from('203.0.113.7') }), 429, 'rate_limited');
    expect((await api(s.url, 'GET', '/v1/wallets', { key: s.mgmt, headers: from('198.51.100.2') })).status).toBe(200);
  });
});

describe('security headers', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ BURSAR_PUBLIC_URL: 'https://bursar.example.com' });
  });
  afterAll(() => s.close());

  it('are on API answers too: JSON, errors, public routes', async () => {
    for (const [path, key, status] of [['/v1/wallets', s.mgmt, 200], ['/v1/wallets', undefined, 401], ['/healthz', undefined, 200], ['/v1/nope', s.mgmt, 404]] as const) {
      const r = await api(s.url, 'GET', path, { key });
      expect(r.status, path).toBe(status);
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(r.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(r.headers.get('x-frame-options'), path).toBe('DENY');
      expect(r.headers.get('content-security-policy'), path).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(r.headers.get('strict-transport-security'), path).toMatch(/^max-age=\d+/);
      if (key) expect(r.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it("leave the dashboard's own page policy alone", async () => {
    const page = await fetch(`${s.url}/`, { headers: { accept: 'text/html' } });
    await page.text();
    if (page.status === 200) expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('constant-time comparison of secrets', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
  const sources = [...files(join(root, 'server/src')), ...files(join(root, 'core/src'))];

  it('compares no secret, signature, CSRF token or key hash with === (timingSafeEqual, or a lookup by hash)', () => {
    // Ledger hashes and idempotency fingerprints are public integrity checks, not secrets.
    const allowed = [/prev_hash !== prev/, /hashTransaction\(t\) !== t\.hash/, /request_hash !== hash/, /prev !== wallet\.last_hash/];
    const suspicious: string[] = [];
    for (const file of sources) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (!/(secret|csrf|signature|_hash|\bhash\b|\bmac\b|digest)\w*\s*[!=]==|[!=]==\s*\w*(secret|csrf|signature|_hash|\bhash\b|\bmac\b|digest)/i.test(line)) return;
        if (/typeof|=== (null|undefined)|!== (null|undefined)|\.length/.test(line) || allowed.some((a) => a.test(line))) return;
        suspicious.push(`${file.slice(root.length)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(suspicious).toEqual([]);
    const users = sources.filter((f) => readFileSync(f, 'utf8').includes('timingSafeEqual(')).map((f) => f.slice(root.length));
    expect(users).toEqual(expect.arrayContaining(['server/src/services/agents/dashboard-sessions.ts', 'core/src/webhooks.ts']));
  });
});
