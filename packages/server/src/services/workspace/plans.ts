import { BursarError, NotFoundError, type PlanName, type WorkspacePlan } from '@bursar/core';
import { countEvaluation, countManagementKeys, countPolicies, evaluationsOn, getPlan, lockPlan, upsertPlan } from '../../store/policy-api.js';
import type { PlanRow } from '../../store/policy-api.js';
import { getWorkspace } from '../../store/workspaces.js';
import type { ServiceContext } from '../context.js';
import { audit, emitEvent } from '../events/outbox.js';
import { iso } from '../iso.js';
import { isRoot, requireRoot } from './root.js';

/** A plan's quotas; null is unlimited. */
export interface PlanLimits {
  evaluationsPerDay: number | null;
  maxPolicies: number | null;
  maxApiKeys: number | null;
}

/** The named plans of the policy-evaluation reference. A workspace with no plan row is self-hosted: unlimited. */
export const plans: Record<PlanName, PlanLimits> = {
  free: { evaluationsPerDay: 100, maxPolicies: 1, maxApiKeys: 1 },
  pro: { evaluationsPerDay: null, maxPolicies: null, maxApiKeys: null },
  self_hosted: { evaluationsPerDay: null, maxPolicies: null, maxApiKeys: null },
};

/** A plan row's name as presented; rows written before `self_hosted` had a name say `unlimited`. */
const nameOf = (row: PlanRow | undefined): PlanName => (row && row.plan in plans ? (row.plan as PlanName) : 'self_hosted');

/** A workspace's plan with its quotas and what it uses of them now. */
export async function workspacePlan(ctx: ServiceContext, workspaceId: string): Promise<WorkspacePlan> {
  const row = await getPlan(ctx.tx, workspaceId);
  const day = new Date(ctx.now).toISOString().slice(0, 10);
  const [evaluations, policies, keys] = await Promise.all([
    evaluationsOn(ctx.tx, workspaceId, day), countPolicies(ctx.tx, workspaceId), countManagementKeys(ctx.tx, workspaceId),
  ]);
  return {
    id: workspaceId,
    object: 'workspace_plan',
    workspace_id: workspaceId,
    plan: nameOf(row),
    limits: { evaluations_per_day: row?.evaluations_per_day ?? null, policies: row?.max_policies ?? null, api_keys: row?.max_api_keys ?? null },
    usage: { evaluations_today: evaluations, policies, api_keys: keys },
    updated_at: row ? iso(row.updated_at) : null,
  };
}

/**
 * The plan of workspace `id`: the instance's root key sees any workspace's, a management key its
 * own; another workspace is not found for it, as any object of another tenant is.
 */
export async function getWorkspacePlan({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<WorkspacePlan> {
  const mayRead = input.id === ctx.workspace.id || (await isRoot(ctx));
  if (!mayRead || !(await getWorkspace(ctx.tx, input.id))) throw new NotFoundError('workspace', input.id);
  return workspacePlan(ctx, input.id);
}

/**
 * Puts workspace `id` on a named plan (the instance's root key only): audited in the root's
 * workspace, and `workspace.plan_updated` in the workspace whose plan changed. Quotas apply from
 * the next request; what exists already past a new quota stays (nothing is deleted).
 */
export async function setWorkspacePlan({ ctx, input }: { ctx: ServiceContext; input: { id: string; plan: PlanName } }): Promise<WorkspacePlan> {
  await requireRoot(ctx);
  const workspace = await getWorkspace(ctx.tx, input.id);
  if (!workspace) throw new NotFoundError('workspace', input.id);
  const before = nameOf(await lockPlan(ctx.tx, input.id));
  const limits = plans[input.plan];
  await upsertPlan(ctx.tx, {
    workspace_id: input.id,
    plan: input.plan,
    evaluations_per_day: limits.evaluationsPerDay,
    max_policies: limits.maxPolicies,
    max_api_keys: limits.maxApiKeys,
    updated_at: ctx.now,
  });
  const plan = await workspacePlan(ctx, input.id);
  await audit(ctx, 'workspace.plan_updated', 'workspace', input.id, { plan: before }, { plan: input.plan });
  const team: ServiceContext = { ...ctx, workspace: { id: workspace.id, livemode: workspace.livemode === 1 }, actor: { type: 'system' } };
  await emitEvent(team, 'workspace.plan_updated', plan);
  return plan;
}

function exceeded(what: string, limit: number, plan: string): BursarError {
  return new BursarError('plan_spend_volume_exceeded', `Plan limit reached: the ${plan} plan allows ${limit} ${what}; upgrade the workspace's plan`, {
    limit,
    plan,
  });
}

/** The workspace's plan (none: self-hosted, unlimited). It takes no lock, so a decision reads it before its policy's. */
export async function planOf(ctx: ServiceContext): Promise<PlanRow | undefined> {
  return getPlan(ctx.tx, ctx.workspace.id);
}

/**
 * Counts one evaluation against the workspace's daily quota (UTC days) in the deciding
 * transaction, so a refused evaluation leaves no trace and concurrent ones cannot overshoot.
 * Call after the policy's lock (the lock order: policy, plan usage, leases, wallet).
 */
export async function chargeEvaluation(ctx: ServiceContext, plan: PlanRow | undefined): Promise<void> {
  // No lock on the plan row: the day's counter row serializes the limited workspaces only.
  if (!plan || plan.evaluations_per_day === null) return;
  const day = new Date(ctx.now).toISOString().slice(0, 10);
  const n = await countEvaluation(ctx.tx, ctx.workspace.id, day);
  if (n > plan.evaluations_per_day) throw exceeded('spend evaluations per day', plan.evaluations_per_day, plan.plan);
}

/** Refuses to create one more policy or management key past the plan's quota. */
export async function assertPlanAllows(ctx: ServiceContext, what: 'policies' | 'api_keys'): Promise<void> {
  const plan = await lockPlan(ctx.tx, ctx.workspace.id);
  if (!plan) return;
  if (what === 'policies' && plan.max_policies !== null && (await countPolicies(ctx.tx, ctx.workspace.id)) >= plan.max_policies) {
    throw exceeded(plan.max_policies === 1 ? 'policy' : 'policies', plan.max_policies, plan.plan);
  }
  if (what === 'api_keys' && plan.max_api_keys !== null && (await countManagementKeys(ctx.tx, ctx.workspace.id)) >= plan.max_api_keys) {
    throw exceeded(plan.max_api_keys === 1 ? 'API key' : 'API keys', plan.max_api_keys, plan.plan);
  }
}
