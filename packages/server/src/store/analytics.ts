import { sql, type ExpressionBuilder, type RawBuilder } from 'kysely';
import type { Executor } from '../db/database.js';
import type { DB } from '../db/schema.js';

/** The dimensions spend is summed by; `day` and `hour` are UTC buckets of created_at. */
export type SpendDimension = 'agent' | 'policy' | 'merchant' | 'category' | 'decline_reason' | 'day' | 'hour';

/** Which requests are summed: one workspace, created in [from, to), and the optional filters. */
export interface SpendScope {
  workspaceId: string;
  from: number;
  to: number;
  agentId?: string | undefined;
  policyId?: string | undefined;
  currency?: string | undefined;
  /** Only requests charged to their policy's windows (no lease), or only those charged to a lease. */
  budget?: 'policy' | 'lease' | undefined;
}

/** Sums over one group in one currency, as the database computed them. */
export interface SpendSums {
  currency: string;
  request_count: number;
  approved_count: number;
  declined_count: number;
  pending_count: number;
  spent_cents: number;
  held_cents: number;
  captured_cents: number;
  declined_cents: number;
}

/** One group's sums: its key, the name the database knows it by (if any), and its bucket's start. */
export interface SpendGroupRow extends SpendSums {
  key: string | null;
  label: string | null;
  bucket: number | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Eb = ExpressionBuilder<DB & { s: DB['spend_requests'] }, 's'>;

/** created_at cut down to the start of its UTC bucket: integer arithmetic both databases do alike. */
function bucketOf(ms: number): RawBuilder<number> {
  return sql<number>`${sql.ref('s.created_at')} - (${sql.ref('s.created_at')} % ${sql.lit(ms)})`;
}

/** A CASE summed over the group: `then` where the status is one of `statuses`, else 0. */
function sumWhere(statuses: readonly string[], then: RawBuilder<number>): RawBuilder<number> {
  const list = sql.join(statuses.map((st) => sql.lit(st)));
  return sql<number>`coalesce(sum(case when ${sql.ref('s.status')} in (${list}) then ${then} else 0 end), 0)`;
}

const one = sql<number>`1`;
const amount = sql<number>`${sql.ref('s.amount_cents')}`;
const captured = sql<number>`coalesce(${sql.ref('s.captured_amount_cents')}, ${sql.ref('s.amount_cents')})`;

/** The requests a scope names. */
function scoped(db: Executor, scope: SpendScope) {
  let q = db
    .selectFrom('spend_requests as s')
    .where('s.workspace_id', '=', scope.workspaceId)
    .where('s.created_at', '>=', scope.from)
    .where('s.created_at', '<', scope.to);
  if (scope.agentId !== undefined) q = q.where('s.agent_id', '=', scope.agentId);
  if (scope.policyId !== undefined) q = q.where('s.policy_id', '=', scope.policyId);
  if (scope.currency !== undefined) q = q.where('s.currency', '=', scope.currency);
  if (scope.budget === 'policy') q = q.where('s.lease_id', 'is', null);
  if (scope.budget === 'lease') q = q.where('s.lease_id', 'is not', null);
  return q;
}

/** Every sum, as select expressions: one pass over the group's rows. */
function sumsOf(eb: Eb) {
  return [
    eb.ref('s.currency').as('currency'),
    eb.fn.countAll<number>().as('request_count'),
    sumWhere(['approved', 'completed'], one).as('approved_count'),
    sumWhere(['declined'], one).as('declined_count'),
    sumWhere(['needs_approval'], one).as('pending_count'),
    // Held while approved, captured once completed: what counts against budgets.
    sql<number>`coalesce(sum(case when ${sql.ref('s.status')} = 'approved' then ${amount} when ${sql.ref('s.status')} = 'completed' then ${captured} else 0 end), 0)`.as('spent_cents'),
    sumWhere(['approved'], amount).as('held_cents'),
    sumWhere(['completed'], captured).as('captured_cents'),
    sumWhere(['declined'], amount).as('declined_cents'),
  ] as const;
}

/** The group's key and the column (if any) its label comes from, by dimension. */
function keyOf(dimension: SpendDimension): { key: RawBuilder<string | number | null>; label: RawBuilder<string | null> | null } {
  switch (dimension) {
    case 'agent':
      return { key: sql`${sql.ref('s.agent_id')}`, label: sql`max(${sql.ref('a.name')})` };
    case 'policy':
      return { key: sql`${sql.ref('s.policy_id')}`, label: sql`max(${sql.ref('p.name')})` };
    case 'merchant':
      // One spelling of the merchant an agent used, for people; the key is the normalized one.
      return { key: sql`${sql.ref('s.merchant_key')}`, label: sql`max(${sql.ref('s.merchant_name')})` };
    case 'category':
      return { key: sql`${sql.ref('s.category')}`, label: null };
    case 'decline_reason':
      return { key: sql`${sql.ref('s.decision_code')}`, label: null };
    case 'day':
      return { key: bucketOf(DAY), label: null };
    case 'hour':
      return { key: bucketOf(HOUR), label: null };
  }
}

/**
 * Spend in a scope summed per group and currency by the database (GROUP BY on either driver),
 * `limit + 1` rows at most, in the order GET /v1/analytics/spend answers: by time bucket first
 * when there is one (oldest first), then the largest first.
 */
export async function sumSpendBy(
  db: Executor,
  scope: SpendScope,
  group: { dimension: SpendDimension; interval: 'day' | 'hour' | null },
  limit: number,
): Promise<SpendGroupRow[]> {
  const { key, label } = keyOf(group.dimension);
  const timeOnly = group.dimension === 'day' || group.dimension === 'hour';
  const bucket = timeOnly ? key : group.interval === null ? null : bucketOf(group.interval === 'day' ? DAY : HOUR);
  let q = scoped(db, scope);
  if (group.dimension === 'decline_reason') q = q.where('s.status', '=', 'declined');
  if (group.dimension === 'agent') q = q.leftJoin('agents as a', 'a.id', 's.agent_id');
  if (group.dimension === 'policy') q = q.leftJoin('policies as p', 'p.id', 's.policy_id');
  const groupBy = [sql.ref('s.currency'), ...(timeOnly ? [] : [key]), ...(bucket === null ? [] : [bucket])];
  let sel = q
    .select((eb) => [
      ...sumsOf(eb as unknown as Eb),
      (timeOnly ? sql<null>`null` : key).as('key'),
      (label ?? sql<null>`null`).as('label'),
      (bucket ?? sql<null>`null`).as('bucket'),
    ])
    .groupBy(groupBy);
  if (bucket !== null) sel = sel.orderBy(sql.ref('bucket'), 'asc');
  const largest = group.dimension === 'decline_reason' ? ['declined_count', 'declined_cents'] : ['spent_cents', 'request_count'];
  for (const column of largest) sel = sel.orderBy(sql.ref(column), 'desc');
  sel = sel.orderBy(sql.ref('key'), 'asc').orderBy(sql.ref('currency'), 'asc');
  const rows = await sel.limit(limit + 1).execute();
  return rows.map((r) => ({
    ...numbers(r),
    key: r.key === null ? null : String(r.key),
    label: r.label as string | null,
    bucket: r.bucket === null ? null : Number(r.bucket),
  }));
}

/** Spend in a scope summed per currency, whatever the grouping. */
export async function sumSpendByCurrency(db: Executor, scope: SpendScope): Promise<SpendSums[]> {
  const rows = await scoped(db, scope)
    .select((eb) => sumsOf(eb as unknown as Eb))
    .groupBy('s.currency')
    .orderBy('s.currency')
    .execute();
  return rows.map(numbers);
}

/** The sums as numbers (SQLite answers integers; the pg driver parses int8 and numeric, see postgres.ts). */
function numbers(r: Record<keyof SpendSums, unknown>): SpendSums {
  return {
    currency: String(r.currency),
    request_count: Number(r.request_count),
    approved_count: Number(r.approved_count),
    declined_count: Number(r.declined_count),
    pending_count: Number(r.pending_count),
    spent_cents: Number(r.spent_cents),
    held_cents: Number(r.held_cents),
    captured_cents: Number(r.captured_cents),
    declined_cents: Number(r.declined_cents),
  };
}
