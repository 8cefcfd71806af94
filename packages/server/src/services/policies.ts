import { DEFAULT_ALERT_THRESHOLDS_PERCENT, InvalidRequestError, NotFoundError, newId, type PolicyFields } from '@bursar/core';
import { getPolicy as getPolicyRow, insertPolicy, listPolicies as listPolicyRows, updatePolicy as updatePolicyRow } from '../store/policies.js';
import type { PolicyRow } from '../store/rows.js';
import type { ServiceContext } from './context.js';
import { audit, emitEvent } from './outbox.js';
import { assertPlanAllows } from './plans.js';
import { presentPolicy } from './present.js';

type Limits = Pick<
  PolicyRow,
  | 'max_single_amount_cents' | 'daily_limit_cents' | 'weekly_limit_cents' | 'monthly_limit_cents'
  | 'total_limit_cents' | 'require_approval_over_cents' | 'max_transactions_per_minute' | 'max_transactions_per_hour'
>;
const limitFields: Array<keyof Limits> = [
  'max_single_amount_cents', 'daily_limit_cents', 'weekly_limit_cents', 'monthly_limit_cents',
  'total_limit_cents', 'require_approval_over_cents', 'max_transactions_per_minute', 'max_transactions_per_hour',
];
const listFields = ['allowed_merchants', 'blocked_merchants', 'allowed_categories', 'blocked_categories'] as const;

/** Lists are stored de-duplicated, in the operator's own spelling; matching normalizes them. */
function uniq(list: readonly string[]): string {
  return JSON.stringify([...new Set(list.map((s) => s.trim()))]);
}

/** Thresholds are stored ascending, so an event's order and the policy's agree. */
function thresholdsText(list: readonly number[]): string {
  return JSON.stringify([...list].sort((a, b) => a - b));
}

function applyFields(row: PolicyRow, input: PolicyFields): PolicyRow {
  const next: PolicyRow = { ...row };
  if (input.name !== undefined) next.name = input.name;
  if (input.currency !== undefined) next.currency = input.currency;
  if (input.timezone !== undefined) next.timezone = input.timezone;
  for (const f of limitFields) {
    const v = input[f];
    if (v !== undefined) next[f] = v;
  }
  for (const f of listFields) {
    const v = input[f];
    if (v !== undefined) next[f] = uniq(v);
  }
  if (input.alert_thresholds_percent !== undefined) next.alert_thresholds_percent = thresholdsText(input.alert_thresholds_percent);
  if (input.is_active !== undefined) next.is_active = input.is_active ? 1 : 0;
  return next;
}

export async function createPolicy({ ctx, input }: { ctx: ServiceContext; input: PolicyFields }) {
  await assertPlanAllows(ctx, 'policies');
  const empty = JSON.stringify([]);
  const base: PolicyRow = {
    id: newId('pol', ctx.now),
    workspace_id: ctx.workspace.id,
    name: 'Policy',
    currency: 'usd',
    timezone: 'UTC',
    max_single_amount_cents: null,
    daily_limit_cents: null,
    weekly_limit_cents: null,
    monthly_limit_cents: null,
    total_limit_cents: null,
    require_approval_over_cents: null,
    max_transactions_per_minute: null,
    max_transactions_per_hour: null,
    allowed_merchants: empty,
    blocked_merchants: empty,
    allowed_categories: empty,
    blocked_categories: empty,
    alert_thresholds_percent: thresholdsText(DEFAULT_ALERT_THRESHOLDS_PERCENT),
    is_active: 1,
    livemode: ctx.workspace.livemode ? 1 : 0,
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  const row = applyFields(base, input);
  await insertPolicy(ctx.tx, row);
  const policy = presentPolicy(row);
  await emitEvent(ctx, 'policy.created', policy);
  await audit(ctx, 'policy.created', 'policy', row.id, null, policy);
  return policy;
}

export async function getPolicy({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const row = await getPolicyRow(ctx.tx, ctx.workspace.id, input.id);
  if (!row) throw new NotFoundError('policy', input.id);
  return presentPolicy(row);
}

export async function listPolicies({ ctx, input }: { ctx: ServiceContext; input: { limit: number; cursor?: string | undefined } }) {
  const page = await listPolicyRows(ctx.tx, ctx.workspace.id, input.limit, input.cursor);
  return { ...page, data: page.data.map(presentPolicy) };
}

/** Changes the given fields; fields left out keep their value, `null` clears a limit. */
export async function updatePolicy({ ctx, input }: { ctx: ServiceContext; input: { id: string; fields: PolicyFields } }) {
  const row = await getPolicyRow(ctx.tx, ctx.workspace.id, input.id);
  if (!row) throw new NotFoundError('policy', input.id);
  if (input.fields.currency !== undefined && input.fields.currency !== row.currency) {
    throw new InvalidRequestError('A policy\'s currency cannot change; create a new policy instead', 'currency');
  }
  const next = applyFields(row, input.fields);
  next.updated_at = ctx.now;
  await updatePolicyRow(ctx.tx, next);
  const before = presentPolicy(row);
  const after = presentPolicy(next);
  await emitEvent(ctx, 'policy.updated', after);
  await audit(ctx, 'policy.updated', 'policy', row.id, before, after);
  return after;
}
