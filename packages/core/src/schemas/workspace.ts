import { z } from 'zod';
import { pageQuery, text, timestamp } from './common.js';

export const createWorkspaceBody = z.object({ name: text(200) }).strict();

export const workspaceSchema = z.object({
  id: z.string(),
  object: z.literal('workspace'),
  name: z.string(),
  livemode: z.boolean(),
  created_at: timestamp,
});
export type Workspace = z.infer<typeof workspaceSchema>;

/** A new workspace and what it was provisioned with; the keys are shown once. */
export const createdWorkspaceSchema = workspaceSchema.extend({
  wallet_id: z.string(),
  policy_id: z.string(),
  agent_id: z.string(),
  card_id: z.string(),
  management_key: z.string().optional().describe('Shown once'),
  spending_key: z.string().optional().describe("The default agent's key; shown once"),
});

export const listWorkspacesQuery = pageQuery;

/** The plans of the policy-evaluation reference, and `self_hosted`: no quota at all. */
export const planName = z.enum(['free', 'pro', 'self_hosted']);
export type PlanName = z.infer<typeof planName>;

export const setWorkspacePlanBody = z.object({ plan: planName.describe('free: 100 evaluations a day, 1 policy, 1 management key; pro and self_hosted: unlimited') }).strict();

const quota = z.number().int().nullable().describe('null: unlimited');

/** A workspace's plan, its quotas and what it uses of them now. */
export const workspacePlanSchema = z.object({
  id: z.string().describe('The workspace id (a plan is one per workspace)'),
  object: z.literal('workspace_plan'),
  workspace_id: z.string(),
  plan: planName,
  limits: z.object({ evaluations_per_day: quota, policies: quota, api_keys: quota }),
  usage: z.object({
    evaluations_today: z.number().int().describe('Spend evaluations since 00:00 UTC'),
    policies: z.number().int(),
    api_keys: z.number().int().describe('Live management keys'),
  }),
  updated_at: timestamp.nullable(),
});
export type WorkspacePlan = z.infer<typeof workspacePlanSchema>;

/** The same, in the /api/v1 dialect (the reference's plans table: Evaluations/day, Policies, API Keys). */
export const apiPlanSchema = z.object({
  plan: planName,
  limits: z.object({ evaluationsPerDay: quota, policies: quota, apiKeys: quota }),
  usage: z.object({ evaluationsToday: z.number().int(), policies: z.number().int(), apiKeys: z.number().int() }),
});
