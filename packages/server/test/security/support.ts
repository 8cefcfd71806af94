import { newId } from '@bursar/core';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { loadEncryptionKey, SecretBox } from '../../src/crypto/encryption.js';
import type { ServiceConfig } from '../../src/services/context.js';
import { routeModules } from '../../src/http/routes/index.js';
import type { App, AuthMode, Deps } from '../../src/http/types.js';
import { GENESIS_HASH } from '../../src/ledger/ledger.js';
import { createAgent } from '../../src/services/agents/agents.js';
import { createKey } from '../../src/services/agents/keys.js';
import { createPolicy } from '../../src/services/policies/policies.js';
import { runService } from '../../src/services/run.js';
import { fundWallet } from '../../src/services/money/wallets.js';
import { insertWallet } from '../../src/store/wallets.js';
import { insertWorkspace } from '../../src/store/workspaces.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { api, spendBody, type TestServer } from '../helpers/server.js';
import { eventually, freshAgent, tableNames } from '../http/support.js';

/** One route as its module registers it: the source of truth for the matrix and the fuzzer. */
export interface RouteSpec {
  method: string;
  url: string;
  auth: AuthMode | undefined;
  /** The dialect the route declares ('api-v1'), if any. */
  dialect?: string | undefined;
  /** The zod schemas the route validates with (params, querystring, body), when it has them. */
  schema: { params?: unknown; querystring?: unknown; body?: unknown; hide?: boolean };
}

/**
 * Every route of `routeModules`, recorded by registering each module on a stand-in app. A route
 * added to the table shows up here without anyone listing it.
 */
export function routeTable(): RouteSpec[] {
  const out: RouteSpec[] = [];
  const recorder = new Proxy(
    {},
    {
      get(_t, prop) {
        if (prop === 'route') {
          return (o: { method: string | string[]; url: string; config?: { auth?: AuthMode; dialect?: string }; schema?: RouteSpec['schema'] }) => {
            for (const m of Array.isArray(o.method) ? o.method : [o.method]) out.push({ method: m, url: o.url, auth: o.config?.auth, dialect: o.config?.dialect, schema: o.schema ?? {} });
          };
        }
        if (['get', 'post', 'put', 'patch', 'delete'].includes(String(prop))) {
          throw new Error(`a route module registered with app.${String(prop)}(): use app.route() so the security tests see its auth mode`);
        }
        return () => recorder;
      },
    },
  ) as unknown as App;
  for (const m of routeModules) m.register(recorder, {} as Deps);
  return out;
}

/** A second tenant and its credentials, made the way first-start provisioning makes one. */
export interface Tenant {
  workspaceId: string;
  walletId: string;
  policyId: string;
  agentId: string;
  mgmt: string;
  spend: string;
}

/** The services' configuration for calls a test makes beside the server (same signer, same mode). */
export function serviceConfig(s: TestServer, sandbox = true): ServiceConfig {
  return {
    signer: s.server.signer,
    // The same key the server loaded: generated into its data dir on first start.
    secrets: new SecretBox(loadEncryptionKey(undefined, s.dataDir).key),
    publicUrl: s.url,
    sandbox,
    approvalTtlMs: 24 * 3600 * 1000,
    holdTtlMs: 7 * 24 * 3600 * 1000,
    webhooks: { allowPrivate: true, retryScheduleMs: [1000], timeoutMs: 1000 },
  };
}

/**
 * Adds a workspace to the server's database through the store and services (POST /v1/workspaces
 * does not exist yet): a funded wallet (sandbox only), a policy, an agent and both kinds of key.
 */
