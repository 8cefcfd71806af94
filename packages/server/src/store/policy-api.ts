import { sql } from 'kysely';
import { isPostgres, type Executor, type Tx } from '../db/database.js';
import type { DB } from '../db/schema.js';
import type { AgentRow, PolicyRow } from './rows.js';
import { query } from '../db/prepared.js';

export type PaymentHandleRow = DB['payment_handles'];
export type ReceiptRow = DB['spend_receipts'];
export type ExecutionRow = DB['payment_executions'];
export type PlanRow = DB['workspace_plans'];

/** The workspace's default policy: the oldest one, which is the one provisioning created. */
export async function oldestPolicy(db: Executor, workspaceId: string): Promise<PolicyRow | undefined> {
  return db.selectFrom('policies').selectAll().where('workspace_id', '=', workspaceId).orderBy('id', 'asc').limit(1).executeTakeFirst();
}

/** Agents named `name`, oldest first (names are not unique; the caller picks). */
export async function agentsNamed(db: Executor, workspaceId: string, name: string): Promise<AgentRow[]> {
  return db.selectFrom('agents').selectAll().where('workspace_id', '=', workspaceId).where('name', '=', name).orderBy('id', 'asc').execute();
}

/**
 * Serializes work on one name across processes until the transaction ends (PostgreSQL); two
 * first evaluations of one new agent name must register one agent, not two. SQLite has one writer.
 */
export async function lockName(tx: Tx, key: string): Promise<void> {
  if (isPostgres(tx)) await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx);
}

export async function insertHandle(db: Executor, row: PaymentHandleRow): Promise<void> {
  await db.insertInto('payment_handles').values(row).execute();
}

export async function getHandle(db: Executor, workspaceId: string, id: string): Promise<PaymentHandleRow | undefined> {
  return db.selectFrom('payment_handles').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** Every handle of a workspace, oldest first (the first is the default). */
export async function listHandles(db: Executor, workspaceId: string): Promise<PaymentHandleRow[]> {
  return db.selectFrom('payment_handles').selectAll().where('workspace_id', '=', workspaceId).orderBy('id', 'asc').execute();
}

export async function receiptForJti(db: Executor, jti: string): Promise<ReceiptRow | undefined> {
  return db.selectFrom('spend_receipts').selectAll().where('sat_jti', '=', jti).executeTakeFirst();
}

export async function insertReceipt(db: Executor, row: ReceiptRow): Promise<void> {
  await db.insertInto('spend_receipts').values(row).execute();
}

export async function executionForJti(db: Executor, jti: string): Promise<ExecutionRow | undefined> {
  return db.selectFrom('payment_executions').selectAll().where('sat_jti', '=', jti).executeTakeFirst();
}

export async function insertExecution(db: Executor, row: ExecutionRow): Promise<void> {
  await db.insertInto('payment_executions').values(row).execute();
}

export async function updateExecution(db: Executor, id: string, changes: Pick<ExecutionRow, 'status' | 'rail_transaction_id' | 'failure_reason'>): Promise<void> {
  await db.updateTable('payment_executions').set(changes).where('id', '=', id).execute();
}

export async function getPlan(db: Executor, workspaceId: string): Promise<PlanRow | undefined> {
  return (await query<PlanRow>(db, 'select * from "workspace_plans" where "workspace_id" = ?', [workspaceId]))[0];
}

/** The workspace's plan row, locked on PostgreSQL so quota checks of one workspace run one at a time. */
export async function lockPlan(db: Executor, workspaceId: string): Promise<PlanRow | undefined> {
  const q = db.selectFrom('workspace_plans').selectAll().where('workspace_id', '=', workspaceId);
  return (isPostgres(db) ? q.forUpdate() : q).executeTakeFirst();
}

export async function upsertPlan(db: Executor, row: PlanRow): Promise<void> {
  await db
    .insertInto('workspace_plans')
    .values(row)
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({
      plan: row.plan, evaluations_per_day: row.evaluations_per_day, max_policies: row.max_policies,
      max_api_keys: row.max_api_keys, updated_at: row.updated_at,
    }))
    .execute();
}

/** Adds one evaluation to the day's count and returns the new count (atomic on both databases). */
export async function countEvaluation(db: Executor, workspaceId: string, day: string): Promise<number> {
  const r = await db
    .insertInto('plan_usage')
    .values({ workspace_id: workspaceId, day, evaluations: 1 })
    .onConflict((oc) => oc.columns(['workspace_id', 'day']).doUpdateSet({ evaluations: sql`plan_usage.evaluations + 1` }))
    .returning('evaluations')
    .executeTakeFirstOrThrow();
  return Number(r.evaluations);
}

export async function countPolicies(db: Executor, workspaceId: string): Promise<number> {
  const r = await db.selectFrom('policies').select(sql<number>`count(*)`.as('n')).where('workspace_id', '=', workspaceId).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Evaluations counted on `day` (UTC, YYYY-MM-DD). */
export async function evaluationsOn(db: Executor, workspaceId: string, day: string): Promise<number> {
  const r = await db.selectFrom('plan_usage').select('evaluations').where('workspace_id', '=', workspaceId).where('day', '=', day).executeTakeFirst();
  return Number(r?.evaluations ?? 0);
}

/** Live management keys: the reference's "API keys" (spending keys belong to agents, not the plan). */
export async function countManagementKeys(db: Executor, workspaceId: string): Promise<number> {
  const r = await db
    .selectFrom('api_keys')
    .select(sql<number>`count(*)`.as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('type', '=', 'management')
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
