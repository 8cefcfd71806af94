import { DEFAULT_ALERT_THRESHOLDS_PERCENT, InvalidRequestError, NotFoundError, newId, type Policy, type PolicyFields, type PolicyVersion } from '@bursar/core';
import { getPolicy as getPolicyRow, insertPolicy, listPolicies as listPolicyRows, lockPolicy, updatePolicy as updatePolicyRow } from '../../store/policies.js';
import { insertPolicyVersions, listPolicyVersions as listVersionRows, type PolicyVersionRow } from '../../store/policy-versions.js';
import type { PolicyRow } from '../../store/rows.js';
import { actorId, type ServiceContext } from '../context.js';
import { audit, emitEvent } from '../events/outbox.js';
import { assertPlanAllows } from '../workspace/plans.js';
import { iso } from '../iso.js';
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

/** Applies `input` over a policy's row: what PUT stores, and what a simulation's draft decides with. */
export function applyFields(row: PolicyRow, input: PolicyFields): PolicyRow {
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
  if (input.approvals_required !== undefined) next.approvals_required = input.approvals_required;
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
    approvals_required: 1,
    is_active: 1,
    livemode: ctx.workspace.livemode ? 1 : 0,
    version: 1,
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  const row = applyFields(base, input);
  await insertPolicy(ctx.tx, row);
  const policy = presentPolicy(row);
  await insertPolicyVersions(ctx.tx, [versionRow(row, policy, actorId(ctx.actor))]);
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
  // Locked: two changes at once must not both become the same next version.
  const row = await lockPolicy(ctx.tx, ctx.workspace.id, input.id);
  if (!row) throw new NotFoundError('policy', input.id);
  assertCurrencyKept(row, input.fields);
  const next = applyFields(row, input.fields);
  next.updated_at = ctx.now;
  // A PUT that sets every field to what it was is no change: no new version.
  const changed = JSON.stringify({ ...next, updated_at: 0 }) !== JSON.stringify({ ...row, updated_at: 0 });
  if (changed) next.version = row.version + 1;
  await updatePolicyRow(ctx.tx, next);
  const before = presentPolicy(row);
  const after = presentPolicy(next);
  // The version replaced is recorded already unless the policy predates versions (see insertPolicyVersions).
  if (changed) await insertPolicyVersions(ctx.tx, [versionRow(row, before, null), versionRow(next, after, actorId(ctx.actor))]);
  await emitEvent(ctx, 'policy.updated', after);
  await audit(ctx, 'policy.updated', 'policy', row.id, before, after);
  return after;
}

/** A policy's currency is fixed at creation (a PUT or a simulation's draft may repeat it, not change it). */
export function assertCurrencyKept(row: PolicyRow, fields: PolicyFields, field = 'currency'): void {
  if (fields.currency !== undefined && fields.currency !== row.currency) {
    throw new InvalidRequestError('A policy\'s currency cannot change; create a new policy instead', field);
  }
}

function versionRow(row: PolicyRow, policy: Policy, changedBy: string | null): PolicyVersionRow {
  return { policy_id: row.id, version: row.version, workspace_id: row.workspace_id, policy: JSON.stringify(policy), changed_by: changedBy, created_at: row.updated_at };
}

function presentVersion(v: PolicyVersionRow): PolicyVersion {
  return {
    object: 'policy_version',
    version: v.version,
    policy: JSON.parse(v.policy) as Policy,
    created_at: iso(v.created_at),
    changed_by: v.changed_by,
  };
}

/**
 * A policy's versions, newest first, the current one included. A policy made before versions
 * were kept and never changed since has no recorded version: its current one is listed, by no one.
 */
export async function listPolicyVersions({ ctx, input }: { ctx: ServiceContext; input: { id: string; limit: number; cursor?: string | undefined } }) {
  const row = await getPolicyRow(ctx.tx, ctx.workspace.id, input.id);
  if (!row) throw new NotFoundError('policy', input.id);
  const before = input.cursor === undefined ? undefined : Number(input.cursor);
  let rows = await listVersionRows(ctx.tx, row.id, input.limit, before);
  if (before === undefined && rows[0]?.version !== row.version) rows = [versionRow(row, presentPolicy(row), null), ...rows];
  const has_more = rows.length > input.limit;
  const data = rows.slice(0, input.limit);
  return { data: data.map(presentVersion), has_more, next_cursor: has_more ? String(data[data.length - 1]!.version) : null };
}
