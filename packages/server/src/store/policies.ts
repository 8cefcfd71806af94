import { isPostgres, type Executor } from '../db/database.js';
import { policyLockedByBatch } from '../db/decision-batch.js';
import { query } from '../db/prepared.js';
import { toPage, type Page, type PolicyRow } from './rows.js';

export async function insertPolicy(db: Executor, row: PolicyRow): Promise<void> {
  await db.insertInto('policies').values(row).execute();
}

export async function getPolicy(db: Executor, workspaceId: string, id: string): Promise<PolicyRow | undefined> {
  return db.selectFrom('policies').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/**
 * Reads a policy and, on PostgreSQL, locks its row until the transaction ends: every decision
 * against one budget takes this lock first (then the wallet's), so concurrent processes
 * decide one after another and never approve past the budget.
 */
export async function lockPolicy(db: Executor, workspaceId: string, id: string): Promise<PolicyRow | undefined> {
  const held = policyLockedByBatch(db, id);
  if (held && held.workspace_id === workspaceId) return held;
  const lock = isPostgres(db) ? ' for update' : '';
  return (await query<PolicyRow>(db, `select * from "policies" where "workspace_id" = ? and "id" = ?${lock}`, [workspaceId, id]))[0];
}

export async function updatePolicy(db: Executor, row: PolicyRow): Promise<void> {
  const { id, workspace_id, created_at, ...rest } = row;
  await db.updateTable('policies').set(rest).where('id', '=', id).where('workspace_id', '=', workspace_id).execute();
}

export async function listPolicies(db: Executor, workspaceId: string, limit: number, cursor?: string): Promise<Page<PolicyRow>> {
  let q = db.selectFrom('policies').selectAll().where('workspace_id', '=', workspaceId);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}
