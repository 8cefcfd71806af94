import type { Executor } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { toPage, type Page } from './rows.js';

export type PaymentRow = DB['payments'];

export async function insertPayment(db: Executor, row: PaymentRow): Promise<void> {
  await db.insertInto('payments').values(row).execute();
}

export async function getPayment(db: Executor, workspaceId: string, id: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** True when a payment already used this execution token. */
export async function jtiUsed(db: Executor, jti: string): Promise<boolean> {
  return (await db.selectFrom('payments').select('id').where('token_jti', '=', jti).executeTakeFirst()) !== undefined;
}

export interface PaymentFilter {
  status?: string | undefined;
  agent_id?: string | undefined;
  mandate_id?: string | undefined;
  created_after?: number | undefined;
  created_before?: number | undefined;
}

export async function listPayments(db: Executor, workspaceId: string, f: PaymentFilter, limit: number, cursor?: string): Promise<Page<PaymentRow>> {
  let q = db.selectFrom('payments').selectAll().where('workspace_id', '=', workspaceId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.agent_id) q = q.where('agent_id', '=', f.agent_id);
  if (f.mandate_id) q = q.where('mandate_id', '=', f.mandate_id);
  if (f.created_after !== undefined) q = q.where('created_at', '>=', f.created_after);
  if (f.created_before !== undefined) q = q.where('created_at', '<', f.created_before);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}
