import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { api, type Res, type TestServer } from '../helpers/server.js';

/** Asserts the native error envelope: status, code, a message, the request id (also in the header), and the field when given. */
export function expectError(res: Res, status: number, code: string, field?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String), request_id: expect.stringMatching(/^rid_/) } });
  expect(res.body.error.message.length).toBeGreaterThan(0);
  expect(res.headers.get('request-id')).toBe(res.body.error.request_id);
  if (field !== undefined) expect(res.body.error.field).toBe(field);
}

/**
 * A fingerprint of every table in the server's database (SQLite or PostgreSQL) (row count and content hash), to
 * prove that a rejected request changed nothing. `api_keys.last_used_at` is left out: the
 * server touches it in the background whenever a key is used, which is not a state change
 * a rejected request could be blamed for.
 */
/** Names of Bursar's tables, on either driver. */
export async function tableNames(s: TestServer): Promise<string[]> {
  const db = s.server.db.db;
  const tables =
    s.server.db.kind === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(db)
      : await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(db);
  return tables.rows.map((r) => r.name);
}

export async function dbState(s: TestServer, ignoredColumns: readonly string[] = []): Promise<Record<string, string>> {
  const db = s.server.db.db;
  const out: Record<string, string> = {};
  for (const name of await tableNames(s)) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    const lines = rows.rows.map((r) => {
      // Background bookkeeping, not state a request changed: key use times and the outbox's dispatched flag.
      const { last_used_at: _used, dispatched: _dispatched, ...rest } = r;
      for (const c of ignoredColumns) delete rest[c];
      return JSON.stringify(rest);
    });
    lines.sort();
    out[name] = `${lines.length}:${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`;
  }
  return out;
}

/** Runs `fn` and asserts that the database is exactly as before. */
export async function expectNoStateChange<T>(s: TestServer, fn: () => Promise<T>): Promise<T> {
  const before = await dbState(s);
  const result = await fn();
  expect(await dbState(s)).toEqual(before);
  return result;
}

/** A well-formed key that was never issued. */
export function unknownKey(type: 'bsk' | 'bmk'): string {
  return `${type}_test_${randomBytes(32).toString('base64url')}`;
}

/** A fresh policy, an agent under it and a spending key of that agent, all made through the API. */
export interface FreshAgent {
  policyId: string;
  agentId: string;
  key: string;
  keyId: string;
}

export async function freshAgent(s: TestServer, policy: Record<string, unknown> = {}, name = 'test-agent'): Promise<FreshAgent> {
  const pol = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: `policy for ${name}`, ...policy } });
  expect(pol.status, JSON.stringify(pol.body)).toBe(201);
  const agt = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name, policy_id: pol.body.id } });
  expect(agt.status, JSON.stringify(agt.body)).toBe(201);
  const key = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: agt.body.id } });
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  return { policyId: pol.body.id, agentId: agt.body.id, key: key.body.key, keyId: key.body.id };
}

/** A management key and a spending key that were issued and then revoked. */
export async function revokedKeys(s: TestServer): Promise<{ management: string; spending: string }> {
  const m = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management', name: 'to revoke' } });
  const sp = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: s.agentId, name: 'to revoke' } });
  for (const k of [m, sp]) {
    expect(k.status).toBe(201);
    expect((await api(s.url, 'DELETE', `/v1/api-keys/${k.body.id}`, { key: s.mgmt })).status).toBe(200);
  }
  return { management: m.body.key, spending: sp.body.key };
}

/** Every page of a list, following next_cursor. */
export async function listAll(s: TestServer, path: string, key: string, limit = 100): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const r: Res = await api(s.url, 'GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { key });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    out.push(...r.body.data);
    if (!r.body.has_more) {
      expect(r.body.next_cursor).toBeNull();
      return out;
    }
    cursor = r.body.next_cursor;
  }
  throw new Error('list did not end');
}

/** The wallet's available and held balances. */
export async function walletBalance(s: TestServer, walletId = s.walletId): Promise<{ available: number; held: number }> {
  const r = await api(s.url, 'GET', `/v1/wallets/${walletId}/balance`, { key: s.mgmt });
  expect(r.status).toBe(200);
  return { available: r.body.available_cents, held: r.body.held_cents };
}

/** Ledger transactions of one spend request, oldest first. */
export async function ledgerOf(s: TestServer, spendRequestId: string): Promise<any[]> {
  const r = await api(s.url, 'GET', `/v1/ledger/transactions?spend_request_id=${spendRequestId}&limit=100`, { key: s.mgmt });
  expect(r.status).toBe(200);
  return [...r.body.data].reverse();
}

/** Outbox events of one object, oldest first, read from the database (there is no events endpoint yet). */
export async function eventsOf(s: TestServer, objectId: string): Promise<Array<{ type: string; object: any }>> {
  const rows = await s.server.db.db.selectFrom('events').selectAll().where('object_id', '=', objectId).orderBy('id').execute();
  return rows.map((r) => ({ type: r.type, object: (JSON.parse(r.data) as { object: unknown }).object }));
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 5000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A route and how to call it, for the security tables. */
export interface RouteCase {
  method: string;
  path: string;
  body?: unknown;
}

/**
 * The credential table every security file runs over a route: no key, a malformed header, a
 * malformed key, a well-formed key never issued, and a revoked key of each type. Each one is a
 * 401 with the right code and changes nothing.
 */
export function credentialCases(revoked: () => { management: string; spending: string }) {
  return [
    { name: 'no Authorization header', headers: (): Record<string, string> => ({}), code: 'invalid_api_key' },
    { name: 'a Basic Authorization header', headers: () => ({ authorization: 'Basic dXNlcjpwYXNz' }), code: 'invalid_api_key' },
    { name: 'Bearer with no key', headers: () => ({ authorization: 'Bearer ' }), code: 'invalid_api_key' },
    { name: 'a malformed key', headers: () => ({ authorization: 'Bearer not-a-bursar-key' }), code: 'invalid_api_key' },
    { name: 'a key that is too short', headers: () => ({ authorization: 'Bearer bmk_test_short' }), code: 'invalid_api_key' },
    { name: 'an unknown well-formed management key', headers: () => ({ authorization: `Bearer ${unknownKey('bmk')}` }), code: 'invalid_api_key' },
    { name: 'an unknown well-formed spending key', headers: () => ({ authorization: `Bearer ${unknownKey('bsk')}` }), code: 'invalid_api_key' },
    { name: 'a revoked management key', headers: () => ({ authorization: `Bearer ${revoked().management}` }), code: 'revoked_api_key' },
    { name: 'a revoked spending key', headers: () => ({ authorization: `Bearer ${revoked().spending}` }), code: 'revoked_api_key' },
  ] as const;
}

/** Calls a route with raw headers (for the credential table). */
export function callWith(s: TestServer, route: RouteCase, headers: Record<string, string>): Promise<Res> {
  return api(s.url, route.method, route.path, route.body === undefined ? { headers } : { headers, body: route.body });
}
