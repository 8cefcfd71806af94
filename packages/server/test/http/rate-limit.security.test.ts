import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange } from './support.js';

describe('rate limits per key', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ BURSAR_RATE_LIMIT_RPS: '1', BURSAR_RATE_LIMIT_BURST: '3' });
  });
  afterAll(() => s.close());

  it('allows a burst of 3, then answers 429 rate_limited with Retry-After and RateLimit-* headers', async () => {
    const ok = [];
    for (let i = 0; i < 3; i++) ok.push(await api(s.url, 'GET', '/v1/balance', { key: s.spend }));
    expect(ok.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(ok.map((r) => r.headers.get('ratelimit-limit'))).toEqual(['3', '3', '3']);
    expect(ok.map((r) => Number(r.headers.get('ratelimit-remaining')))).toEqual([2, 1, 0]);
    for (const r of ok) expect(Number(r.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);

    // The fourth, a spend, is refused before it does anything.
    const limited = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/spend', { key: s.spend, body: spendBody(100) }));
    expectError(limited, 429, 'rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(limited.headers.get('ratelimit-limit')).toBe('3');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(limited.body.error.retry_after_seconds).toBe(retryAfter);
  });

  it('limits each key on its own: the management key still has its burst', async () => {
    const r = await api(s.url, 'GET', '/v1/wallets', { key: s.mgmt });
    expect(r.status).toBe(200);
    expect(r.headers.get('ratelimit-remaining')).toBe('2');
  });

  it('refills at the configured rate', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    const r = await api(s.url, 'GET', '/v1/balance', { key: s.spend });
    expect(r.status).toBe(200);
  });

  it('leaves unauthenticated routes alone', async () => {
    for (let i = 0; i < 5; i++) expect((await api(s.url, 'GET', '/healthz')).status).toBe(200);
  });
});
