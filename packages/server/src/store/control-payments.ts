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
  status?: PaymentRow['status'] | undefined;
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

/** The payment executing a spend request (a payment's spend request has kind 'payment'). */
export async function paymentBySpend(db: Executor, workspaceId: string, spendRequestId: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('workspace_id', '=', workspaceId).where('spend_request_id', '=', spendRequestId).executeTakeFirst();
}

/** Moves a payment on from `from`; false when another writer got there first. */
export async function transitionPayment(
  db: Executor,
  id: string,
  from: PaymentRow['status'],
  changes: Partial<Omit<PaymentRow, 'id' | 'workspace_id'>>,
): Promise<boolean> {
  const r = await db.updateTable('payments').set(changes).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Approved payments still waiting for their rail, oldest first, across workspaces. */
/** Payments a rail answered pending for: asked again on every sweep until they settle. */
export async function paymentsPending(db: Executor, limit: number): Promise<Array<{ id: string; workspace_id: string; livemode: number }>> {
  return db
    .selectFrom('payments')
    .select(['id', 'workspace_id', 'livemode'])
    .where('status', '=', 'processing')
    .where('execution_due_at', 'is', null)
    .where('rail_transaction_id', 'is not', null)
    .orderBy('updated_at')
    .limit(limit)
    .execute();
}

export async function paymentsDue(db: Executor, limit: number): Promise<Array<{ id: string; workspace_id: string; livemode: number }>> {
  return db
    .selectFrom('payments')
    .select(['id', 'workspace_id', 'livemode'])
    .where('execution_due_at', 'is not', null)
    .orderBy('execution_due_at')
    .limit(limit)
    .execute();
}
