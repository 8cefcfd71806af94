import { z } from 'zod';
import { currency } from '../money.js';
import { isoTime, timestamp } from './common.js';

/** What GET /v1/analytics/spend sums by: a dimension, or time alone (`day`, `hour`). */
export const analyticsGroupBy = z.enum(['agent', 'policy', 'merchant', 'category', 'decline_reason', 'day', 'hour']);
export type AnalyticsGroupBy = z.infer<typeof analyticsGroupBy>;

/** UTC time buckets. */
export const analyticsInterval = z.enum(['day', 'hour']);
export type AnalyticsInterval = z.infer<typeof analyticsInterval>;

/** The longest range one query sums over. */
export const MAX_ANALYTICS_RANGE_DAYS = 366;

const rowLimit = z.coerce
  .number({ error: 'must be an integer between 1 and 1000' })
  .int({ error: 'must be an integer between 1 and 1000' })
  .min(1, { error: 'must be an integer between 1 and 1000' })
  .max(1000, { error: 'must be an integer between 1 and 1000' })
  .default(100);

export const spendAnalyticsQuery = z
  .object({
    from: isoTime.optional().describe('Requests created at or after this time; default 30 days before `to`'),
    to: isoTime.optional().describe('Requests created before this time; default now'),
    group_by: analyticsGroupBy
      .default('agent')
      .describe(
        'agent, policy, merchant (the normalized merchant), category, decline_reason (declined requests only, by decision_code), ' +
          'or day / hour (UTC buckets, oldest first)',
      ),
    interval: analyticsInterval
      .optional()
      .describe('Also split each group into UTC days or hours (rows carry period_start, oldest first): e.g. declines by reason over time'),
    agent_id: z.string().max(64).optional().describe('Only this agent\'s requests'),
    policy_id: z.string().max(64).optional().describe('Only requests decided under this policy'),
    currency: currency.optional().describe('Only this currency'),
    budget: z
      .enum(['policy', 'lease'])
      .optional()
      .describe('Only requests charged to their policy\'s windows (`policy`) or to a budget lease (`lease`)'),
    limit: rowLimit.describe('Rows at most (1–1000); `has_more` says when more groups matched'),
  })
  .refine((q) => q.interval === undefined || (q.group_by !== 'day' && q.group_by !== 'hour'), {
    path: ['interval'],
    message: 'must not be sent when group_by is already a time (day or hour)',
  });
export type SpendAnalyticsQuery = z.infer<typeof spendAnalyticsQuery>;

/** Sums over a set of requests in one currency: never added across currencies. */
const sums = {
  currency: z.string(),
  request_count: z.number().int().describe('Requests of every status'),
  approved_count: z.number().int().describe('Approved requests still holding money or captured (statuses approved and completed)'),
  declined_count: z.number().int(),
  pending_count: z.number().int().describe('Requests waiting for a human (needs_approval)'),
  spent_cents: z.number().int().describe('held_cents + captured_cents: what counts against budgets'),
  held_cents: z.number().int().describe('Approved and not yet settled'),
  captured_cents: z.number().int().describe('Captured by completed requests'),
  declined_cents: z.number().int().describe('Asked for and declined'),
};

export const spendAnalyticsRowSchema = z.object({
  key: z
    .string()
    .nullable()
    .describe('The group: an agent or policy id, a normalized merchant, a category (null: none), a decision code, or the bucket\'s date (day) or start (hour)'),
  label: z.string().describe('For people: the agent\'s or policy\'s name, the merchant as an agent spelled it, the decline reason in words'),
  period_start: timestamp.nullable().describe('Start of the UTC bucket, with `interval` or a time group_by; null otherwise'),
  ...sums,
});
export type SpendAnalyticsRow = z.infer<typeof spendAnalyticsRowSchema>;

export const spendAnalyticsTotalSchema = z.object(sums);
export type SpendAnalyticsTotal = z.infer<typeof spendAnalyticsTotalSchema>;

export const spendAnalyticsSchema = z.object({
  object: z.literal('spend_analytics'),
  from: timestamp,
  to: timestamp,
  group_by: analyticsGroupBy,
  interval: analyticsInterval.nullable(),
  data: z.array(spendAnalyticsRowSchema).describe('One row per group and currency: by spent_cents (declined_count for decline_reason), largest first; by period_start first with a time'),
  has_more: z.boolean(),
  totals: z.array(spendAnalyticsTotalSchema).describe('Every matching request (within the filters, not only the rows shown), one entry per currency'),
});
export type SpendAnalytics = z.infer<typeof spendAnalyticsSchema>;
