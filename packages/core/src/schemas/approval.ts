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

export const approvalSchema = z.object({
  id: z.string(),
  object: z.literal('approval'),
  spend_request_id: z.string(),
  status: approvalStatus,
  amount_cents: z.number(),
  currency: z.string(),
  merchant_name: z.string(),
  agent_id: z.string(),
  agent_name: z.string(),
  reason: z.string(),
  decision_reason: z.string(),
  budget_period: budgetPeriod.nullable(),
  exceeds_budget_by_cents: z.number().describe('By how much approving now would exceed the tightest budget; 0 when it fits'),
  note: z.string().nullable(),
  decided_by: z.string().nullable(),
  override_budget: z.boolean(),
  created_at: timestamp,
  decided_at: timestamp.nullable(),
  expires_at: timestamp,
});
export type Approval = z.infer<typeof approvalSchema>;

export const listApprovalsQuery = pageQuery.extend({ status: approvalStatus.optional() });
