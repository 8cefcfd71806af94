import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthMode } from '../../src/http/types.js';
import { api, startTestServer, type Res, type TestServer } from '../helpers/server.js';
import { dbState, revokedKeys, unknownKey } from '../http/support.js';
import { addWorkspace, agentIds, fillPath, leaked, makeFixtures, routeTable, tenantIds, type Fixtures, type RouteSpec, type Tenant } from './support.js';

/**
 * The authorization matrix: every route of the route table × every hostile credential → the
 * status its auth mode promises, no state change on a refusal, and never another tenant's (or
 * another agent's) ids in a body. Expectations come from the route's `auth` mode, so a new
 * route is covered the moment it is registered; a public route must be listed here by name.
 */

/** Routes that answer without a credential, on purpose. Anything else must declare an auth mode. */
const PUBLIC_ROUTES = new Set([
  'GET /healthz',
  'GET /readyz',
  'GET /.well-known/jwks.json',
  // Prometheus scrapers carry no API key; BURSAR_METRICS_TOKEN or BURSAR_METRICS=off close it (test/http/metrics.test.ts).
  'GET /metrics',
  // The dashboard exchanges a management key in the body for a cookie, and reads or ends it by the cookie.
  'POST /v1/dashboard/session',
  'GET /v1/dashboard/session',
  'DELETE /v1/dashboard/session',
]);

const KNOWN_MODES: ReadonlyArray<AuthMode> = ['management', 'agent', 'any', 'none', 'execution'];

let s: TestServer;
let fx: Fixtures;
let other: Tenant; // another sandbox workspace
let live: Tenant; // a live workspace on this sandbox server
let revoked: { management: string; spending: string };
let wsAIds: Set<string>;
let agent1Ids: Set<string>;
let tokens: { expired: string; wrongAudience: string; revokedAgent: string; otherWorkspace: string };
let cells = 0;

const routes = routeTable();

/** A database state without the webhook worker's own bookkeeping. */
function withoutWorker(state: Record<string, string>): Record<string, string> {
  const { webhook_deliveries: _d, webhook_attempts: _a, ...rest } = state;
  return rest;
}
const label = (r: RouteSpec) => `${r.method} ${r.url}`;

beforeAll(async () => {
  s = await startTestServer({ BURSAR_WEBHOOK_RETRY_SCHEDULE: '0.2' });
  revoked = await revokedKeys(s);
  fx = await makeFixtures(s);
  other = await addWorkspace(s, false, 'other tenant');
  live = await addWorkspace(s, true, 'live tenant');
  // Deliveries settle before any snapshot: the worker's bookkeeping is not a request's doing.
  for (let i = 0; i < 200; i++) {
    const pending = await s.server.db.db.selectFrom('webhook_deliveries').select('id').where('status', '=', 'pending').executeTakeFirst();
    if (!pending) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  wsAIds = await tenantIds(s, (await s.server.db.db.selectFrom('agents').select('workspace_id').where('id', '=', s.agentId).executeTakeFirstOrThrow()).workspace_id);
  agent1Ids = await agentIds(s, s.agentId);
  const signer = s.server.signer;
  const claims = { mandate: fx.ids.mandates!, act: 'payment.create' };
  const dead = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'revoked payer', policy_id: s.policyId } });
  await api(s.url, 'DELETE', `/v1/agents/${dead.body.id}`, { key: s.mgmt });
  tokens = {
    expired: (await signer.sign('execution', claims, { subject: s.agentId, audience: 'bursar:payments', expiresAt: Date.now() - 60_000 })).token,
    wrongAudience: (await signer.sign('execution', claims, { subject: s.agentId, audience: 'someone-else', expiresAt: Date.now() + 300_000 })).token,
    revokedAgent: (await signer.sign('execution', claims, { subject: dead.body.id, audience: 'bursar:payments', expiresAt: Date.now() + 300_000 })).token,
    otherWorkspace: (await signer.sign('execution', { mandate: 'mdt_not_theirs', act: 'payment.create' }, { subject: other.agentId, audience: 'bursar:payments', expiresAt: Date.now() + 300_000 })).token,
  };
}, 120_000);

afterAll(async () => {
  console.log(`authorization matrix: ${routes.length} routes, ${cells} cells checked`);
  await fx?.receiver.close();
  await s?.close();
});

interface Cell {
  name: string;
  headers: Record<string, string>;
  /** The statuses this cell may answer with. */
  expect: number[];
  /** Path parameters from another tenant's objects, when the cell needs them. */
  ids?: Record<string, string>;
  /** Ids that must not appear in the body. */
  forbidden?: Set<string>;
}

