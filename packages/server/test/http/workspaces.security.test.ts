import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeModules } from '../../src/http/routes/index.js';
import type { App, AuthMode, Deps } from '../../src/http/types.js';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { dbState, expectError, listAll, tableNames } from './support.js';

interface Route {
  method: string;
  url: string;
  auth: AuthMode | undefined;
  query: string[];
}

/** Every route of the route table, read by registering each module on a stand-in app. */
function routes(): Route[] {
  const out: Route[] = [];
  const recorder: unknown = new Proxy(
    {},
    {
      get(_t, prop) {
        if (prop === 'route') {
          return (o: { method: string; url: string; config?: { auth?: AuthMode }; schema?: { querystring?: { shape?: Record<string, unknown> } } }) =>
            out.push({ method: o.method, url: o.url, auth: o.config?.auth, query: Object.keys(o.schema?.querystring?.shape ?? {}) });
        }
        return () => recorder;
      },
    },
  );
  for (const m of routeModules) m.register(recorder as App, {} as Deps);
  return out;
}

interface Team {
  id: string;
  mgmt: string;
  spend: string;
  walletId: string;
  policyId: string;
  agentId: string;
  cardId: string;
}

let s: TestServer;
let a: Team;
let b: Team;
/** Every id that belongs to workspace A, and A's card numbers: none may reach B. */
let aIds: string[] = [];
let aNumbers: string[] = [];
/** One id of A per id prefix: what B tries each of A's routes with. */
let samples: Map<string, string>;

