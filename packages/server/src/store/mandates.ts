import { sql } from 'kysely';
import { isPostgres, type Executor } from '../db/database.js';
import type { DB } from '../db/schema.js';

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