const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const hasParams = (r: RouteSpec) => r.url.includes('/:');
/** The fixture behind the route's first parameter is the default agent's own (not merely the workspace's). */
const agentOwned = (r: RouteSpec) => /^\/(v1|api\/v1)\/(spend-requests|spend|spend-guard\/reservations|spend-guard\/budget-leases|payments|mandates|approvals|checkout-intents)\/:id/.test(r.url);

function cellsFor(r: RouteSpec): Cell[] {
  const mode = r.auth ?? 'none';
  const credential = {
    none: [{ name: 'no credential', headers: {} }],
    hostile: [
      { name: 'a malformed key', headers: bearer('not-a-bursar-key') },
      { name: 'an unknown management key', headers: bearer(unknownKey('bmk')) },
      { name: 'an unknown spending key', headers: bearer(unknownKey('bsk')) },
      { name: 'a revoked management key', headers: bearer(revoked.management) },
      { name: 'a revoked spending key', headers: bearer(revoked.spending) },
      { name: "another workspace's management key", headers: bearer(other.mgmt) },
      { name: "another agent's spending key", headers: bearer(fx.otherAgent.key) },
      { name: 'a live key on a sandbox server', headers: bearer(live.mgmt) },
    ],
  };
  if (mode === 'none') {
    // The credential is ignored: whatever it is, the answer is the one without it.
    return [...credential.none, ...credential.hostile].map((c) => ({ ...c, expect: [] }));
  }
  if (mode === 'execution') {
    return [
      { name: 'no token', headers: {}, expect: [401] },
      { name: 'a malformed token', headers: bearer('eyJhbGciOiJFZERTQSJ9.e30.AAAA'), expect: [401] },
      { name: 'a management key', headers: bearer(s.mgmt), expect: [401] },
      { name: 'a spending key', headers: bearer(s.spend), expect: [401] },
      { name: 'an expired token', headers: bearer(tokens.expired), expect: [401] },
      { name: 'a wrong-audience token', headers: bearer(tokens.wrongAudience), expect: [403] },
      { name: "a revoked agent's token", headers: bearer(tokens.revokedAgent), expect: [403] },
      { name: "another workspace's token on a mandate it does not hold", headers: bearer(tokens.otherWorkspace), expect: [400, 404], forbidden: wsAIds },
    ];
  }
  const out: Cell[] = [
    { name: 'no credential', headers: {}, expect: [401] },
    { name: 'a Basic header', headers: { authorization: 'Basic dXNlcjpwYXNz' }, expect: [401] },
    { name: 'a malformed key', headers: bearer('not-a-bursar-key'), expect: [401] },
    { name: 'an unknown management key', headers: bearer(unknownKey('bmk')), expect: [401] },
    { name: 'an unknown spending key', headers: bearer(unknownKey('bsk')), expect: [401] },
    { name: 'a revoked management key', headers: bearer(revoked.management), expect: [401] },
    { name: 'a revoked spending key', headers: bearer(revoked.spending), expect: [401] },
    { name: 'a live key on a sandbox server', headers: bearer(live.mgmt), expect: [401] },
    { name: 'a live spending key on a sandbox server', headers: bearer(live.spend), expect: [401] },
  ];
  if (mode === 'management') out.push({ name: 'a spending key', headers: bearer(s.spend), expect: [403] });
  if (mode === 'agent') out.push({ name: 'a management key', headers: bearer(s.mgmt), expect: [403] });
  // Another workspace's key: on this workspace's objects, not found; on its own lists, none of ours.
  const otherKey = mode === 'agent' ? other.spend : other.mgmt;
  out.push({ name: "another workspace's key", headers: bearer(otherKey), expect: hasParams(r) ? [400, 404] : [], forbidden: wsAIds });
  if (mode === 'any') out.push({ name: "another workspace's spending key", headers: bearer(other.spend), expect: hasParams(r) ? [400, 404] : [], forbidden: wsAIds });
  // Another agent of the same workspace: the default agent's objects stay out of reach.
  if (mode === 'agent' || mode === 'any') {
    out.push({ name: "another agent's key", headers: bearer(fx.otherAgent.key), expect: hasParams(r) && agentOwned(r) ? [400, 403, 404] : [], forbidden: agent1Ids });
  } else {
    out.push({ name: "another agent's key", headers: bearer(fx.otherAgent.key), expect: [403] });
  }
  // A test key on live data: the live workspace's objects are not found.
  if (hasParams(r) && /^\/v1\/(agents|wallets|policies)\/:id/.test(r.url)) {
    const key = mode === 'agent' ? s.spend : s.mgmt;
    out.push({ name: 'a test key on live data', headers: bearer(key), expect: [400, 403, 404], ids: { agents: live.agentId, wallets: live.walletId, policies: live.policyId } });
  }
  // The positive control: the fixture is real, so the refusals above are about the credential.
  // A new route on a kind of object with no fixture fails here: add one to makeFixtures (support.ts).
  if (r.method === 'GET' && hasParams(r) && mode !== 'agent') {
    out.push({ name: 'its own management key (control; a 404 means makeFixtures has no object for this path)', headers: bearer(s.mgmt), expect: [200] });
  }
  return out;
}

