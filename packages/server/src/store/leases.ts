import { isPostgres, type Executor } from '../db/database.js';
import { query, type Write } from '../db/prepared.js';
import type { DB } from '../db/schema.js';
import { toPage, type Page } from './rows.js';

export type LeaseRow = DB['budget_leases'];

export async function insertLease(db: Executor, row: LeaseRow): Promise<void> {
  await db.insertInto('budget_leases').values(row).execute();
}

export async function getLease(db: Executor, workspaceId: string, id: string): Promise<LeaseRow | undefined> {
  return db.selectFrom('budget_leases').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/**
 * Reads a lease and, on PostgreSQL, locks it. Lock order: policies, then mandate, then leases
 * in id order (a nested lease is always younger than the lease it draws from, so id order is
 * parent first), then the wallet.
 */
export async function lockLease(db: Executor, workspaceId: string, id: string): Promise<LeaseRow | undefined> {
  const q = db.selectFrom('budget_leases').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  return (isPostgres(db) ? q.forUpdate() : q).executeTakeFirst();
}

/** The active lease an agent spends from, if any (at most one per child). */
export async function activeLeaseOf(db: Executor, workspaceId: string, childAgentId: string): Promise<LeaseRow | undefined> {
  const text = 'select * from "budget_leases" where "workspace_id" = ? and "child_agent_id" = ? and "status" = ?';
  return (await query<LeaseRow>(db, text, [workspaceId, childAgentId, 'active']))[0];
}

/** Active leases an agent granted. */
export async function leasesGrantedBy(db: Executor, workspaceId: string, parentAgentId: string): Promise<LeaseRow[]> {
  return db
    .selectFrom('budget_leases')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('parent_agent_id', '=', parentAgentId)
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
}

/** Leases drawn from a lease that have ended (released or expired) while holds drawn on them may still be open. */
export async function endedLeasesDrawnFrom(db: Executor, sourceLeaseId: string): Promise<LeaseRow[]> {
  return db.selectFrom('budget_leases').selectAll().where('source_lease_id', '=', sourceLeaseId).where('status', 'in', ['released', 'expired']).orderBy('id').execute();
}

/** Adds to a lease's spent and held counters (the check constraint refuses an overdraw), as a write for a batch of writes. */
export function leaseUsageAddition(id: string, delta: { spent: number; held: number }): Write {
  return { text: 'update "budget_leases" set "spent_cents" = "spent_cents" + ?, "held_cents" = "held_cents" + ? where "id" = ?', params: [delta.spent, delta.held, id] };
}

export async function closeLease(db: Executor, id: string, status: Exclude<LeaseRow['status'], 'active'>, now: number): Promise<boolean> {
  const r = await db.updateTable('budget_leases').set({ status, released_at: now }).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function listLeases(
  db: Executor,
  workspaceId: string,
  filter: { status?: LeaseRow['status'] | undefined; agent_id?: string | undefined },
  limit: number,
  cursor?: string,
): Promise<Page<LeaseRow>> {
  let q = db.selectFrom('budget_leases').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.status) q = q.where('status', '=', filter.status);
  const agent = filter.agent_id;
  if (agent) q = q.where((eb) => eb.or([eb('parent_agent_id', '=', agent), eb('child_agent_id', '=', agent)]));
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}

/** Active leases whose expiry has passed, oldest first. */
export async function leasesDue(db: Executor, now: number, limit: number): Promise<LeaseRow[]> {
  return db
    .selectFrom('budget_leases')
    .selectAll()
    .where('status', '=', 'active')
    .where('expires_at', 'is not', null)
    .where('expires_at', '<=', now)
    .orderBy('id')
    .limit(limit)
    .execute();
}
