import { BursarError, InvalidRequestError } from '@bursar/core';
import { countEvaluation, countManagementKeys, countPolicies, getPlan, lockPlan, upsertPlan } from '../store/policy-api.js';
import type { PlanRow } from '../store/policy-api.js';
import type { ServiceContext } from './context.js';

/** A plan's quotas; null is unlimited. */
export interface PlanLimits {
  evaluationsPerDay: number | null;
  maxPolicies: number | null;
  maxApiKeys: number | null;
}

/** The named plans of the policy-evaluation reference. A workspace with no plan row is self-hosted: unlimited. */
export const plans: Record<'free' | 'pro' | 'unlimited', PlanLimits> = {
  free: { evaluationsPerDay: 100, maxPolicies: 1, maxApiKeys: 1 },
  pro: { evaluationsPerDay: null, maxPolicies: null, maxApiKeys: null },
  unlimited: { evaluationsPerDay: null, maxPolicies: null, maxApiKeys: null },
};
export type PlanName = keyof typeof plans;

/** Puts a workspace on a named plan; `overrides` change single quotas of it (per-workspace configuration). */
export async function setWorkspacePlan({ ctx, input }: { ctx: ServiceContext; input: { plan: string; overrides?: Partial<PlanLimits> } }) {
  if (!(input.plan in plans)) throw new InvalidRequestError(`plan must be one of ${Object.keys(plans).join(', ')}`, 'plan');
  const limits = { ...plans[input.plan as PlanName], ...input.overrides };
  await upsertPlan(ctx.tx, {
    workspace_id: ctx.workspace.id,
    plan: input.plan,
    evaluations_per_day: limits.evaluationsPerDay,
    max_policies: limits.maxPolicies,
    max_api_keys: limits.maxApiKeys,
    updated_at: ctx.now,
  });
  return { plan: input.plan, ...limits };
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
