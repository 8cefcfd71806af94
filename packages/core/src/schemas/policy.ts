import { z } from 'zod';
import { currency, limitCents } from '../money.js';
import { pageQuery, text, timestamp } from './common.js';
import { budgetPeriod } from './spend.js';

const nullableLimit = limitCents.nullable().optional();
const rate = z.number().int({ error: 'must be an integer' }).min(0).max(1_000_000).nullable().optional();
const nameList = z.array(text(200)).max(500, { error: 'at most 500 entries' }).optional();

/** The most thresholds a policy alerts at. */
export const MAX_ALERT_THRESHOLDS = 5;
/** The thresholds a policy alerts at unless told otherwise. */
export const DEFAULT_ALERT_THRESHOLDS_PERCENT: readonly number[] = [80, 100];

/**
 * Percents of each limited budget window at which a `budget.threshold_crossed` event is sent,
 * once per window; `[]` sends none. Shared by both dialects (`alertThresholdsPercent` on /api/v1).
 */
export const alertThresholdsPercent = z
  .array(
    z
      .number({ error: 'must be a whole percent from 1 to 100' })
      .int({ error: 'must be a whole percent from 1 to 100' })
      .min(1, { error: 'must be a whole percent from 1 to 100' })
      .max(100, { error: 'must be a whole percent from 1 to 100' }),
    { error: 'must be an array of whole percents from 1 to 100' },
  )
  .max(MAX_ALERT_THRESHOLDS, { error: `at most ${MAX_ALERT_THRESHOLDS} thresholds` })
  .refine((list) => new Set(list).size === list.length, { error: 'must not repeat a threshold' })
  .describe(`Percents (1–100, at most ${MAX_ALERT_THRESHOLDS}) of each limited budget window at which budget.threshold_crossed is sent, once per window; [] sends none. Default [80, 100]`);

/** The most distinct operators a policy can ask to approve one request. */
export const MAX_APPROVALS_REQUIRED = 5;

/** How many distinct operators must approve a request that needs approval. Shared by both dialects (`approvalsRequired` on /api/v1). */
export const approvalsRequired = z
  .number({ error: `must be a whole number from 1 to ${MAX_APPROVALS_REQUIRED}` })
  .int({ error: `must be a whole number from 1 to ${MAX_APPROVALS_REQUIRED}` })
  .min(1, { error: `must be a whole number from 1 to ${MAX_APPROVALS_REQUIRED}` })
  .max(MAX_APPROVALS_REQUIRED, { error: `must be a whole number from 1 to ${MAX_APPROVALS_REQUIRED}` })
  .describe(`How many distinct operators (1–${MAX_APPROVALS_REQUIRED}) must approve a request that needs approval; any one decline declines it. Default 1`);

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Writable policy fields; every one optional so PUT can change any subset. */
export const policyFields = z.object({
  name: text(200).optional(),
  currency: currency.optional(),
  timezone: z.string().refine(isTimeZone, { error: 'must be an IANA time zone such as UTC or Europe/Paris' }).optional(),
  max_single_amount_cents: nullableLimit,
  daily_limit_cents: nullableLimit,
  weekly_limit_cents: nullableLimit,
  monthly_limit_cents: nullableLimit,
  total_limit_cents: nullableLimit,
  require_approval_over_cents: nullableLimit,
  max_transactions_per_minute: rate,
  max_transactions_per_hour: rate,
  allowed_merchants: nameList,
  blocked_merchants: nameList,
  allowed_categories: nameList,
  blocked_categories: nameList,
  alert_thresholds_percent: alertThresholdsPercent.optional(),
  approvals_required: approvalsRequired.optional(),
  is_active: z.boolean().optional(),
});

export const createPolicyBody = policyFields.strict();
export const updatePolicyBody = policyFields.strict();
export type PolicyFields = z.infer<typeof policyFields>;

