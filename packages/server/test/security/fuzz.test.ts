import { request as httpRequest } from 'node:http';
import { eventTypes } from '@bursar/core';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe as suite, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { dbState, freshAgent, tableNames } from '../http/support.js';
import { makeFixtures, routeTable, type Fixtures } from './support.js';

/**
 * Fuzzing from the OpenAPI document: fast-check builds requests for every operation of
 * /openapi.json from its own schemas (valid ones, and ones with hostile values in any field),
 * plus raw bodies no schema describes. Invariants: never a 5xx; a 4xx changes nothing; a body
 * over the limit is a 413. BURSAR_SOAK=1 (npm run test:soak) runs 100,000 cases (fifty times as many).
 */

const SOAK = process.env.BURSAR_SOAK === '1';
const RUNS = Number(process.env.BURSAR_FUZZ_RUNS ?? (SOAK ? 100_000 : 2_000));
const BODY_LIMIT = 64 * 1024;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: Json[];
  const?: Json;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
}
interface Operation {
  method: string;
  path: string;
  auth: string;
  params: Array<{ in: string; name: string; required?: boolean; schema: JsonSchema }>;
  body?: JsonSchema;
}
interface FuzzRequest {
  op: Operation;
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: string;
}

/** Strings that have broken someone's server before. */
const hostileStrings = [
  "' OR '1'='1", "'; DROP TABLE spend_requests; --", '" OR ""="', '1; SELECT pg_sleep(5)', "') UNION SELECT secret_hash FROM api_keys --",
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '{{7*7}}', '${jndi:ldap://x/a}', '%s%s%n',
  '../../../../etc/passwd', '%2e%2e%2f', '\u0000', 'a\u0000b', '\r\nSet-Cookie: x=1', '\u202eevil', '🦄💸', 'ｕｓｄ', 'Ω≈ç√',
  '\ud800', '__proto__', 'constructor', 'prototype', 'NaN', 'Infinity', '-1', '0', '', ' ', 'x'.repeat(5000),
  'usd', 'USD', 'US', 'usdd', 'agt_', 'wal_00000000000000000000000000', 'null', 'true', '[]', '{}',
];
/** Numbers at the edges: zero, negative, fractions, past 2^53, past double range (as raw JSON text). */
const hostileNumberTexts = [
  '0', '-0', '-1', '-100', '0.5', '1.0000000001', '1e3', '9007199254740991', '9007199254740992', '9007199254740993', '18446744073709551616',
  '-9007199254740993', '1e308', '1e400', '-1e400', '1E-400', '123456789012345678901234567890',
];
const NUM = '__FUZZ_NUM_';

const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(...hostileStrings),
  fc.constantFrom(...hostileNumberTexts).map((t) => `${NUM}${t}__`),
  fc.constantFrom<Json>(null, true, false, [], {}, [null], { __proto__: { admin: true } } as Json, { constructor: { prototype: {} } }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

function arbitraryFor(schema: JsonSchema | undefined, fixtures: Fixtures, name = '', depth = 0, hostile = true): fc.Arbitrary<Json> {
  const plain = plainFor(schema, fixtures, name, depth, hostile);
  return hostile ? fc.oneof({ weight: 12, arbitrary: plain }, { weight: 1, arbitrary: hostileValue }) : plain;
}

function plainFor(schema: JsonSchema | undefined, fixtures: Fixtures, name: string, depth: number, hostile: boolean): fc.Arbitrary<Json> {
  if (!schema || depth > 6) return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts) return fc.oneof(...alts.map((s) => arbitraryFor(s, fixtures, name, depth + 1, hostile)));
  if (schema.allOf?.length) return arbitraryFor(schema.allOf[0], fixtures, name, depth + 1, hostile);
  const type = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (type.length > 1) return fc.oneof(...type.map((t) => arbitraryFor({ ...schema, type: t }, fixtures, name, depth + 1, hostile)));
  switch (type[0]) {
    case 'object': {
      const props = schema.properties ?? {};
      const model: Record<string, fc.Arbitrary<Json>> = {};
      for (const [k, v] of Object.entries(props)) model[k] = arbitraryFor(v, fixtures, k, depth + 1, hostile);
      const rec = fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in props) }) as fc.Arbitrary<Record<string, Json>>;
      if (Object.keys(props).length === 0 && schema.additionalProperties !== false) {
        return fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()), { maxKeys: 4 }) as fc.Arbitrary<Json>;
      }
      if (!hostile) return rec;
      // Sometimes an unknown field, sometimes a required one missing.
      return fc.oneof(
        { weight: 8, arbitrary: rec },
        { weight: 1, arbitrary: fc.tuple(rec, fc.constantFrom('__proto__', 'unknown_field', 'workspace_id', 'livemode', 'id'), hostileValue).map(([r, k, v]) => ({ ...r, [k]: v })) },
        { weight: 1, arbitrary: rec.map((r) => Object.fromEntries(Object.entries(r).slice(1))) },
      );
    }
    case 'array':
      return fc.array(arbitraryFor(schema.items, fixtures, name, depth + 1, hostile), { maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
      const max = Math.min(schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1_000_000), 1_000_000_000_000);
      const ints = fc.oneof(fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 100_000) }), fc.constantFrom(min, max));
      return type[0] === 'integer' ? ints : fc.oneof(ints, fc.double({ min, max, noNaN: true }));
    }
    case 'boolean':
      return fc.boolean();
    case 'string':
      return stringFor(schema, fixtures, name);
    default:
      return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  }
}

