import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { callWith, credentialCases, expectError, expectNoStateChange, freshAgent, revokedKeys, tableNames, type RouteCase } from './support.js';

let s: TestServer;
let revoked: { management: string; spending: string };
let victimKeyId: string;
beforeAll(async () => {
  s = await startTestServer();
  revoked = await revokedKeys(s);
  victimKeyId = (await freshAgent(s, {}, 'victim')).keyId;
});
afterAll(() => s.close());

const routes: Record<string, () => RouteCase> = {
  'GET /v1/api-keys': () => ({ method: 'GET', path: '/v1/api-keys' }),
  'POST /v1/api-keys (management)': () => ({ method: 'POST', path: '/v1/api-keys', body: { type: 'management' } }),
  'POST /v1/api-keys (spending)': () => ({ method: 'POST', path: '/v1/api-keys', body: { agent_id: s.agentId } }),
  'DELETE /v1/api-keys/:id': () => ({ method: 'DELETE', path: `/v1/api-keys/${victimKeyId}` }),
};

describe.each(Object.keys(routes))('%s', (name) => {
  it.each(credentialCases(() => revoked))('with $name is a 401 $code and changes nothing', async ({ headers, code }) => {
    const r = await expectNoStateChange(s, () => callWith(s, routes[name]!(), headers()));
    expectError(r, 401, code);
  });

  it('with a spending key is a 403 forbidden: an agent cannot mint or revoke keys', async () => {
    const r = await expectNoStateChange(s, () => callWith(s, routes[name]!(), { authorization: `Bearer ${s.spend}` }));
    expectError(r, 403, 'forbidden');
  });
});

it('every attempt left the victim key live', async () => {
  const r = await api(s.url, 'GET', '/v1/api-keys?limit=100', { key: s.mgmt });
  expect(r.body.data.find((k: any) => k.id === victimKeyId).revoked_at).toBeNull();
});

it('a live key of a type the server refuses (live mode in a sandbox server) is a 401', async () => {
  const live = 'bmk_live_' + 'a'.repeat(43);
  expectError(await api(s.url, 'GET', '/v1/wallets', { key: live }), 401, 'invalid_api_key');
});

it('never logs a plaintext key', async () => {
  const created = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management' } });
  await api(s.url, 'GET', '/v1/wallets', { key: created.body.key });
  const logs = s.logs.join('');
  expect(logs).toContain('"status":201');
  expect(logs).not.toContain(created.body.key);
  expect(logs).not.toContain(s.mgmt);
});

it('stores no plaintext key anywhere, and a replayed create never shows it again', async () => {
  const headers = { 'idempotency-key': 'mint-once' };
  const first = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management', name: 'replayed' }, headers });
  const again = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management', name: 'replayed' }, headers });
  expect(first.status).toBe(201);
  expect(first.body.key).toMatch(/^bmk_test_/);
  expect(again.status).toBe(201);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(again.body).not.toHaveProperty('key');
  const { key: secret, ...shown } = first.body;
  expect(again.body).toEqual(shown);
  const all = await api(s.url, 'GET', '/v1/api-keys?limit=100', { key: s.mgmt });
  expect(all.body.data.filter((k: any) => k.name === 'replayed')).toHaveLength(1);

  const db = s.server.db.db;
  for (const name of await tableNames(s)) {
    const rows = await sql`select * from ${sql.table(name)}`.execute(db);
    const dump = JSON.stringify(rows.rows);
    expect(dump.includes(secret), `plaintext key found in table ${name}`).toBe(false);
    expect(dump.includes(s.mgmt), `plaintext management key found in table ${name}`).toBe(false);
    expect(dump.includes(s.spend), `plaintext spending key found in table ${name}`).toBe(false);
  }
});
