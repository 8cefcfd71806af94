import {
  InvalidRequestError, MAX_ANALYTICS_RANGE_DAYS, type AnalyticsGroupBy, type AnalyticsInterval, type DecisionCode, type SpendAnalytics,
  type SpendAnalyticsRow,
} from '@bursar/core';
import { sumSpendBy, sumSpendByCurrency, type SpendGroupRow, type SpendScope } from '../../store/analytics.js';
import type { ServiceContext } from '../context.js';
import { iso } from '../iso.js';

const DAY = 86_400_000;
const DEFAULT_RANGE_MS = 30 * DAY;

/** A decline's code in words, for the label of a decline_reason row. */
const declineWords: Partial<Record<DecisionCode, string>> = {
  agent_paused: 'Agent paused',
  agent_revoked: 'Agent revoked',
  policy_inactive: 'Policy inactive',
  merchant_blocked: 'Merchant blocked',
  merchant_not_allowed: 'Merchant not allowed',
  category_blocked: 'Category blocked',
  category_not_allowed: 'Category not allowed',
  exceeds_single_limit: 'Over the single-request limit',
  velocity_limit_minute: 'Too many requests this minute',
  velocity_limit_hour: 'Too many requests this hour',
  exceeds_daily_budget: 'Over the daily budget',
  exceeds_weekly_budget: 'Over the weekly budget',
  exceeds_monthly_budget: 'Over the monthly budget',
  exceeds_total_budget: 'Over the lifetime budget',
  insufficient_funds: 'Wallet could not cover it',
  declined_by_operator: 'Declined by an operator',
};

/** What GET /v1/analytics/spend takes, times as ISO strings. */
export interface SpendAnalyticsInput {
  from?: string | undefined;
  to?: string | undefined;
  group_by: AnalyticsGroupBy;
  interval?: AnalyticsInterval | undefined;
  agent_id?: string | undefined;
  policy_id?: string | undefined;
  currency?: string | undefined;
  budget?: 'policy' | 'lease' | undefined;
  limit: number;
}

/** The range [from, to): `to` defaults to now, `from` to 30 days before `to`; at most a year long. */
function rangeOf(input: SpendAnalyticsInput, now: number): { from: number; to: number } {
  const to = input.to === undefined ? now : Date.parse(input.to);
  const from = input.from === undefined ? to - DEFAULT_RANGE_MS : Date.parse(input.from);
  if (from >= to) throw new InvalidRequestError('from must be before to', 'from');
  if (to - from > MAX_ANALYTICS_RANGE_DAYS * DAY) throw new InvalidRequestError(`from must be at most ${MAX_ANALYTICS_RANGE_DAYS} days before to`, 'from');
  return { from, to };
}

function labelOf(groupBy: AnalyticsGroupBy, row: SpendGroupRow): string {
  switch (groupBy) {
    case 'agent':
    case 'policy':
    case 'merchant':
      // An agent or policy deleted since keeps its id as its name.
      return row.label ?? row.key ?? '';
    case 'category':
      return row.key ?? 'No category';
    case 'decline_reason':
      return declineWords[row.key as DecisionCode] ?? row.key ?? '';
    case 'day':
      return iso(row.bucket!).slice(0, 10);
    case 'hour':
      return `${iso(row.bucket!).slice(0, 13)}:00Z`;
  }
}

function present(groupBy: AnalyticsGroupBy, row: SpendGroupRow): SpendAnalyticsRow {
  const { key, label: _label, bucket, ...sums } = row;
  const timeKey = groupBy === 'day' || groupBy === 'hour' ? labelOf(groupBy, row) : key;
  return { key: timeKey, label: labelOf(groupBy, row), period_start: bucket === null ? null : iso(bucket), ...sums };
}

/**
 * Spend over a range, summed by the database per group and currency (never across
 * currencies), with the totals per currency of everything the filters match.
 */
export async function getSpendAnalytics({ ctx, input }: { ctx: ServiceContext; input: SpendAnalyticsInput }): Promise<SpendAnalytics> {
  const { from, to } = rangeOf(input, ctx.now);
  const scope: SpendScope = {
    workspaceId: ctx.workspace.id, from, to, agentId: input.agent_id, policyId: input.policy_id, currency: input.currency, budget: input.budget,
  };
  const interval = input.interval ?? null;
  const rows = await sumSpendBy(ctx.tx, scope, { dimension: input.group_by, interval }, input.limit);
  const totals = await sumSpendByCurrency(ctx.tx, scope);
  return {
    object: 'spend_analytics',
    from: iso(from),
    to: iso(to),
    group_by: input.group_by,
    interval,
    data: rows.slice(0, input.limit).map((r) => present(input.group_by, r)),
    has_more: rows.length > input.limit,
    totals,
  };
}
