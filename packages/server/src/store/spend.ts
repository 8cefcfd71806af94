import type { SpendKind, SpendStatus } from '@bursar/core';
import { sql } from 'kysely';
import { isPostgres, type Executor } from '../db/database.js';
import { insertWrite, queryPrepared, type Write } from '../db/prepared.js';
import { toPage, type AgentRow, type Page, type SpendRow, type WalletRow } from './rows.js';

/** The insert of a spend request, for a batch of writes. */
export function spendInsert(row: SpendRow): Write {
  return insertWrite('spend_requests', row);
}

export async function getSpend(db: Executor, workspaceId: string, id: string): Promise<SpendRow | undefined> {
  return db.selectFrom('spend_requests').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/**
 * Moves a spend request from one status to the next, only if it is still in `from`; returns
 * false when another writer got there first.
 */
export async function transitionSpend(
  db: Executor,
  id: string,
  from: SpendStatus,
  changes: Partial<Omit<SpendRow, 'id' | 'workspace_id'>>,
): Promise<boolean> {
  const r = await db.updateTable('spend_requests').set(changes).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Requests under a policy since `since` that count towards its velocity limits. */
export async function countVelocity(db: Executor, policyId: string, since: number): Promise<number> {
  const r = await db
    .selectFrom('spend_requests')
    .select(sql<number>`count(*)`.as('n'))
    .where('policy_id', '=', policyId)
    .where('created_at', '>=', since)
    .where('status', '!=', 'declined')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** A wallet's columns, named: the decision's read is a prepared statement (see queryPrepared). */
const walletColumns = Object.keys({
  id: true, workspace_id: true, currency: true, livemode: true, available_cents: true, held_cents: true, last_sequence: true, last_hash: true, created_at: true,
} satisfies Record<keyof WalletRow, true>) as Array<keyof WalletRow>;

/** What a decision reads once its policy is locked; a velocity count is null when its `since` was. */
export interface DecisionReads {
  /** The workspace's wallet in the decision's currency, locked (PostgreSQL). */
  wallet: WalletRow;
  /** The agent's status, read under the policy's lock. */
  agentStatus: AgentRow['status'];
  minute: number | null;
  hour: number | null;
  /** Spent and held in each of `windows`, in order (zero for a window never used). */
  windows: Array<{ spent: number; held: number }>;
}

/**
 * The reads a decision makes under its policy's lock, as one statement: the wallet (locked
 * like lockWalletForCurrency), the velocity counts and the policy's window counters. Nothing
 * (and no lock taken) when the workspace has no wallet in `currency` or when the agent has an
 * active lease other than `leaseId` (granted while the caller waited for the policy's lock,
 * after it looked): leases are locked before the wallet, so the caller then reads one by one.
 * The counters and counts are what the policy's lock protects, so reading them in the
 * statement that may then wait for the wallet's lock reads them as current as before it.
 */
export async function readForDecision(
  db: Executor,
  q: {
    workspaceId: string; agentId: string; policyId: string; currency: string; leaseId: string | null;
    minuteSince: number | null; hourSince: number | null; windows: ReadonlyArray<{ period: string; key: string }>;
  },
): Promise<DecisionReads | undefined> {
  const parts = walletColumns.map((c) => `"w"."${c}"`);
  // The agent's status as of the policy's lock, which pausing and revoking take too.
  parts.push('(select "status" from "agents" where "id" = ?) as "d_agent_status"');
  const params: unknown[] = [q.agentId];
  const velocity = 'select count(*) from "spend_requests" where "policy_id" = ? and "created_at" >= ? and "status" != \'declined\'';
  for (const [name, since] of [['minute', q.minuteSince], ['hour', q.hourSince]] as const) {
    if (since === null) continue;
    parts.push(`(${velocity}) as "d_${name}"`);
    params.push(q.policyId, since);
  }
  q.windows.forEach((w, i) => {
    for (const column of ['spent_cents', 'held_cents']) {
      parts.push(`(select "${column}" from "usage_counters" where "policy_id" = ? and "period" = ? and "window_key" = ?) as "d_${column}_${i}"`);
      params.push(q.policyId, w.period, w.key);
    }
  });
  const text =
    `select ${parts.join(', ')} from "wallets" as "w" where "w"."workspace_id" = ? and "w"."currency" = ? ` +
    'and not exists (select 1 from "budget_leases" where "workspace_id" = ? and "child_agent_id" = ? and "status" = ? and "id" != ?)' +
    (isPostgres(db) ? ' for update of "w"' : '');
  params.push(q.workspaceId, q.currency, q.workspaceId, q.agentId, 'active', q.leaseId ?? '');
  const [row] = await queryPrepared<WalletRow & Record<string, unknown>>(db, text, params);
  if (!row) return undefined;
  const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
  const wallet = {} as Record<string, unknown>;
  for (const c of walletColumns) wallet[c] = row[c];
  return {
    wallet: wallet as WalletRow,
    agentStatus: row.d_agent_status as AgentRow['status'],
    minute: q.minuteSince === null ? null : n(row.d_minute),
    hour: q.hourSince === null ? null : n(row.d_hour),
    windows: q.windows.map((_, i) => ({ spent: n(row[`d_spent_cents_${i}`]), held: n(row[`d_held_cents_${i}`]) })),
  };
}

/**
 * What every decision of a batch (see DecisionBatcher) reads under its locks, in one statement
 * instead of one per decision: the wallet in `currency` (locked), the status of each of
 * `agentIds`, and the counters of `counters` (a policy's window each). Undefined when there is no
 * such wallet or any of the agents now has an active lease (granted after the batch looked):
 * its decisions then read one by one. PostgreSQL only (batches run there).
 */
export async function readForBatch(
  db: Executor,
  q: { workspaceId: string; currency: string; agentIds: readonly string[]; counters: ReadonlyArray<{ policyId: string; period: string; key: string }> },
): Promise<{ wallet: WalletRow; statuses: Map<string, AgentRow['status']>; counters: Map<string, { spent: number; held: number }> } | undefined> {
  const text =
    `select ${walletColumns.map((c) => `"w"."${c}"`).join(', ')}, ` +
    '(select coalesce(json_agg(json_build_array("a"."id", "a"."status")), \'[]\') from "agents" "a" where "a"."workspace_id" = ? and "a"."id" = any(?::text[])) as "d_statuses", ' +
    '(select coalesce(json_agg(json_build_array("u"."policy_id", "u"."period", "u"."window_key", "u"."spent_cents", "u"."held_cents")), \'[]\') from "usage_counters" "u" ' +
    'where ("u"."policy_id", "u"."period", "u"."window_key") in (select * from unnest(?::text[], ?::text[], ?::text[]))) as "d_counters" ' +
    'from "wallets" as "w" where "w"."workspace_id" = ? and "w"."currency" = ? ' +
    'and not exists (select 1 from "budget_leases" where "workspace_id" = ? and "child_agent_id" = any(?::text[]) and "status" = ?) for update of "w"';
  const agentIds = [...q.agentIds];
  const params = [
    q.workspaceId, agentIds,
    q.counters.map((c) => c.policyId), q.counters.map((c) => c.period), q.counters.map((c) => c.key),
    q.workspaceId, q.currency, q.workspaceId, agentIds, 'active',
  ];
  const [row] = await queryPrepared<WalletRow & { d_statuses: Array<[string, AgentRow['status']]>; d_counters: Array<[string, string, string, number, number]> }>(db, text, params);
  if (!row) return undefined;
  const wallet = {} as Record<string, unknown>;
  for (const c of walletColumns) wallet[c] = row[c];
  return {
    wallet: wallet as WalletRow,
    statuses: new Map(row.d_statuses),
    counters: new Map(row.d_counters.map(([policyId, period, key, spent, held]) => [counterKey(policyId, period, key), { spent: Number(spent), held: Number(held) }])),
  };
}

/** The key of a window's counter in readForBatch's `counters`. */
export const counterKey = (policyId: string, period: string, key: string) => `${policyId}\u0000${period}\u0000${key}`;

export interface SpendFilter {
  status?: SpendStatus | undefined;
  agent_id?: string | undefined;
  merchant_key?: string | undefined;
  created_after?: number | undefined;
  created_before?: number | undefined;
  /** Any of these statuses (a dialect's status may stand for several). */
  statuses?: SpendStatus[] | undefined;
  kind?: SpendKind | undefined;
  /** Any of these kinds. */
  kinds?: readonly SpendKind[] | undefined;
  currency?: string | undefined;
  /** Merchant names containing this text, ignoring case. */
  merchant_contains?: string | undefined;
  min_amount_cents?: number | undefined;
  max_amount_cents?: number | undefined;
}

/** A LIKE pattern matching `text` anywhere, its wildcards taken literally (escaped with `\`). */
function containing(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listSpend(
  db: Executor,
  workspaceId: string,
  filter: SpendFilter,
  limit: number,
  cursor?: string,
): Promise<Page<SpendRow>> {
  let q = db.selectFrom('spend_requests').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.statuses) q = q.where('status', 'in', filter.statuses);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.kinds) q = q.where('kind', 'in', filter.kinds);
  if (filter.agent_id) q = q.where('agent_id', '=', filter.agent_id);
  if (filter.merchant_key) q = q.where('merchant_key', '=', filter.merchant_key);
  if (filter.created_after !== undefined) q = q.where('created_at', '>=', filter.created_after);
  if (filter.created_before !== undefined) q = q.where('created_at', '<', filter.created_before);
  if (filter.currency !== undefined) q = q.where('currency', '=', filter.currency);
  if (filter.merchant_contains !== undefined) q = q.where(sql<boolean>`lower(merchant_name) like ${containing(filter.merchant_contains)} escape '\\'`);
  if (filter.min_amount_cents !== undefined) q = q.where('amount_cents', '>=', filter.min_amount_cents);
  if (filter.max_amount_cents !== undefined) q = q.where('amount_cents', '<=', filter.max_amount_cents);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}

/** Ids of requests in `status` whose `expires_at` has passed, oldest first. */
export async function dueForExpiry(db: Executor, status: SpendStatus, now: number, limit: number): Promise<SpendRow[]> {
  return db
    .selectFrom('spend_requests')
    .selectAll()
    .where('status', '=', status)
    .where('expires_at', 'is not', null)
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .execute();
}

/** Open holds (approved requests) charged to a lease. */
export async function openHoldsOnLease(db: Executor, leaseId: string): Promise<string[]> {
  const rows = await db.selectFrom('spend_requests').select('id').where('lease_id', '=', leaseId).where('status', '=', 'approved').orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** Every approved (held) request of an agent, of any kind, oldest first. */
export async function approvedHoldsOf(db: Executor, workspaceId: string, agentId: string): Promise<SpendRow[]> {
  return db.selectFrom('spend_requests').selectAll().where('workspace_id', '=', workspaceId).where('agent_id', '=', agentId).where('status', '=', 'approved').orderBy('id').execute();
}

/** An agent's unresolved reservations (reserved or awaiting approval). */
export async function openReservationsOf(db: Executor, workspaceId: string, agentId: string): Promise<SpendRow[]> {
  return db
    .selectFrom('spend_requests')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .where('kind', '=', 'reservation')
    .where('status', 'in', ['approved', 'needs_approval'])
    .orderBy('id')
    .execute();
}
