import { z } from 'zod';
import { MAX_AMOUNT_CENTS, amountCents, currency } from '../money.js';
import { createdRangeQuery, metadata, pageQuery, text, timestamp } from './common.js';

export const spendStatus = z.enum([
  'approved', 'declined', 'needs_approval', 'completed', 'cancelled', 'failed', 'expired',
]);
export type SpendStatus = z.infer<typeof spendStatus>;

/** The kinds of hold that share the spend_requests table and its lifecycle. */
export const spendKind = z.enum(['spend', 'reservation', 'payment', 'checkout', 'card']);
export type SpendKind = z.infer<typeof spendKind>;

/**
 * Why Bursar itself cancelled an approved hold: its agent was revoked, or the budget lease it
 * was drawn on was revoked with the agent that granted it. Null when the hold ended any other way.
 */
export const cancellationReason = z.enum(['agent_revoked', 'lease_revoked']);
export type CancellationReason = z.infer<typeof cancellationReason>;

export const budgetPeriod = z.enum(['daily', 'weekly', 'monthly', 'total']);
export type BudgetPeriod = z.infer<typeof budgetPeriod>;

/** Machine-readable decision codes, in the order they are checked. */
export const decisionCode = z.enum([
  'approved',
  'agent_paused',
  'agent_revoked',
  'policy_inactive',
  'merchant_blocked',
  'merchant_not_allowed',
  'category_blocked',
  'category_not_allowed',
  'exceeds_single_limit',
  'velocity_limit_minute',
  'velocity_limit_hour',
  'requires_approval',
  'exceeds_daily_budget',
  'exceeds_weekly_budget',
  'exceeds_monthly_budget',
  'exceeds_total_budget',
  'insufficient_funds',
  'declined_by_operator',
]);
export type DecisionCode = z.infer<typeof decisionCode>;

export const createSpendBody = z
  .object({
    amount_cents: amountCents,
    currency,
    merchant_name: text(200),
    reason: text(1000),
    category: text(100).optional(),
    metadata: metadata.optional(),
    callback_url: z
      .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
      .max(2048)
      .optional()
      .describe("Receives this request's events, signed with the workspace's callback secret"),
  })
  .strict();
export type CreateSpendInput = z.infer<typeof createSpendBody>;

export const completeSpendBody = z
  .object({ amount_cents: amountCents.optional() })
  .strict();

export const violationSchema = z.object({
  code: decisionCode,
  message: z.string(),
  period: budgetPeriod.optional().describe('The budget window exceeded (a budget violation)'),
  lease_id: z.string().optional().describe('The budget lease exceeded, when the agent spends from one'),
  limit_cents: z.number().int().optional().describe("The window's or lease's limit"),
  spent_cents: z.number().int().optional().describe('Spent in it before this request'),
  held_cents: z.number().int().optional().describe('Held in it (approved, not yet settled) before this request'),
  exceeds_by_cents: z.number().int().optional().describe('By how much this request would have gone past the limit'),
});
export type Violation = z.infer<typeof violationSchema>;

/** A decision's answer, the same on everything decided like a spend request (checkout intents too). */
export const decisionFields = {
  status: spendStatus,
  decision_reason: z.string(),
  decision_code: decisionCode,
  violations: z.array(violationSchema),
  budget_period: budgetPeriod.nullable(),
  remaining_budget_cents: z.number().nullable(),
  remaining_monthly_budget_cents: z.number().nullable(),
};

export const spendRequestSchema = z.object({
  id: z.string(),
  object: z.literal('spend_request'),
  ...decisionFields,
  amount_cents: z.number(),
  currency: z.string(),
  merchant_name: z.string(),
  category: z.string().nullable(),
  reason: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  agent_id: z.string(),
  policy_id: z.string(),
  approval_id: z.string().nullable(),
  approval_url: z.string().optional(),
  callback_url: z.string().nullable(),
  authorization_token: z
    .string()
    .nullable()
    .describe('Ed25519 JWS (EdDSA) an executor verifies offline against /.well-known/jwks.json before charging; set once approved'),
  captured_amount_cents: z.number().nullable(),
  cancellation_reason: cancellationReason.nullable(),
  livemode: z.boolean(),
  created_at: timestamp,
  decided_at: timestamp,
  updated_at: timestamp,
  expires_at: timestamp.nullable(),
});
export type SpendRequest = z.infer<typeof spendRequestSchema>;

/** An amount bound of a list filter, in minor units. */
const amountFilter = z.coerce
  .number({ error: 'must be an integer number of cents' })
  .int({ error: 'must be an integer number of cents' })
  .min(0, { error: 'must not be negative' })
  .max(MAX_AMOUNT_CENTS, { error: `must be at most ${MAX_AMOUNT_CENTS}` });

export const listSpendQuery = pageQuery.extend(createdRangeQuery.shape).extend({
  status: spendStatus.optional(),
  agent_id: z.string().max(64).optional(),
  merchant_name: z.string().max(200).optional().describe('Matches the normalized merchant name (OpenAI, openai.com and OPENAI INC alike)'),
  merchant: z.string().max(200).optional().describe('The same filter as merchant_name (an older name)'),
  currency: currency.optional().describe('Only requests in this currency'),
  merchant_contains: z.string().min(1).max(200).optional().describe('Merchant names (as the agent wrote them) containing this text, ignoring case'),
  min_amount_cents: amountFilter.optional().describe('Requests of at least this amount'),
  max_amount_cents: amountFilter.optional().describe('Requests of at most this amount'),
}).refine((q) => q.merchant === undefined || q.merchant_name === undefined || q.merchant === q.merchant_name, {
  path: ['merchant'],
  message: 'send one of merchant_name and merchant',
}).refine((q) => q.min_amount_cents === undefined || q.max_amount_cents === undefined || q.min_amount_cents <= q.max_amount_cents, {
  path: ['max_amount_cents'],
  message: 'must not be less than min_amount_cents',
});

export const budgetSchema = z.object({
  period: budgetPeriod,
  limit_cents: z.number(),
  spent_cents: z.number(),
  held_cents: z.number(),
  remaining_cents: z.number(),
  resets_at: timestamp.nullable(),
});

export const balanceSchema = z.object({
  object: z.literal('balance'),
  agent_id: z.string(),
  currency: z.string(),
  wallet: z.object({ id: z.string().nullable(), available_cents: z.number(), held_cents: z.number() }),
  budget_period: budgetPeriod.nullable(),
  remaining_budget_cents: z.number().nullable(),
  remaining_monthly_budget_cents: z.number().nullable(),
  budgets: z.array(budgetSchema),
});
export type Balance = z.infer<typeof balanceSchema>;