/** The policy-evaluation dialect takes its key as x-api-key: every credential again, that way. */
function withApiKeyHeader(r: RouteSpec, cells: Cell[]): Cell[] {
  if (!r.url.startsWith('/api/v1')) return cells;
  const again = cells
    .filter((c) => /^Bearer \S+$/.test(c.headers.authorization ?? ''))
    .map((c) => ({ ...c, name: `${c.name} (as x-api-key)`, headers: { 'x-api-key': c.headers.authorization!.slice(7) } }));
  return [...cells, ...again];
}

async function call(r: RouteSpec, c: Cell): Promise<Res> {
  const path = fillPath(r.url, { ...fx.ids, ...c.ids }, fx.deliveryId);
  const withBody = r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH';
  return api(s.url, r.method, path, withBody ? { headers: c.headers, body: {} } : { headers: c.headers });
}

describe('the route table', () => {
  it('declares a known auth mode for every route, and lists every public one here', () => {
    expect(routes.length).toBeGreaterThan(60);
    for (const r of routes) {
      expect(KNOWN_MODES, `${label(r)} has auth mode ${String(r.auth)}`).toContain(r.auth ?? 'none');
      if ((r.auth ?? 'none') === 'none') expect(PUBLIC_ROUTES.has(label(r)), `${label(r)} has no auth mode: declare one, or list it in PUBLIC_ROUTES`).toBe(true);
    }
  });

  it('is what the server serves: every route of the OpenAPI document is in the table', async () => {
    const doc = (await api(s.url, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const table = new Set(routes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`));
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const m of Object.keys(ops)) expect(table, `${m.toUpperCase()} ${path}`).toContain(`${m.toUpperCase()} ${path}`);
    }
  });
});

describe.each(routes.map((r) => [label(r), r] as const))('%s', (_name, r) => {
  it('answers every credential as its auth mode promises, changing nothing and leaking nothing', async () => {
    const problems: string[] = [];
    let baseline: number | undefined;
    for (const c of withApiKeyHeader(r, cellsFor(r))) {
      const before = await dbState(s);
      const res = await call(r, c);
      cells++;
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      if ((r.auth ?? 'none') === 'none') {
        baseline ??= res.status;
        if (res.status !== baseline) problems.push(`${c.name}: ${res.status}, but ${baseline} without a credential`);
      } else if (c.expect.length > 0 && !c.expect.includes(res.status)) {
        problems.push(`${c.name}: expected ${c.expect.join(' or ')}, got ${res.status} ${text.slice(0, 200)}`);
      }
      if (res.status >= 500) problems.push(`${c.name}: ${res.status} ${text.slice(0, 200)}`);
      if (res.status >= 400) {
        const after = await dbState(s);
        // A delivery the webhook worker made meanwhile (of an event an earlier 2xx wrote) is not this
        // request's doing, except on the webhook routes themselves, where it is judged in full.
        const judged = r.url.includes('/webhooks') ? [after, before] : [withoutWorker(after), withoutWorker(before)];
        if (JSON.stringify(judged[0]) !== JSON.stringify(judged[1])) problems.push(`${c.name}: answered ${res.status} but changed the database`);
      }
      // An error may echo the ids the caller sent; anything else of ours in the body is a leak.
      const sent = fillPath(r.url, { ...fx.ids, ...c.ids }, fx.deliveryId).split('/');
      const leak = c.forbidden && leaked(sent.reduce((t, seg) => t.split(seg.length >= 8 ? seg : '\u0000').join(''), text), c.forbidden);
      if (leak) problems.push(`${c.name}: the body shows ${leak}, which belongs to someone else`);
    }
    expect(problems).toEqual([]);
  });
});
