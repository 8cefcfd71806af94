import { sql } from 'kysely';
import { isPostgres, type Executor } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { toPage, type Page } from './rows.js';

export type MandateRow = DB['mandates'];

export async function insertMandate(db: Executor, row: MandateRow): Promise<void> {
  await db.insertInto('mandates').values(row).execute();
}

export async function getMandate(db: Executor, workspaceId: string, id: string): Promise<MandateRow | undefined> {
  return db.selectFrom('mandates').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** Reads and, on PostgreSQL, locks a mandate: after the policy, before leases and the wallet. */
export async function lockMandate(db: Executor, workspaceId: string, id: string): Promise<MandateRow | undefined> {
  const q = db.selectFrom('mandates').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  return (isPostgres(db) ? q.forUpdate() : q).executeTakeFirst();
}

export async function updateMandate(db: Executor, id: string, changes: Partial<Omit<MandateRow, 'id' | 'workspace_id'>>): Promise<void> {
  await db.updateTable('mandates').set(changes).where('id', '=', id).execute();
}

export async function addMandateSpend(db: Executor, id: string, cents: number, now: number): Promise<void> {
  await db.updateTable('mandates').set({ spent_cents: sql`spent_cents + ${cents}`, updated_at: now }).where('id', '=', id).execute();
}

/** Mandates filter: `status` as presented (an active mandate past its expiry is `expired`). */
export interface MandateFilter {
  agent_id?: string | undefined;
  status?: 'active' | 'revoked' | 'expired' | undefined;
}

export async function listMandates(db: Executor, workspaceId: string, f: MandateFilter, now: number, limit: number, cursor?: string): Promise<Page<MandateRow>> {
  let q = db.selectFrom('mandates').selectAll().where('workspace_id', '=', workspaceId);
  if (f.agent_id) q = q.where('agent_id', '=', f.agent_id);
  if (f.status === 'revoked') q = q.where('status', '=', 'revoked');
  if (f.status === 'active') q = q.where('status', '=', 'active').where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  if (f.status === 'expired') q = q.where('status', '=', 'active').where('expires_at', '<=', now);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}