function stringFor(schema: JsonSchema, fixtures: Fixtures, name: string): fc.Arbitrary<Json> {
  if (schema.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.format === 'uri') {
    return fc.oneof(
      { weight: 4, arbitrary: fc.constant('http://127.0.0.1:9/hooks') },
      { weight: 1, arbitrary: fc.constantFrom('https://example.com/x', 'http://169.254.169.254/latest/meta-data', 'file:///etc/passwd', 'http://localhost:1', 'http://[::1]:9/') },
    );
  }
  if (name === 'timezone') return fc.constantFrom('UTC', 'Europe/Paris', 'America/Santiago', 'Pacific/Kiritimati', 'Mars/Olympus');
  if (/currency|unit/i.test(name)) return fc.constantFrom('usd', 'USD', 'eur', 'Usd');
  const ids = Object.values(fixtures.ids);
  if (/_id$|^id$/.test(name)) return fc.constantFrom(...ids, 'agt_nope', fixtures.otherAgent.agentId);
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 500));
    } catch {
      // a pattern fast-check cannot generate from: plain strings below
    }
  }
  return fc.string({ unit: 'grapheme', minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
}

/** Raw bodies no schema describes: broken JSON, deep nesting, huge numbers, wrong types. */
const rawBodies: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('{', '}', '{"a":', '[1,2', 'null', 'true', '0', '"x"', '[]', '{}', '{"__proto__":{"admin":true}}', '\u0000', 'undefined', "{'a':1}"),
  fc.integer({ min: 1, max: 100_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 1, max: 20_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc.constantFrom(...hostileNumberTexts).map((t) => `{"amount_cents":${t},"currency":"usd","merchant_name":"x","reason":"y"}`),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

function operations(doc: { paths: Record<string, Record<string, { parameters?: Operation['params']; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>> }): Operation[] {
  const auth = new Map(routeTable().map((r) => [`${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`, r.auth ?? 'none']));
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const m = method.toUpperCase();
      out.push({ method: m, path, auth: auth.get(`${m} ${path}`) ?? 'none', params: op.parameters ?? [], body: op.requestBody?.content?.['application/json']?.schema });
    }
  }
  return out;
}

let s: TestServer;
let fx: Fixtures;
let ops: Operation[];
let paymentToken: string;

beforeAll(async () => {
  // The sweeper runs once at start and then not again: an expiry it made mid-run (a reservation the
  // fuzzer created with the shortest ttl, say) would be charged to whatever request came next.
  s = await startTestServer({ BURSAR_BODY_LIMIT_BYTES: String(BODY_LIMIT), BURSAR_LOG_LEVEL: 'warn', BURSAR_SWEEP_INTERVAL_SECONDS: '86400' });
  fx = await makeFixtures(s);
  // The fixtures' webhook endpoint goes away: its deliveries are background work, not a request's effect.
  await fetch(`${s.url}/v1/webhooks/${fx.ids.webhooks}`, { method: 'DELETE', headers: { authorization: `Bearer ${s.mgmt}` } });
  paymentToken = await mintPaymentToken();
  ops = operations((await (await fetch(`${s.url}/openapi.json`)).json()) as Parameters<typeof operations>[0]);
  // Destructive routes act on a spare agent and key, so the default agent keeps its key for the rest of the run.
  fx.ids = { ...fx.ids, agents: fx.otherAgent.agentId, 'api-keys': fx.otherAgent.keyId };
}, 120_000);

afterAll(async () => {
  await fx?.receiver.close();
  await s?.close();
});

/** An execution token (900 s, the longest there is): the default agent's mandate, or a new mandate of `agent`. */
async function mintPaymentToken(agent?: { agentId: string }): Promise<string> {
  let mandateId = fx.ids.mandates;
  if (agent) {
    const m = await api(s.url, 'POST', '/v1/mandates', { key: s.mgmt, body: { agent_id: agent.agentId, description: 'oversize', currency: 'usd' } });
    expect(m.status, JSON.stringify(m.body)).toBeLessThan(300);
    mandateId = m.body.id;
  }
  const t = await api(s.url, 'POST', `/v1/agents/${agent?.agentId ?? s.agentId}/execution-tokens`, {
    key: s.mgmt,
    body: { mandate_id: mandateId, action: 'payment.create', audience: 'bursar:payments', ttl_seconds: 900 },
  });
  expect(t.status, JSON.stringify(t.body)).toBeLessThan(300);
  return t.body.token as string;
}

function credentialFor(op: Operation): fc.Arbitrary<Record<string, string>> {
  const key = op.auth === 'management' ? s.mgmt : op.auth === 'agent' ? s.spend : op.auth === 'execution' ? paymentToken : op.auth === 'any' ? s.spend : undefined;
  const right: Record<string, string> = key ? (op.path.startsWith('/api/v1') ? { 'x-api-key': key } : { authorization: `Bearer ${key}` }) : {};
  return fc.oneof(
    { weight: 10, arbitrary: fc.constant(right) },
    { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({}, { authorization: 'Bearer' }, { authorization: `Bearer ${s.mgmt}x` }, { authorization: 'Bearer \u00ff' }, { 'x-api-key': "' OR 1=1 --" }) },
    { weight: 1, arbitrary: fc.constant(op.auth === 'any' ? { authorization: `Bearer ${s.mgmt}` } : right) },
  );
}

/** Percent-encodes a path segment; a lone surrogate becomes bytes that are not UTF-8 at all. */
function pathEncode(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
}

function requestFor(op: Operation): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const paramValue = (p: Operation['params'][number], i: number, segs: string[]) =>
    p.name === 'delivery_id'
      ? fc.oneof({ weight: 4, arbitrary: fc.constant(fx.deliveryId) }, { weight: 1, arbitrary: fc.constantFrom(...hostileStrings) })
      : fc.oneof({ weight: 4, arbitrary: fc.constant(fx.ids[segs[i - 1] ?? ''] ?? 'zz_none') }, { weight: 1, arbitrary: fc.constantFrom(...hostileStrings.filter((x) => x !== '')) });
  const segs = op.path.split('/');
  const path = fc.tuple(
    ...segs.map((seg, i) => {
      const name = /^\{(\w+)\}$/.exec(seg)?.[1];
      const p = name ? pathParams.find((x) => x.name === name) : undefined;
      return p ? paramValue(p, i, segs).map((v) => pathEncode(String(v))) : fc.constant(seg);
    }),
  ).map((parts) => parts.join('/'));
  const query = fc
    .array(
      fc.oneof(
        ...(queryParams.length ? [fc.constantFrom(...queryParams).chain((p) => arbitraryFor(p.schema, fx, p.name).map((v) => [p.name, typeof v === 'string' ? v : JSON.stringify(v)] as const))] : []),
        fc.tuple(fc.constantFrom('limit', 'cursor', 'x', '__proto__', 'status'), fc.constantFrom(...hostileStrings)),
      ),
      { maxLength: 3 },
    )
    .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs.map(([k, v]) => [k, v.replace(new RegExp(`${NUM}(.*?)__`, 'g'), '$1')])).toString()}` : ''));
  const hasBody = op.method === 'POST' || op.method === 'PUT' || op.method === 'PATCH';
  // Half the bodies follow the schema strictly (they reach the services), half carry hostile values anywhere.
  const jsonBody = fc.oneof(arbitraryFor(op.body, fx, '', 0, false), arbitraryFor(op.body, fx)).map((v) => JSON.stringify(v).replace(new RegExp(`"${NUM}(.*?)__"`, 'g'), '$1'));
  const body: fc.Arbitrary<string | undefined> = hasBody
    ? fc.oneof({ weight: 8, arbitrary: jsonBody }, { weight: 2, arbitrary: rawBodies }, { weight: 1, arbitrary: fc.constant(undefined) })
    : fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: rawBodies });
  const extra = fc.record(
    {
      'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'),
      'idempotency-key': fc.oneof(fc.uuid(), fc.constantFrom(...hostileStrings.filter((x) => !/[\r\n\u0000]/.test(x) && /^[\x20-\x7e]*$/.test(x)))),
    },
    { requiredKeys: [] },
  );
  return fc.record({ path, query, cred: credentialFor(op), extra, body }).map(({ path: p, query: q, cred, extra: x, body: b }) => {
    const req: FuzzRequest = {
      op,
      path: p,
      query: q,
      headers: { ...(b !== undefined ? { 'content-type': 'application/json' } : {}), ...x, ...cred },
      ...(b !== undefined ? { body: b } : {}),
    };
    // Counterexamples print short: a 100,000-bracket body is described, not dumped.
    return Object.assign(req, { [fc.toStringMethod]: () => summarize(req) });
  });
}

function summarize(r: FuzzRequest): string {
  const body = r.body === undefined ? '' : ` body(${r.body.length})=${JSON.stringify(r.body.slice(0, 200))}`;
  return `${r.op.method} ${r.path}${r.query} ${JSON.stringify(r.headers)}${body}`;
}

/** Over node:http, which (unlike fetch) sends a body with any method. */
function send(r: FuzzRequest): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const body = r.body === undefined ? undefined : Buffer.from(r.body);
    const req = httpRequest(`${s.url}${r.path}${r.query}`, { method: r.op.method, headers: { ...r.headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Background bookkeeping, not state a request changed (as dbState also leaves out). */
const IGNORED_COLUMNS = ['last_used_at', 'dispatched', 'callback_secret', 'previous_callback_secret', 'previous_callback_secret_expires_at', 'failing_since'];
/** Written by the webhook worker in the background while the fuzzer runs (its endpoints point nowhere). */
const IGNORED_TABLES = ['webhook_deliveries', 'webhook_attempts'];

/** The state a request may change: everything but the webhook worker's own bookkeeping. */
async function state(): Promise<string> {
  // Left out: what the webhook worker writes in the background while the fuzzer runs — delivery
  // records, an endpoint's failing_since (the fuzzer's endpoints point nowhere), and the
  // workspace's callback secret, made the first time a callback is signed.
  const all = await dbState(s, IGNORED_COLUMNS.filter((c) => c !== 'last_used_at' && c !== 'dispatched'));
  for (const t of IGNORED_TABLES) delete all[t];
  return JSON.stringify(all);
}

/**
 * Which tables requests change, noted by row triggers in the server's own database (ignoring the
 * columns and tables state() ignores; an UPDATE that leaves every other column as it was is no
 * change). Reading every table before and after each request, as state() does, grows with the
 * database and made a 100,000-request soak quadratic; a mark is one indexed read. Rolled-back
 * writes roll their notes back with them.
 */
interface ChangeLog {
  mark(): Promise<number>;
  changedSince(mark: number): Promise<string[]>;
}

async function changeLog(): Promise<ChangeLog> {
  const db = s.server.db.db;
  const tables = (await tableNames(s)).filter((t) => !IGNORED_TABLES.includes(t));
  if (s.server.db.kind === 'postgres') {
    const ignored = `array[${IGNORED_COLUMNS.map((c) => `'${c}'`).join(', ')}]`;
    await sql.raw('create schema if not exists fuzz').execute(db);
    await sql.raw('create table if not exists fuzz.changes (id bigserial primary key, tbl text not null)').execute(db);
    await sql
      .raw(
        `create or replace function fuzz.note() returns trigger language plpgsql as $$ begin
           if tg_op = 'UPDATE' and (to_jsonb(old) - ${ignored}) = (to_jsonb(new) - ${ignored}) then return null; end if;
           insert into fuzz.changes (tbl) values (tg_table_name); return null; end $$`,
      )
      .execute(db);
    for (const t of tables) {
      await sql.raw(`create trigger fuzz_note after insert or update or delete on public."${t}" for each row execute function fuzz.note()`).execute(db);
    }
    return {
      mark: async () => Number((await sql<{ id: string | null }>`select max(id) as id from fuzz.changes`.execute(db)).rows[0]?.id ?? 0),
      changedSince: async (m) => (await sql<{ tbl: string }>`select distinct tbl from fuzz.changes where id > ${m} order by tbl`.execute(db)).rows.map((r) => r.tbl),
    };
  }
  // SQLite: temporary triggers on the server's one connection, noting into a temporary table.
  await sql.raw('create temp table fuzz_changes (id integer primary key autoincrement, tbl text not null)').execute(db);
  for (const t of tables) {
    const cols = (await sql<{ name: string }>`select name from pragma_table_info(${t})`.execute(db)).rows.map((r) => r.name).filter((c) => !IGNORED_COLUMNS.includes(c));
    const note = `insert into fuzz_changes (tbl) values ('${t}')`;
    await sql.raw(`create temp trigger "fuzz_ins_${t}" after insert on main."${t}" begin ${note}; end`).execute(db);
    await sql.raw(`create temp trigger "fuzz_del_${t}" after delete on main."${t}" begin ${note}; end`).execute(db);
    const changed = cols.map((c) => `old."${c}" is not new."${c}"`).join(' or ');
    await sql.raw(`create temp trigger "fuzz_upd_${t}" after update on main."${t}" when ${changed} begin ${note}; end`).execute(db);
  }
  return {
    mark: async () => Number((await sql<{ id: number | null }>`select max(id) as id from temp.fuzz_changes`.execute(db)).rows[0]?.id ?? 0),
    changedSince: async (m) => (await sql<{ tbl: string }>`select distinct tbl from temp.fuzz_changes where id > ${m} order by tbl`.execute(db)).rows.map((r) => r.tbl),
  };
}

suite('fuzzing every operation of /openapi.json', () => {
  it('never answers 5xx, and a 4xx changes nothing', async () => {
    expect(ops.length).toBeGreaterThan(60);
    let tried = 0;
    let refusals = 0;
    const statuses = new Map<number, number>();
    const log = await changeLog();
    // The log sees what a request writes: a policy created through the API is noted.
    const m = await log.mark();
    const made = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'change log check' } });
    expect(made.status).toBe(201);
    expect(await log.changedSince(m)).toContain('policies');
    // And an update of one column (wallets: a funding changes the balance columns only).
    const m2 = await log.mark();
    expect((await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 1 } })).status).toBe(200);
    expect(await log.changedSince(m2)).toContain('wallets');
    const started = Date.now();
    const progress = () =>
      `fuzz: ${tried}/${RUNS} requests over ${ops.length} operations in ${Math.round((Date.now() - started) / 1000)} s; ` +
      `5xx: ${[...statuses].filter(([k]) => k >= 500).reduce((n, [, v]) => n + v, 0)}; 4xx that changed nothing: ${refusals}; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ops).chain(requestFor), async (req) => {
        tried++;
        // Marked just before the request, so that work an earlier request left running (a payment
        // executing after its approval answered) is not charged to this one.
        const before = await log.mark();
        const res = await send(req);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (process.env.BURSAR_FUZZ_DEBUG && req.op.method !== 'GET') console.log('DBG', res.status, req.op.method, req.op.path, res.text.slice(0, 160));
        const what = summarize(req);
        expect(res.status, `${what}\n→ ${res.text.slice(0, 300)}`).toBeLessThan(500);
        // The tables it changed, named.
        if (res.status >= 400) {
          expect(await log.changedSince(before), `${what}\n→ ${res.status} changed the database`).toEqual([]);
          refusals++;
        }
        // Long runs say how far they are.
        if (tried % 5000 === 0) console.log(progress());
      }),
      { numRuns: RUNS, seed: process.env.BURSAR_FUZZ_SEED ? Number(process.env.BURSAR_FUZZ_SEED) : undefined, endOnFailure: true },
    );
    console.log(progress());
  }, SOAK ? 4 * 3_600_000 : 300_000);

  it('answers a body nested thousands deep with a 400 naming the body, not a 500 (found by this fuzzer)', async () => {
    const before = await state();
    for (const [method, path, key] of [['POST', '/v1/callback-secret', s.mgmt], ['POST', '/v1/spend-requests', s.spend], ['POST', '/mcp', s.spend]] as const) {
      for (const body of [`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`, `${'['.repeat(20_000)}${']'.repeat(20_000)}`]) {
        const res = await send({ op: { method, path, auth: 'any', params: [] }, path, query: '', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'idempotency-key': 'deep' }, body });
        expect(res.status, `${path}: ${res.text.slice(0, 200)}`).toBe(400);
        // /mcp speaks JSON-RPC: a body it cannot parse is a parse error there.
        expect(JSON.parse(res.text)).toMatchObject(path === '/mcp' ? { jsonrpc: '2.0', id: null, error: { code: -32700 } } : { error: { code: 'invalid_request', field: 'body' } });
      }
    }
    expect(await state()).toBe(before);
  });

  it('offers every event type the run emitted as a webhook subscription', async () => {
    // The fuzz run touches every operation, so it emits nearly every event there is.
    const emitted = (await s.server.db.db.selectFrom('events').select('type').distinct().execute()).map((r) => r.type).sort();
    expect(emitted.length).toBeGreaterThan(15);
    expect(emitted.filter((t) => !(eventTypes as readonly string[]).includes(t))).toEqual([]);
    const res = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: 'http://127.0.0.1:9/hooks', events: emitted } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.events).toEqual(emitted);
    await api(s.url, 'DELETE', `/v1/webhooks/${res.body.id}`, { key: s.mgmt });
  });

  it('answers a body over the limit with 413 on every operation that takes one, changing nothing', async () => {
    const withBody = ops.filter((o) => o.method === 'POST' || o.method === 'PUT' || o.method === 'PATCH');
    // The fuzz run may have paused the agent or revoked the mandate, and outlives a token: a fresh
    // agent, mandate and token, so the 413 is about the body alone.
    // It may also have put the workspace on the free plan, whose one policy exists already.
    const own = (await s.server.db.db.selectFrom('workspaces').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow()).id;
    await api(s.url, 'PUT', `/v1/workspaces/${own}/plan`, { key: s.mgmt, body: { plan: 'self_hosted' } });
    paymentToken = await mintPaymentToken(await freshAgent(s, {}, 'oversize'));
    const before = await state();
    let tried = 0;
    for (const op of withBody) {
      const key = op.auth === 'management' ? s.mgmt : op.auth === 'execution' ? paymentToken : op.auth === 'none' ? undefined : s.spend;
      const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'delivery_id' ? fx.deliveryId : 'zz_none'));
      for (const size of [BODY_LIMIT + 1, BODY_LIMIT * 4]) {
        const body = JSON.stringify({ reason: 'x'.repeat(size) });
        const res = await fetch(`${s.url}${path}`, { method: op.method, headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body });
        tried++;
        const text = await res.text();
        expect(res.status, `${op.method} ${op.path}: ${text.slice(0, 200)}`).toBe(413);
        if (!op.path.startsWith('/api/v1')) expect(JSON.parse(text)).toMatchObject({ error: { code: 'payload_too_large' } });
      }
    }
    expect(await state()).toBe(before);
    console.log(`fuzz: ${tried} oversized bodies over ${withBody.length} operations, every one a 413`);
  }, 60_000);
});
