import type { Executor } from '../db/database.js';
import type { SpendRow } from './rows.js';

/** The columns a replay reads of each recorded decision. */
export type RecordedDecision = Pick<
  SpendRow,
  | 'id' | 'amount_cents' | 'merchant_key' | 'category' | 'status' | 'decision_code' | 'violations'
  | 'approval_id' | 'lease_id' | 'captured_amount_cents' | 'created_at' | 'updated_at'
>;

/** Where the previous page ended: decisions are read in (created_at, id) order. */
export interface HistoryCursor {
  createdAt: number;
  id: string;
}

type HistoryScope = { workspaceId: string; policyId: string; from: number; to: number };

/** How many decisions a replay of [from, to) will read (the (policy_id, created_at) index answers it). */
export async function countRecordedDecisions(db: Executor, scope: HistoryScope): Promise<number> {
  const r = await db
    .selectFrom('spend_requests')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('policy_id', '=', scope.policyId)
    .where('workspace_id', '=', scope.workspaceId)
    .where('created_at', '>=', scope.from)
    .where('created_at', '<', scope.to)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/**
 * One page of a policy's recorded decisions (every kind) made in [from, to), oldest first, after
 * `after`: keyset pagination over (created_at, id), so a replay of any history holds one page
 * at a time. Ids alone would not do: each kind's prefix sorts apart.
 */
export async function recordedDecisions(
  db: Executor,
  scope: HistoryScope,
  after: HistoryCursor | null,
  limit: number,
): Promise<RecordedDecision[]> {
  let q = db
    .selectFrom('spend_requests')
    .select([
      'id', 'amount_cents', 'merchant_key', 'category', 'status', 'decision_code', 'violations',
      'approval_id', 'lease_id', 'captured_amount_cents', 'created_at', 'updated_at',
    ])
    .where('policy_id', '=', scope.policyId)
    .where('workspace_id', '=', scope.workspaceId)
    .where('created_at', '<', scope.to);
  // The plain range bound lets the (policy_id, created_at) index start where the last page ended.
  q = after
    ? q.where('created_at', '>=', after.createdAt).where((eb) => eb.or([
      eb('created_at', '>', after.createdAt),
      eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)]),
    ]))
    : q.where('created_at', '>=', scope.from);
  return q.orderBy('created_at', 'asc').orderBy('id', 'asc').limit(limit).execute();
}
