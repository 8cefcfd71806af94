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

  it('sends assets compressed to browsers that accept it, cached for good, and never the source map', async () => {
    const index = await (await fetch(`${s.url}/`, { headers: html })).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index)![1]!;
    // node's fetch decodes what it receives: read the raw bytes with a plain request instead.
    const raw = async (path: string, encoding: string) => {
      const { request } = await import('node:http');
      return new Promise<{ status: number; headers: Record<string, unknown>; size: number }>((resolve, reject) => {
        request(`${s.url}${path}`, { headers: { 'accept-encoding': encoding } }, (res) => {
          let size = 0;
          res.on('data', (c: Buffer) => (size += c.length));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, size }));
        }).on('error', reject).end();
      });
    };
    const plain = await raw(asset, 'identity');
    const br = await raw(asset, 'br, gzip');
    const gz = await raw(asset, 'gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(br.size).toBeLessThan(plain.size / 2);
    for (const r of [plain, br, gz]) {
      expect(r.status).toBe(200);
      expect(String(r.headers['cache-control'])).toContain('immutable');
    }
    expect(String(br.headers['vary'])).toMatch(/accept-encoding/i);
    // The bundle does not point at a map, and the map is not served.
    const js = await (await fetch(`${s.url}${asset}`)).text();
    expect(js).not.toContain('sourceMappingURL');
    expect((await fetch(`${s.url}${asset}.map`)).status).toBe(404);
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
