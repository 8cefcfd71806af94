import type { ApprovalStatus } from '@bursar/core';
import type { Executor } from '../db/database.js';
import { insertWrite, type Write } from '../db/prepared.js';
import type { DB } from '../db/schema.js';
import { toPage, type ApprovalRow, type Page } from './rows.js';

export type ApprovalVoteRow = DB['approval_votes'];

/** The insert of an approval, for a batch of writes. */
export function approvalInsert(row: ApprovalRow): Write {
  return insertWrite('approvals', row);
}

export async function getApproval(db: Executor, workspaceId: string, id: string): Promise<ApprovalRow | undefined> {
  return db.selectFrom('approvals').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** Settles a pending approval; false if it was no longer pending. */
export async function settleApproval(
  db: Executor,
  id: string,
  changes: Pick<ApprovalRow, 'status' | 'note' | 'decided_by' | 'override_budget' | 'decided_at'> & Partial<Pick<ApprovalRow, 'approvals_required' | 'decided_budget'>>,
): Promise<boolean> {
  const r = await db.updateTable('approvals').set(changes).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function listApprovals(
  db: Executor,
  workspaceId: string,
  filter: { status?: ApprovalStatus | undefined },
  limit: number,
  cursor?: string,
): Promise<Page<ApprovalRow>> {
  let q = db.selectFrom('approvals').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}

/** Records one operator's approval; false when that key had already approved this request. */
export async function insertApprovalVote(db: Executor, vote: ApprovalVoteRow): Promise<boolean> {
  const r = await db
    .insertInto('approval_votes')
    .values(vote)
    .onConflict((oc) => oc.columns(['approval_id', 'approved_by']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** The operators' approvals of the given requests, oldest first. */
export async function listApprovalVotes(db: Executor, approvalIds: readonly string[]): Promise<ApprovalVoteRow[]> {
  if (approvalIds.length === 0) return [];
  return db
    .selectFrom('approval_votes')
    .selectAll()
    .where('approval_id', 'in', [...approvalIds])
    .orderBy('created_at')
    .orderBy('approved_by')
    .execute();
}
