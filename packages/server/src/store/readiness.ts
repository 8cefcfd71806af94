import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

/** Which workspaces a readiness report covers: one (a workspace's management key) or all (null: the instance). */
export type ReadinessScope = string | null;

export async function workspacesInScope(db: Executor, scope: ReadinessScope): Promise<Array<{ id: string; livemode: number }>> {
  return db.selectFrom('workspaces').select(['id', 'livemode']).$if(scope !== null, (q) => q.where('id', '=', scope!)).orderBy('id').execute();
}

/** Unrevoked test-mode keys of live workspaces. */
export async function testKeysInLiveWorkspaces(db: Executor, scope: ReadinessScope): Promise<Array<{ id: string; workspace_id: string; prefix: string }>> {
  const q = db
    .selectFrom('api_keys')
    .innerJoin('workspaces', 'workspaces.id', 'api_keys.workspace_id')
    .select(['api_keys.id', 'api_keys.workspace_id', 'api_keys.prefix'])
    .where('workspaces.livemode', '=', 1)
    .where('api_keys.livemode', '=', 0)
    .where('api_keys.revoked_at', 'is', null)
    .$if(scope !== null, (w) => w.where('api_keys.workspace_id', '=', scope!));
  return q.orderBy('api_keys.id').execute();
}

/** Sandbox wallets of live workspaces. */
export async function sandboxWalletsInLiveWorkspaces(db: Executor, scope: ReadinessScope): Promise<Array<{ id: string; workspace_id: string }>> {
  const q = db
    .selectFrom('wallets')
    .innerJoin('workspaces', 'workspaces.id', 'wallets.workspace_id')
    .select(['wallets.id', 'wallets.workspace_id'])
    .where('workspaces.livemode', '=', 1)
    .where('wallets.livemode', '=', 0)
    .$if(scope !== null, (w) => w.where('wallets.workspace_id', '=', scope!));
  return q.orderBy('wallets.id').execute();
}

/** Each wallet's held balance beside the sum its open (approved) requests hold. */
export async function walletHolds(db: Executor, scope: ReadinessScope): Promise<Array<{ id: string; held_cents: number; open_cents: number }>> {
  const wallets = await db
    .selectFrom('wallets')
    .select(['id', 'held_cents'])
    .$if(scope !== null, (q) => q.where('workspace_id', '=', scope!))
    .orderBy('id')
    .execute();
  const open = await db
    .selectFrom('spend_requests')
    .select((eb) => ['wallet_id', eb.fn.sum<number>('held_cents').as('cents')])
    .where('status', '=', 'approved')
    .where('wallet_id', 'is not', null)
    .$if(scope !== null, (q) => q.where('workspace_id', '=', scope!))
    .groupBy('wallet_id')
    .execute();
  const byWallet = new Map(open.map((r) => [r.wallet_id, Number(r.cents)]));
  return wallets.map((w) => ({ id: w.id, held_cents: w.held_cents, open_cents: byWallet.get(w.id) ?? 0 }));
}

/** Approved holds whose expiry passed before `before`, oldest first. */
export async function holdsExpiredBefore(db: Executor, scope: ReadinessScope, before: number, limit: number): Promise<Array<{ id: string; expires_at: number | null }>> {
  const q = db
    .selectFrom('spend_requests')
    .select(['id', 'expires_at'])
    .where('status', '=', 'approved')
    .where('expires_at', 'is not', null)
    .where('expires_at', '<', before)
    .$if(scope !== null, (w) => w.where('workspace_id', '=', scope!));
  return q.orderBy('expires_at').limit(limit).execute();
}

/** One webhook endpoint's health: its state, its newest successful attempt, and its deliveries still to make. */
export interface EndpointHealth {
  id: string;
  url: string;
  status: string;
  failing_since: number | null;
  last_success_at: number | null;
  pending: number;
}

export async function webhookEndpointHealth(db: Executor, scope: ReadinessScope): Promise<EndpointHealth[]> {
  const endpoints = await db
    .selectFrom('webhook_endpoints')
    .select(['id', 'url', 'status', 'failing_since'])
    .where('deleted_at', 'is', null)
    .$if(scope !== null, (q) => q.where('workspace_id', '=', scope!))
    .orderBy('id')
    .execute();
  if (endpoints.length === 0) return [];
  const ids = endpoints.map((e) => e.id);
  const successes = await db
    .selectFrom('webhook_attempts')
    .select((eb) => ['endpoint_id', eb.fn.max('created_at').as('at')])
    .where('endpoint_id', 'in', ids)
    .where('succeeded', '=', 1)
    .groupBy('endpoint_id')
    .execute();
  const pending = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => ['endpoint_id', eb.fn.countAll<number>().as('n')])
    .where('endpoint_id', 'in', ids)
    .where('status', '=', 'pending')
    .groupBy('endpoint_id')
    .execute();
  const lastSuccess = new Map(successes.map((r) => [r.endpoint_id, Number(r.at)]));
  const pendingOf = new Map(pending.map((r) => [r.endpoint_id, Number(r.n)]));
  return endpoints.map((e) => ({ ...e, last_success_at: lastSuccess.get(e.id) ?? null, pending: pendingOf.get(e.id) ?? 0 }));
}

/** The oldest outbox event not yet fanned out to webhook deliveries, and how many wait. */
export async function outboxBacklog(db: Executor, scope: ReadinessScope): Promise<{ waiting: number; oldest_at: number | null }> {
  const r = await db
    .selectFrom('events')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
    .where('dispatched', '=', 0)
    .$if(scope !== null, (q) => q.where('workspace_id', '=', scope!))
    .executeTakeFirst();
  return { waiting: Number(r?.n ?? 0), oldest_at: r?.oldest === null || r?.oldest === undefined ? null : Number(r.oldest) };
}

/** Names of the migrations the database records as applied. */
export async function appliedMigrationNames(db: Executor): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return r.rows.map((x) => x.name);
}

/** The database server's clock, in milliseconds since the epoch (PostgreSQL; SQLite runs on this machine's clock). */
export async function databaseClockMs(db: Executor): Promise<number> {
  const r = await sql<{ ms: string | number }>`select floor(extract(epoch from clock_timestamp()) * 1000)::text as ms`.execute(db);
  return Number(r.rows[0]?.ms);
}

/** SQLite's journal mode ('wal', 'delete', …). */
export async function sqliteJournalMode(db: Executor): Promise<string> {
  const r = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
  return String(r.rows[0]?.journal_mode ?? 'unknown').toLowerCase();
}

/** The file of SQLite's main database ('' for an in-memory one). */
export async function sqliteFile(db: Executor): Promise<string> {
  const r = await sql<{ name: string; file: string }>`pragma database_list`.execute(db);
  return r.rows.find((x) => x.name === 'main')?.file ?? '';
}

/** PostgreSQL's archive_mode ('on', 'always' or 'off'): whether finished WAL segments are archived for point-in-time recovery. */
export async function postgresArchiveMode(db: Executor): Promise<string> {
  const r = await sql<{ archive_mode: string }>`show archive_mode`.execute(db);
  return r.rows[0]?.archive_mode ?? 'unknown';
}