export async function addWorkspace(s: TestServer, livemode: boolean, name = 'second workspace'): Promise<Tenant> {
  const now = Date.now();
  const workspaceId = newId('ws', now);
  const caller = { workspace: { id: workspaceId, livemode }, actor: { type: 'system' as const } };
  return runService(s.server.db, serviceConfig(s), caller, async (ctx) => {
    await insertWorkspace(ctx.tx, {
      id: workspaceId, name, livemode: livemode ? 1 : 0, created_at: now,
      callback_secret: null, previous_callback_secret: null, previous_callback_secret_expires_at: null,
    });
    const walletId = newId('wal', now);
    await insertWallet(ctx.tx, {
      id: walletId, workspace_id: workspaceId, currency: 'usd', livemode: livemode ? 1 : 0,
      available_cents: 0, held_cents: 0, last_sequence: 0, last_hash: GENESIS_HASH, created_at: now,
    });
    if (!livemode) await fundWallet({ ctx, input: { id: walletId, amount_cents: 100_000 } });
    const policy = await createPolicy({ ctx, input: { name: `${name} policy`, currency: 'usd', monthly_limit_cents: 50_000 } });
    const agent = await createAgent({ ctx, input: { name: `${name} agent`, policy_id: policy.id } });
    const mgmt = await createKey({ ctx, input: { type: 'management', name: `${name} admin` } });
    const spend = await createKey({ ctx, input: { type: 'spending', agent_id: agent.id, name: `${name} agent key` } });
    return { workspaceId, walletId, policyId: policy.id, agentId: agent.id, mgmt: mgmt.key, spend: spend.key };
  });
}

/** Objects of every kind in the server's first workspace, owned by its default agent. */
export interface Fixtures {
  /** Path parameter values by the path segment before them (`agents` → an agent id). */
  ids: Record<string, string>;
  deliveryId: string;
  /** Another agent of the same workspace and its spending key. */
  otherAgent: { agentId: string; key: string; keyId: string };
  receiver: Receiver;
}

/** Creates one object of each kind the routes address, through the API. */
export async function makeFixtures(s: TestServer): Promise<Fixtures> {
  const ok = (r: { status: number; body: any }, what: string) => {
    expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
    return r.body;
  };
  const receiver = await startReceiver(() => 200);
  const other = await freshAgent(s, {}, 'other-agent');
  const approved = ok(await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(100) }), 'spend');
  const pending = ok(await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(30_000) }), 'spend needing approval');
  expect(pending.status).toBe('needs_approval');
  const hook = ok(await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: receiver.url, events: ['*'] } }), 'webhook');
  // One more event, so the endpoint has a delivery to address.
  ok(await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(50) }), 'spend');
  const delivery = await eventually(() => s.server.db.db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', hook.id).executeTakeFirst(), 10_000);
  const event = await s.server.db.db.selectFrom('events').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
  const mandate = ok(await api(s.url, 'POST', '/v1/mandates', { key: s.mgmt, body: { agent_id: s.agentId, description: 'fixture', currency: 'usd' } }), 'mandate');
  const token = ok(
    await api(s.url, 'POST', `/v1/agents/${s.agentId}/execution-tokens`, { key: s.mgmt, body: { mandate_id: mandate.id, action: 'payment.create', audience: 'bursar:payments' } }),
    'execution token',
  );
  const payment = ok(await api(s.url, 'POST', '/v1/payments', { key: token.token, body: { amount_cents: 100, currency: 'usd', merchant_name: 'AWS' } }), 'payment');
  const reservation = ok(await api(s.url, 'POST', '/v1/spend-guard/reservations', { key: s.spend, body: { amount_cents: 100, currency: 'usd' } }), 'reservation');
  const kidPolicy = ok(await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'kid' } }), 'policy');
  const kid = ok(await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'kid', policy_id: kidPolicy.id, parent_agent_id: s.agentId } }), 'child agent');
  const lease = ok(await api(s.url, 'POST', '/v1/spend-guard/budget-leases', { key: s.spend, body: { child_agent_id: kid.id, amount_cents: 100, currency: 'usd' } }), 'lease');
  const spare = ok(await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: s.agentId, name: 'fixture key' } }), 'key');
  // Cards, checkout intents, card authorizations, transfers: the default card is provisioned.
  const card = ok(await api(s.url, 'GET', '/v1/cards?limit=1', { key: s.mgmt }), 'cards').data[0];
  const intent = ok(await api(s.url, 'POST', '/v1/checkout-intents', { key: s.spend, body: spendBody(120) }), 'checkout intent');
  const cauth = ok(
    await api(s.url, 'POST', '/v1/sandbox/card-authorizations', { key: s.mgmt, body: { card_id: card.id, merchant_name: 'AWS', amount_cents: 100, currency: 'usd' } }),
    'card authorization',
  );
  const team = ok(await api(s.url, 'POST', '/v1/workspaces', { key: s.mgmt, body: { name: 'transfer target' } }), 'workspace');
  const transfer = ok(
    await api(s.url, 'POST', '/v1/transfers', { key: s.mgmt, body: { to_workspace_id: team.id ?? team.workspace?.id, amount_cents: 100, currency: 'usd', description: 'fixture' } }),
    'transfer',
  );
  return {
    ids: {
      agents: s.agentId,
      wallets: s.walletId,
      policies: s.policyId,
      'api-keys': spare.id,
      approvals: pending.approval_id,
      'spend-requests': approved.id,
      spend: approved.id,
      webhooks: hook.id,
      events: event.id,
      mandates: mandate.id,
      payments: payment.id,
      reservations: reservation.id,
      'budget-leases': lease.id,
      cards: card.id,
      'checkout-intents': intent.id,
      'card-authorizations': cauth.id,
      transfers: transfer.id,
      // The server's own (first) workspace, whose key is the instance's root key.
      workspaces: (await s.server.db.db.selectFrom('workspaces').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow()).id,
    },
    deliveryId: delivery.id,
    otherAgent: { agentId: other.agentId, key: other.key, keyId: other.keyId },
    receiver,
  };
}