async function newTeam(name: string): Promise<Team> {
  const r = await api(s.url, 'POST', '/v1/workspaces', { key: s.mgmt, body: { name } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: r.body.id, mgmt: r.body.management_key, spend: r.body.spending_key, walletId: r.body.wallet_id, policyId: r.body.policy_id, agentId: r.body.agent_id, cardId: r.body.card_id };
}

beforeAll(async () => {
  s = await startTestServer();
  const home = (await api(s.url, 'GET', '/v1/workspaces', { key: s.mgmt })).body.data.at(-1);
  a = { id: home.id, mgmt: s.mgmt, spend: s.spend, walletId: s.walletId, policyId: s.policyId, agentId: s.agentId, cardId: '' };
  b = await newTeam('Team B');
  const c = await newTeam('Team C');
  // Workspace A gets one of everything.
  const ok = async (method: string, path: string, key: string, body?: unknown) => {
    const r = await api(s.url, method, path, { key, body });
    expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
    return r.body;
  };
  await ok('POST', '/v1/spend-requests', a.spend, spendBody(100));
  await ok('POST', '/v1/spend-requests', a.spend, spendBody(30_000));
  await ok('POST', '/v1/spend-guard/reservations', a.spend, { amount_cents: 100, currency: 'usd' });
  const card = await ok('POST', '/v1/cards', a.mgmt, { policy_id: a.policyId, type: 'multi_use', agent_id: a.agentId });
  a.cardId = card.id;
  await ok('POST', '/v1/sandbox/card-authorizations', a.mgmt, { card_id: card.id, merchant_name: 'AWS', amount_cents: 100, currency: 'usd' });
  const ci = await ok('POST', '/v1/checkout-intents', a.spend, { amount_cents: 200, currency: 'usd', merchant_name: 'Shop', reason: 'isolation' });
  aNumbers.push(ci.credential.number);
  const kid = await ok('POST', '/v1/agents', a.mgmt, { name: 'kid', policy_id: a.policyId, parent_agent_id: a.agentId });
  await ok('POST', '/v1/spend-guard/budget-leases', a.spend, { child_agent_id: kid.id, amount_cents: 100, currency: 'usd' });
  const mandate = await ok('POST', '/v1/mandates', a.mgmt, { agent_id: a.agentId, description: 'isolation', currency: 'usd' });
  await ok('POST', `/v1/agents/${a.agentId}/execution-tokens`, a.mgmt, { mandate_id: mandate.id, action: 'payments.create', audience: 'bursar:payments' }).catch(() => undefined);
  await ok('POST', '/v1/webhooks', a.mgmt, { url: 'http://127.0.0.1:9/hook', events: ['*'] });
  await ok('POST', '/v1/transfers', a.mgmt, { to_workspace_id: c.id, amount_cents: 100, currency: 'usd', description: 'to C' });
  // Everything stored under A's workspace id.
  const db = s.server.db.db;
  for (const table of await tableNames(s)) {
    const cols = (await sql<Record<string, unknown>>`select * from ${sql.table(table)} limit 1`.execute(db)).rows[0];
    if (!cols || !('id' in cols)) continue;
    const where = 'workspace_id' in cols ? sql`workspace_id = ${a.id}` : 'from_workspace_id' in cols ? sql`from_workspace_id = ${a.id}` : null;
    if (!where) continue;
    const rows = await sql<{ id: string }>`select id from ${sql.table(table)} where ${where}`.execute(db);
    aIds.push(...rows.rows.map((r) => r.id).filter((id) => /^[a-z]+_[0-9a-z]{26}$/.test(id)));
  }
  aIds.push(a.id);
  samples = new Map();
  for (const id of aIds) if (!samples.has(id.split('_')[0]!)) samples.set(id.split('_')[0]!, id);
  expect([...samples.keys()]).toEqual(expect.arrayContaining(['wal', 'pol', 'agt', 'key', 'req', 'apr', 'res', 'lse', 'mdt', 'card', 'ci', 'cauth', 'trf', 'evt', 'whk', 'txn', 'aud']));
});
afterAll(() => s.close());

/** Fails when an answer to B carries anything of A's (other than the id B itself sent). */
function expectNothingOfA(text: string, sent: string | null, what: string) {
  for (const id of aIds) if (id !== sent) expect(text.includes(id), `${what} leaked ${id}`).toBe(false);
  for (const n of aNumbers) expect(text.includes(n), `${what} leaked a card number`).toBe(false);
}

/** Bodies that get a route past validation, so that the id is what decides. */
function bodyFor(method: string, url: string): unknown {
  if (method === 'GET' || method === 'DELETE') return undefined;
  if (url.endsWith('/fund')) return { amount_cents: 100 };
  if (url.endsWith('/capture') || url.endsWith('/complete')) return { amount_cents: 1 };
  if (url.endsWith('/execution-tokens')) return { mandate_id: samples.get('mdt'), action: 'payments.create', audience: 'bursar:payments' };
  if (url.endsWith('/resolve')) return { approved: true };
  if (url === '/v1/policies/:id') return { name: 'taken over' };
  if (url === '/v1/webhooks/:id') return { url: 'http://127.0.0.1:9/other' };
  if (url === '/v1/mandates/:id') return { status: 'revoked' };
  return {};
}

const scoped = () => routes().filter((r) => r.auth !== 'none' && r.auth !== 'execution' && !r.url.startsWith('/mcp'));

describe('workspaces', () => {
  it('only a root management key creates and lists workspaces; a new one gets what a team needs', async () => {
    const made = await api(s.url, 'GET', `/v1/cards/${b.cardId}`, { key: b.mgmt });
    expect(made.body).toMatchObject({ is_default: true, policy_id: b.policyId, agent_id: b.agentId, status: 'active' });
    expect((await api(s.url, 'GET', '/v1/balance', { key: b.spend })).body).toMatchObject({ agent_id: b.agentId, currency: 'usd' });
    const list = await listAll(s, '/v1/workspaces', s.mgmt);
    expect(list.map((w) => w.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    const other = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management', name: 'not root' } });
    for (const key of [b.mgmt, other.body.key]) {
      expectError(await api(s.url, 'POST', '/v1/workspaces', { key, body: { name: 'nope' } }), 403, 'forbidden');
      expectError(await api(s.url, 'GET', '/v1/workspaces', { key }), 403, 'forbidden');
    }
    expectError(await api(s.url, 'GET', '/v1/workspaces', { key: b.spend }), 403, 'forbidden');
    expectError(await api(s.url, 'POST', '/v1/workspaces', { key: s.mgmt, body: { name: '' } }), 400, 'invalid_request', 'name');
    // The keys are shown once: a replay leaves them out.
    const first = await api(s.url, 'POST', '/v1/workspaces', { key: s.mgmt, body: { name: 'Team D' }, headers: { 'idempotency-key': 'ws-d' } });
    const replay = await api(s.url, 'POST', '/v1/workspaces', { key: s.mgmt, body: { name: 'Team D' }, headers: { 'idempotency-key': 'ws-d' } });
    expect(first.body.management_key).toMatch(/^bmk_test_/);
    expect(replay.body).toMatchObject({ id: first.body.id });
    expect(replay.body).not.toHaveProperty('management_key');
    expect(replay.body).not.toHaveProperty('spending_key');
  });

  it("a key of workspace B sees nothing of A on any list route, whatever A's ids it filters by", async () => {
    const lists = scoped().filter((r) => r.method === 'GET' && !r.url.includes(':'));
    expect(lists.length).toBeGreaterThan(15);
    const filterValue: Record<string, string | undefined> = {
      agent_id: samples.get('agt'), policy_id: samples.get('pol'), card_id: samples.get('card'), wallet_id: samples.get('wal'),
      spend_request_id: samples.get('req'), object_id: samples.get('req'), child_agent_id: samples.get('agt'), parent_agent_id: samples.get('agt'),
    };
    let checked = 0;
    for (const r of lists) {
      for (const key of [b.mgmt, b.spend]) {
        const queries: Array<[string, string | null]> = [['', null]];
        for (const q of r.query) if (filterValue[q]) queries.push([`?${q}=${filterValue[q]}`, filterValue[q]!]);
        for (const [q, sent] of queries) {
          const res = await api(s.url, 'GET', `${r.url}${q}`, { key });
          expect(res.status, `${r.url}${q}`).not.toBe(500);
          // An error may name the id B sent ("No such agent"); nothing else of A's.
          expectNothingOfA(JSON.stringify(res.body), res.status >= 400 ? sent : null, `GET ${r.url}${q}`);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  }, 60_000);

  it("a key of workspace B cannot read or act on any of A's ids on any route (never 2xx) and changes nothing", async () => {
    const withIds = scoped().filter((r) => r.url.includes(':'));
    expect(withIds.length).toBeGreaterThan(30);
    const before = await quietState();
    for (const r of withIds) {
      for (const [, id] of samples) {
        const path = r.url.replace(/:[a-z_]+/g, id);
        for (const key of [b.mgmt, b.spend]) {
          const res = await api(s.url, r.method, path, { key, body: bodyFor(r.method, r.url) });
          expect(res.status, `${r.method} ${path} answered ${res.status} ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
          expect(res.status, `${r.method} ${path}`).toBeLessThan(500);
          expectNothingOfA(JSON.stringify(res.body), id, `${r.method} ${path}`);
        }
      }
      // With a management key of B, a GET of one of A's objects of the route's own kind is a plain 404.
      if (r.method === 'GET') {
        const res = await api(s.url, 'GET', r.url.replace(/:[a-z_]+/g, samples.get(kindOf(r.url)) ?? 'x_0'), { key: b.mgmt });
        expect([404], `GET ${r.url}`).toContain(res.status);
      }
    }
    expect(await quietState()).toEqual(before);
  }, 120_000);

  it("a key of workspace B cannot name A's ids in a body", async () => {
    const before = await quietState();
    const cases: Array<[string, string, string, unknown]> = [
      [b.mgmt, 'POST', '/v1/agents', { name: 'x', policy_id: samples.get('pol') }],
      [b.mgmt, 'POST', '/v1/agents', { name: 'x', policy_id: b.policyId, parent_agent_id: samples.get('agt') }],
      [b.mgmt, 'POST', '/v1/api-keys', { agent_id: samples.get('agt') }],
      [b.mgmt, 'POST', '/v1/cards', { policy_id: samples.get('pol'), type: 'multi_use' }],
      [b.mgmt, 'POST', '/v1/cards', { policy_id: b.policyId, type: 'multi_use', agent_id: samples.get('agt') }],
      [b.spend, 'POST', '/v1/checkout-intents', { amount_cents: 100, currency: 'usd', merchant_name: 'x', reason: 'x', card_id: a.cardId }],
      [b.mgmt, 'POST', '/v1/sandbox/card-authorizations', { card_id: a.cardId, merchant_name: 'AWS', amount_cents: 100, currency: 'usd' }],
      [b.mgmt, 'POST', '/v1/sandbox/card-authorizations', { card_number: aNumbers[0], merchant_name: 'Shop', amount_cents: 100, currency: 'usd' }],
      [b.mgmt, 'POST', '/v1/mandates', { agent_id: samples.get('agt'), description: 'x', currency: 'usd' }],
      [b.mgmt, 'POST', '/v1/spend-guard/reservations', { agent_id: samples.get('agt'), amount_cents: 100, currency: 'usd' }],
      [b.mgmt, 'POST', '/v1/spend-guard/budget-leases', { parent_agent_id: samples.get('agt'), child_agent_id: b.agentId, amount_cents: 100, currency: 'usd' }],
      [b.spend, 'POST', '/v1/spend-guard/budget-leases', { child_agent_id: samples.get('agt'), amount_cents: 100, currency: 'usd' }],
    ];
    for (const [key, method, path, body] of cases) {
      const res = await api(s.url, method, path, { key, body });
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect(await quietState()).toEqual(before);
  });
});

/** The database but the webhook worker's own bookkeeping (A's endpoint keeps failing in the background). */
async function quietState(): Promise<Record<string, string>> {
  const { webhook_attempts: _a, webhook_deliveries: _d, ...rest } = await dbState(s);
  return rest;
}

/** The id prefix of the objects a route's path names. */
function kindOf(url: string): string {
  const nouns: Array<[string, string]> = [
    ['/wallets/', 'wal'], ['/policies/', 'pol'], ['/agents/', 'agt'], ['/api-keys/', 'key'], ['/approvals/', 'apr'],
    ['/spend-requests/', 'req'], ['/spend/', 'req'], ['/webhooks/', 'whk'], ['/events/', 'evt'], ['/mandates/', 'mdt'],
    ['/payments/', 'pay'], ['/reservations/', 'res'], ['/budget-leases/', 'lse'], ['/cards/', 'card'],
    ['/checkout-intents/', 'ci'], ['/card-authorizations/', 'cauth'], ['/transfers/', 'trf'],
  ];
  return nouns.find(([n]) => url.includes(n))?.[1] ?? 'x';
}
