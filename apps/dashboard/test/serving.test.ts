import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../../../packages/server/test/helpers/server.js';

/** How the server serves the built app: security headers, deep links, and API 404s kept as JSON. */
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const html = { accept: 'text/html,application/xhtml+xml' };

describe('serving the dashboard', () => {
  it('serves the app at / with a strict CSP, no framing and no referrer', async () => {
    const r = await fetch(`${s.url}/`, { headers: html });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    const body = await r.text();
    // No inline script: every <script> has a src.
    expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(body)![1]!;
    const js = await fetch(`${s.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
  });

  it('opens deep links (the approval_url) onto the app', async () => {
    for (const path of ['/approvals?spend_request_id=req_123', '/keys', '/ledger', '/policies/new', '/webhooks/whk_123', '/spend-requests/req_123']) {
      const r = await fetch(`${s.url}${path}`, { headers: html });
      expect(r.status, path).toBe(200);
      expect(await r.text()).toContain('<div id="root">');
    }
  });

  it('keeps the JSON 404 for API paths, missing files and non-browser clients', async () => {
    for (const [path, headers] of [
      ['/v1/nothing-here', html],
      ['/assets/missing.js', html],
      ['/approvals', {}],
    ] as const) {
      const r = await api(s.url, 'GET', path, { headers: { ...headers } });
      expect(r.status, path).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
  });
});