export const policySchema = z.object({
  id: z.string(),
  object: z.literal('policy'),
  name: z.string(),
  currency: z.string(),
  timezone: z.string(),
  max_single_amount_cents: z.number().nullable(),
  daily_limit_cents: z.number().nullable(),
  weekly_limit_cents: z.number().nullable(),
  monthly_limit_cents: z.number().nullable(),
  total_limit_cents: z.number().nullable(),
  require_approval_over_cents: z.number().nullable(),
  max_transactions_per_minute: z.number().nullable(),
  max_transactions_per_hour: z.number().nullable(),
  allowed_merchants: z.array(z.string()),
  blocked_merchants: z.array(z.string()),
  allowed_categories: z.array(z.string()),
  blocked_categories: z.array(z.string()),
  alert_thresholds_percent: z.array(z.number()).describe('Ascending percents of each limited window at which budget.threshold_crossed is sent'),
  approvals_required: z.number().int().describe('How many distinct operators must approve a request that needs approval'),
  is_active: z.boolean(),
  livemode: z.boolean(),
  version: z.number().int().describe('1 at creation, +1 per change; every version is listed at /v1/policies/:id/versions'),
  created_at: timestamp,
  updated_at: timestamp,
});
export type Policy = z.infer<typeof policySchema>;

/** One version of a policy, as it was when that version was made. */
export const policyVersionSchema = z.object({
  object: z.literal('policy_version'),
  version: z.number().int(),
  policy: policySchema,
  created_at: timestamp,
  changed_by: z.string().nullable().describe('The id of the key that made this version; null when Bursar made it'),
});
export type PolicyVersion = z.infer<typeof policyVersionSchema>;

/** `limit` and `cursor` of the versions list: the cursor is a version number (the previous page's next_cursor). */
export const policyVersionsQuery = pageQuery.extend({
  cursor: z.string().regex(/^[1-9][0-9]{0,8}$/, { error: 'must be the next_cursor of an earlier page' }).optional()
    .describe('next_cursor of the previous page'),
});

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp' });

/** A backtest: the draft (the fields of PUT /v1/policies/:id) over the recorded decisions made from `from` to `to`. */
export const simulatePolicyBody = z
  .object({
    draft: updatePolicyBody.describe('The changes to try, as PUT /v1/policies/:id takes them, applied over the current policy'),
    from: isoTime.optional().describe('Replay decisions made at or after this time; default 30 days before `to`'),
    to: isoTime.optional().describe('Replay decisions made before this time; default now'),
  })
  .strict();
export type SimulatePolicyInput = z.infer<typeof simulatePolicyBody>;

/** What a draft would have decided over recorded history, compared with what was decided. */
export const policySimulationSchema = z.object({
  object: z.literal('policy_simulation'),
  from: timestamp,
  to: timestamp,
  evaluated: z.number().int().describe('Recorded decisions replayed'),
  unchanged: z.number().int().describe('Of those, the ones the draft decides the same way'),
  changes: z.record(z.string(), z.number().int()).describe('Counts by `<was>_to_<would_be>` (approved, declined, needs_approval), for every change that occurred'),
  by_decision_code: z.record(z.string(), z.number().int()).describe('The draft\'s decision codes over every replayed decision'),
  examples: z
    .array(z.object({ spend_request_id: z.string(), was: z.string(), would_be: z.string(), decision_code: z.string() }))
    .describe('Up to 20 changed decisions, oldest first'),
});
export type PolicySimulation = z.infer<typeof policySimulationSchema>;

/** The object of a `budget.threshold_crossed` event: a policy's window reached a threshold of its limit. */
export const budgetAlertSchema = z.object({
  object: z.literal('budget_alert'),
  policy_id: z.string(),
  period: budgetPeriod,
  window_start: timestamp.nullable().describe('When the window began, in the policy\'s time zone; null for the total window'),
  threshold_percent: z.number(),
  limit_cents: z.number(),
  spent_cents: z.number().describe('Spent in the window, as of the change that crossed the threshold'),
  held_cents: z.number().describe('Held in the window, as of the change that crossed the threshold'),
  currency: z.string(),
});
export type BudgetAlert = z.infer<typeof budgetAlertSchema>;
