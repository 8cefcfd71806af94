import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { insertRow } from '../db/prepared.js';
import { toPage, type Page, type SpendRow } from './rows.js';

export async function insertSpend(db: Executor, row: SpendRow): Promise<void> {
  await insertRow(db, 'spend_requests', row);
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
  from: string,
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

export interface SpendFilter {
  status?: string | undefined;
  agent_id?: string | undefined;
  merchant_key?: string | undefined;
  created_after?: number | undefined;
  created_before?: number | undefined;
  /** Any of these statuses (a dialect's status may stand for several). */
  statuses?: string[] | undefined;
  kind?: string | undefined;
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
  if (filter.agent_id) q = q.where('agent_id', '=', filter.agent_id);
  if (filter.merchant_key) q = q.where('merchant_key', '=', filter.merchant_key);
  if (filter.created_after !== undefined) q = q.where('created_at', '>=', filter.created_after);
  if (filter.created_before !== undefined) q = q.where('created_at', '<', filter.created_before);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}

/** Ids of requests in `status` whose `expires_at` has passed, oldest first. */
export async function dueForExpiry(db: Executor, status: string, now: number, limit: number): Promise<SpendRow[]> {
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