/** The route's URL with its parameters filled from `ids` (an id nobody has when there is no fixture). */
export function fillPath(url: string, ids: Record<string, string>, deliveryId: string): string {
  const parts = url.split('/');
  return parts
    .map((p, i) => {
      if (!p.startsWith(':')) return p;
      if (p === ':delivery_id') return deliveryId;
      return ids[parts[i - 1] ?? ''] ?? 'zz_no_such_object';
    })
    .join('/');
}

/** Every id (and key hash) stored for `workspaceId`, to prove another tenant never sees one. */
export async function tenantIds(s: TestServer, workspaceId: string): Promise<Set<string>> {
  const db = s.server.db.db;
  const out = new Set<string>();
  for (const name of await tableNames(s)) {
    const cols = await columnsOf(s, name);
    if (!cols.includes('workspace_id') || !cols.includes('id')) continue;
    const rows = await sql<{ id: string }>`select id from ${sql.table(name)} where workspace_id = ${workspaceId}`.execute(db);
    for (const r of rows.rows) out.add(String(r.id));
  }
  return out;
}

/** Ids of rows owned by one agent (spend requests, reservations, mandates, payments, keys, …). */
export async function agentIds(s: TestServer, agentId: string): Promise<Set<string>> {
  const db = s.server.db.db;
  const out = new Set<string>();
  for (const name of await tableNames(s)) {
    const cols = await columnsOf(s, name);
    if (!cols.includes('agent_id') || !cols.includes('id')) continue;
    const rows = await sql<{ id: string }>`select id from ${sql.table(name)} where agent_id = ${agentId}`.execute(db);
    for (const r of rows.rows) out.add(String(r.id));
  }
  return out;
}

const columnCache = new Map<string, string[]>();
async function columnsOf(s: TestServer, table: string): Promise<string[]> {
  const cacheKey = `${s.url}:${table}`;
  const hit = columnCache.get(cacheKey);
  if (hit) return hit;
  const db = s.server.db.db;
  const cols =
    s.server.db.kind === 'postgres'
      ? (await sql<{ name: string }>`select column_name as name from information_schema.columns where table_name = ${table}`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)).rows.map((r) => r.name);
  columnCache.set(cacheKey, cols);
  return cols;
}

/** The first of `ids` that occurs in `text`, if any. */
export function leaked(text: string, ids: Set<string>): string | undefined {
  for (const id of ids) if (id.length >= 8 && text.includes(id)) return id;
  return undefined;
}
