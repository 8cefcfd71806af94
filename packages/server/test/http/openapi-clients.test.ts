import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../src/http/openapi-operations.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { routeTable } from '../security/support.js';

/**
 * The OpenAPI document as generated clients read it: linted by Redocly, turned into types by
 * openapi-typescript, and called through openapi-fetch by a script that must compile under
 * `tsc --strict` and then work against a real server. Every tool runs from node_modules: no
 * network at test time.
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
// Redocly would otherwise report usage and look for updates over the network.
const offline = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };

type Json = Record<string, any>;
const openapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

let s: TestServer;
let doc: Json;
let dir: string;
const documented = () => routeTable().filter((r) => !r.schema.hide);
const operationOf = (method: string, url: string): Json => doc.paths[openapiPath(url)][method.toLowerCase()];

beforeAll(async () => {
  s = await startTestServer();
  doc = (await api(s.url, 'GET', '/openapi.json')).body;
  dir = mkdtempSync(join(tmpdir(), 'bursar-openapi-'));
  writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
});

afterAll(async () => {
  await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the OpenAPI document for generated clients', () => {
  it('gives every operation the operationId its route has in the table, each unique', () => {
    const ids: string[] = [];
    for (const r of documented()) {
      const entry = operations[`${r.method} ${r.url}`];
      expect(entry, `${r.method} ${r.url} has no entry in src/http/openapi-operations.ts`).toBeDefined();
      expect(operationOf(r.method, r.url).operationId, `${r.method} ${r.url}`).toBe(entry![0]);
      ids.push(entry![0]);
    }
    expect(ids.length).toBeGreaterThanOrEqual(100);
    expect(new Set(ids).size).toBe(ids.length);
    // And no entry for a route that is gone.
    expect(Object.keys(operations).sort()).toEqual(documented().map((r) => `${r.method} ${r.url}`).sort());
    for (const r of documented()) expect(operationOf(r.method, r.url).tags, `${r.method} ${r.url}`).toHaveLength(1);
  });

  it('names the shared objects as components that operations reference', () => {
    const schemas = doc.components.schemas as Json;
    for (const name of ['SpendRequest', 'Approval', 'Balance', 'Policy', 'Agent', 'ApiKey', 'Wallet', 'WebhookEndpoint', 'Event', 'Error', 'ApiV1Error', 'SpendEvaluation', 'ApiV1SpendRequest']) {
      expect(schemas, name).toHaveProperty(name);
    }
    expect(operationOf('POST', '/v1/spend-requests').responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SpendRequest' });
    expect(operationOf('GET', '/v1/approvals').responses['200'].content['application/json'].schema.properties.data.items).toEqual({ $ref: '#/components/schemas/Approval' });
    // Described as the zod schema describes it, descriptions included.
    expect(schemas.SpendRequest.properties.authorization_token.description).toMatch(/Ed25519/);
    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/(schemas|responses)\/([^"]+)"/g)];
    for (const [, kind, name] of refs) expect(doc.components[kind!], `${kind}/${name}`).toHaveProperty(name!);
    const used = new Set(refs.map((m) => m[2]));
    for (const name of Object.keys(schemas)) expect(used, `${name} is never referenced`).toContain(name);
  });

  it("lists each error status an operation can answer, with its dialect's envelope", () => {
    const spend = operationOf('POST', '/v1/spend-requests').responses;
    for (const status of ['400', '401', '402', '403', '409', '422', '429']) expect(spend, status).toHaveProperty(status);
    const evaluate = operationOf('POST', '/api/v1/spend/evaluate').responses;
    for (const status of ['400', '401', '402', '403', '409', '422', '429']) expect(evaluate, status).toHaveProperty(status);
    expect(operationOf('POST', '/v1/approvals/:id/approve').responses).toHaveProperty('409');
    expect(operationOf('GET', '/v1/approvals/:id').responses).toHaveProperty('404');
    for (const r of documented()) {
      const responses = operationOf(r.method, r.url).responses as Json;
      const dialect = r.url.startsWith('/api/v1/') ? 'ApiV1Error' : 'Error';
      for (const [status, response] of Object.entries(responses)) {
        if (!/^[45]/.test(status) || status === '503') continue;
        const schema = doc.components.responses[String(response.$ref).split('/').pop()!].content['application/json'].schema;
        expect(schema, `${r.method} ${r.url} ${status}`).toEqual({ $ref: `#/components/schemas/${dialect}` });
      }
      if (r.auth && r.auth !== 'none') for (const status of ['401', '403', '429']) expect(responses, `${r.method} ${r.url}`).toHaveProperty(status);
    }
  });

  it('says who may call what: servers, a license, and security [] on the public routes', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: s.url })]);
    expect(doc.info.license).toMatchObject({ name: 'MIT' });
    const open = documented().filter((r) => (r.auth ?? 'none') === 'none');
    expect(open.length).toBeGreaterThanOrEqual(5);
    for (const r of open) expect(operationOf(r.method, r.url).security, `${r.method} ${r.url}`).toEqual([]);
  });

  it('carries examples on the main operations', () => {
    const create = operationOf('POST', '/v1/spend-requests');
    expect(create.requestBody.content['application/json'].example).toMatchObject({ amount_cents: expect.any(Number), currency: 'usd' });
    expect(create.responses['200'].content['application/json'].example).toMatchObject({ object: 'spend_request' });
    expect(operationOf('POST', '/api/v1/spend/evaluate').requestBody.content['application/json'].example).toHaveProperty('amountMinor');
  });

  it('lints clean with Redocly', async () => {
    const { stdout } = await run(bin('redocly'), ['lint', join(dir, 'openapi.json'), '--format=json', '--max-problems=1000'], { cwd: dir, env: offline }).catch(
      (err: { stdout: string }) => err,
    );
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; message: string }> };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('generates a typed client that compiles under tsc --strict, makes a spend request and lists requests', async () => {
    mkdirSync(join(dir, 'src'), { recursive: true });
    await run(bin('openapi-typescript'), [join(dir, 'openapi.json'), '-o', join(dir, 'src', 'bursar.ts')], { cwd: dir, env: offline });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noUncheckedIndexedAccess: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'dist', types: ['node'], skipLibCheck: true },
        include: ['src'],
      }),
    );
    writeFileSync(join(dir, 'src', 'client.ts'), clientScript);
    const compiled = await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir }).catch((err: { stdout: string }) => err);
    expect(compiled.stdout).toBe('');

    const { stdout } = await run(process.execPath, [join(dir, 'dist', 'client.js')], { cwd: dir, env: { ...process.env, BURSAR_URL: s.url, BURSAR_KEY: s.spend } });
    const out = JSON.parse(stdout) as { id: string; status: string; listed: string[]; replayed: string | null; missing: number };
    expect(out.id).toMatch(/^req_/);
    expect(out.status).toBe('approved');
    expect(out.listed).toContain(out.id);
    expect(out.replayed).toBe('true');
    expect(out.missing).toBe(404);
  });
});

/** What a user of the generated types writes; the @ts-expect-error lines fail to compile if the types were loose. */
const clientScript = `import createClient from 'openapi-fetch';
import type { components, paths } from './bursar.js';

type SpendRequest = components['schemas']['SpendRequest'];

const client = createClient<paths>({ baseUrl: process.env.BURSAR_URL!, headers: { authorization: \`Bearer \${process.env.BURSAR_KEY!}\` } });

const body = { amount_cents: 1250, currency: 'usd', merchant_name: 'OpenAI', reason: 'tokens for the generated client test' };
const created = await client.POST('/v1/spend-requests', { body, params: { header: { 'idempotency-key': 'generated-client-1' } } });
if (created.error) throw new Error(created.error.error.code + ': ' + created.error.error.message);
const spend: SpendRequest = created.data;
const status: 'approved' | 'declined' | 'needs_approval' | 'completed' | 'cancelled' | 'failed' | 'expired' = spend.status;

const again = await client.POST('/v1/spend-requests', { body, params: { header: { 'idempotency-key': 'generated-client-1' } } });

const listed = await client.GET('/v1/spend-requests', { params: { query: { limit: 10, status: 'approved' } } });
if (!listed.data) throw new Error('listing failed with ' + listed.response.status);
const ids: string[] = listed.data.data.map((r: SpendRequest) => r.id);

const missing = await client.GET('/v1/spend-requests/{id}', { params: { path: { id: 'req_00000000000000000000000000' } } });
const code: string | undefined = missing.error?.error.code;

/** Never called: only compiled. */
export function misuses() {
  // @ts-expect-error amount_cents is a number
  void client.POST('/v1/spend-requests', { body: { ...body, amount_cents: '12.50' } });
  // @ts-expect-error no such route
  void client.GET('/v1/no-such-route');
}

console.log(JSON.stringify({ id: spend.id, status, listed: ids, replayed: again.response.headers.get('idempotent-replayed'), missing: missing.response.status, code }));
`;
