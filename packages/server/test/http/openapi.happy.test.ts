import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeModules } from '../../src/http/routes/index.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

interface RouteDef {
  method: string | string[];
  url: string;
  config?: { auth?: string };
  schema?: { hide?: boolean };
}

/** Every route a set of modules registers, read through a stand-in for the Fastify instance. */
function routesOf(modules: ReadonlyArray<{ register(app: never, deps: never): void }>): RouteDef[] {
  const found: RouteDef[] = [];
  const recorder = { route: (def: RouteDef) => found.push(def) };
  for (const m of modules) m.register(recorder as never, {} as never);
  return found;
}

const key = (r: RouteDef) => `${String(r.method).toLowerCase()} ${r.url.replace(/:([A-Za-z_]+)/g, '{$1}')}`;

describe('OpenAPI, docs and health', () => {
  let s: TestServer;
  let fromFiles: RouteDef[];
  beforeAll(async () => {
    s = await startTestServer();
    const dir = fileURLToPath(new URL('../../src/http/routes/', import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
    expect(files.length).toBeGreaterThanOrEqual(28);
    const modules = await Promise.all(files.map((f) => import(`${dir}${f}`)));
    fromFiles = routesOf(modules);
  });
  afterAll(() => s.close());

  it('registers every route file in the route table', () => {
    expect(routesOf(routeModules).map(key).sort()).toEqual(fromFiles.map(key).sort());
  });

  it('serves an OpenAPI 3.1 document without a key, listing every route of src/http/routes', async () => {
    const r = await api(s.url, 'GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.body.openapi).toMatch(/^3\.1\./);
    expect(r.body.info).toMatchObject({ title: 'Bursar API', version: expect.any(String) });
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(r.body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) documented.add(`${method} ${path}`);
    }
    const expected = fromFiles.filter((d) => !d.schema?.hide).map(key);
    expect(expected.length).toBeGreaterThanOrEqual(30);
    for (const k of expected) expect(documented, `${k} is missing from /openapi.json`).toContain(k);
    // And nothing the routes do not define (besides HEAD twins Fastify adds for GET).
    for (const k of documented) if (!k.startsWith('head ')) expect(expected).toContain(k);
  });

  it('documents the spend and policy contracts from the zod schemas', async () => {
    const doc = (await api(s.url, 'GET', '/openapi.json')).body;
    const create = doc.paths['/v1/spend-requests'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['amount_cents', 'currency', 'merchant_name', 'reason']));
    expect(body.additionalProperties).toBe(false);
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['200', '4XX']));
    const policy = doc.paths['/v1/policies'].post.requestBody.content['application/json'].schema;
    for (const f of [
      'max_single_amount_cents', 'daily_limit_cents', 'weekly_limit_cents', 'monthly_limit_cents', 'total_limit_cents',
      'require_approval_over_cents', 'max_transactions_per_minute', 'max_transactions_per_hour', 'allowed_merchants',
      'blocked_merchants', 'allowed_categories', 'blocked_categories', 'currency', 'is_active',
    ]) {
      expect(policy.properties, f).toHaveProperty(f);
    }
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('declares the Idempotency-Key header on every /v1 operation that honours it', async () => {
    const doc = (await api(s.url, 'GET', '/openapi.json')).body;
    const dir = fileURLToPath(new URL('../../src/http/routes/', import.meta.url));
    const idempotent = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.startsWith('api_v1') && readFileSync(`${dir}${f}`, 'utf8').includes('runIdempotent('));
    expect(idempotent.length).toBeGreaterThan(20);
    for (const f of idempotent) {
      const mod = (await import(`${dir}${f}`)) as { register(app: never, deps: never): void };
      for (const d of routesOf([mod])) {
        const op = doc.paths[d.url.replace(/:([A-Za-z_]+)/g, '{$1}')][String(d.method).toLowerCase()];
        const header = (op.parameters ?? []).find((p: { in: string; name: string }) => p.in === 'header' && p.name === 'idempotency-key');
        expect(header, `${d.method} ${d.url} (${f})`).toMatchObject({ required: false });
      }
    }
  });

  it('marks every authenticated operation with bearer security', async () => {
    const doc = (await api(s.url, 'GET', '/openapi.json')).body;
    for (const d of fromFiles.filter((x) => !x.schema?.hide && (x.config?.auth ?? 'none') !== 'none')) {
      const path = d.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      const op = doc.paths[path][String(d.method).toLowerCase()];
      // The /api/v1 dialect sends its key as x-api-key (Bearer works there too).
      const expected = d.url.startsWith('/api/v1/') ? [{ apiKeyAuth: [] }, { bearerAuth: [] }] : [{ bearerAuth: [] }];
      expect(op.security, `${d.method} ${d.url}`).toEqual(expected);
    }
    expect(doc.components.securitySchemes.apiKeyAuth).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-api-key' });
  });

  it('serves interactive docs as HTML from this server', async () => {
    const res = await fetch(`${s.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<html/i);
    // Served locally: no script or stylesheet from another host.
    expect(html).not.toMatch(/(src|href)="https?:\/\//);
    const asset = /(?:src|href)="([^"]+\.(?:js|css))"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const assetRes = await fetch(new URL(asset!, `${s.url}/docs/`));
    expect(assetRes.status).toBe(200);
    expect((await assetRes.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it('answers /healthz without a key', async () => {
    const r = await api(s.url, 'GET', '/healthz');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, sandbox: true });
  });
});
