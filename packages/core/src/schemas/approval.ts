import { z } from 'zod';
import { pageQuery, timestamp } from './common.js';
import { budgetPeriod } from './spend.js';

export const approvalStatus = z.enum(['pending', 'approved', 'declined', 'expired']);
export type ApprovalStatus = z.infer<typeof approvalStatus>;

export const approveBody = z
  .object({
    note: z.string().max(1000).optional(),
    override_budget: z.boolean().optional(),
  })
  .strict();
export const declineBody = z.object({ note: z.string().max(1000).optional() }).strict();

/** Why a merchant name as received may not read as what it is (see nameFlags). */
export const merchantNameFlag = z.enum(['hidden_characters', 'mixed_scripts', 'lookalike_characters']);
export type MerchantNameFlag = z.infer<typeof merchantNameFlag>;

/** One operator's approval of a request (a policy may ask for several). */
export const approvalVoteSchema = z.object({
  by: z.string().describe('The management key that approved (a dashboard session counts as the key it was opened with)'),
  at: timestamp,
  note: z.string().nullable(),
});
export type ApprovalVote = z.infer<typeof approvalVoteSchema>;

/** The tightest budget a request is judged against: now while pending, as it was at the decision once decided. */
export const approvalBudgetSchema = z.object({
  period: budgetPeriod,
  lease_id: z.string().nullable().describe('Set when the request spends from a budget lease rather than its policy'),
  limit_cents: z.number(),
  spent_cents: z.number(),
  held_cents: z.number().describe('Other approved requests still held, this one not included'),
  exceeds_by_cents: z.number().describe('By how much this request exceeds it; 0 when it fits'),
});
export type ApprovalBudget = z.infer<typeof approvalBudgetSchema>;

export const approvalSchema = z.object({
  id: z.string(),
  object: z.literal('approval'),
  spend_request_id: z.string(),
  status: approvalStatus,
  amount_cents: z.number(),
  currency: z.string(),
  merchant_name: z.string().describe('As received'),
  merchant_name_flags: z
    .array(merchantNameFlag)
    .optional()
    .describe(
      'Present when merchant_name holds characters that hide what it reads as: hidden (zero-width, soft hyphen, bidi controls), ' +
        'letters of mixed scripts (Cyrillic in a Latin name), or letters that all read as ASCII ones. Policy lists match such a name on what it reads as.',
    ),
  agent_id: z.string(),
  agent_name: z.string(),
  reason: z.string(),
  decision_reason: z.string(),
  budget_period: budgetPeriod.nullable(),
  exceeds_budget_by_cents: z
    .number()
    .describe('By how much approving now would exceed the tightest budget; 0 when it fits. Once decided: the figure the server computed at the decision'),
  budget: approvalBudgetSchema
    .nullable()
    .describe('The tightest budget: now while pending, as it was when the request was decided once decided (null with no limited budget, or decided before figures were recorded)'),
  note: z.string().nullable(),
  decided_by: z.string().nullable(),
  override_budget: z.boolean(),
  approvals: z
    .array(approvalVoteSchema)
    .describe('Who approved so far, oldest first; the request is approved when there are approvals_required of them from distinct operators'),
  approvals_required: z
    .number()
    .int()
    .describe("How many distinct operators must approve: the stricter of the policy's approvals_required when the request was asked and now"),
  created_at: timestamp,
  decided_at: timestamp.nullable(),
  expires_at: timestamp,
});
export type Approval = z.infer<typeof approvalSchema>;

export const listApprovalsQuery = pageQuery.extend({ status: approvalStatus.optional() });
