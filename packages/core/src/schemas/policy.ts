import { z } from 'zod';
import { currency, limitCents } from '../money.js';
import { text, timestamp } from './common.js';

const nullableLimit = limitCents.nullable().optional();
const rate = z.number().int({ error: 'must be an integer' }).min(0).max(1_000_000).nullable().optional();
const nameList = z.array(text(200)).max(500, { error: 'at most 500 entries' }).optional();

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
  is_active: z.boolean(),
  livemode: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type Policy = z.infer<typeof policySchema>;
