import { z } from 'zod';
import { amountCents, currency, MAX_AMOUNT_CENTS } from '../money.js';
import { createdRangeQuery, metadata, pageQuery, text, timestamp } from './common.js';
import { cancellationReason, violationSchema } from './spend.js';

const agentRef = z.string().min(1).max(64).optional().describe('The agent acting; required with a management key, implied by a spending key');
const count = (max: number) => z.number().int({ error: 'must be an integer' }).min(0, { error: 'must not be negative' }).max(max, { error: `must be at most ${max}` });
/** A price rate: cents per million tokens or per call, fractions allowed (rates are not money amounts). */
const rate = z.number({ error: 'must be a number' }).min(0, { error: 'must not be negative' }).max(MAX_AMOUNT_CENTS, { error: `must be at most ${MAX_AMOUNT_CENTS}` });

export const verdict = z.enum(['allow', 'deny', 'approval_required']);

export const authorizeBody = z
  .object({ amount_cents: amountCents, currency, merchant_name: text(200), category: text(100).optional(), agent_id: agentRef })
  .strict();

export const authorizeSchema = z.object({
  object: z.literal('authorization_decision'),
  decision: verdict,
  reasons: z.array(violationSchema),
  remaining_budget_cents: z.number().nullable(),
  budget_period: z.string().nullable(),
  agent_id: z.string(),
  lease_id: z.string().nullable(),
});

export const estimateBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('payment'), amount_cents: amountCents, currency, merchant_name: text(200), category: text(100).optional(), agent_id: agentRef }).strict(),
  z.object({ kind: z.literal('token'), model: text(200), input_tokens: count(1_000_000_000), output_tokens: count(1_000_000_000).default(0), currency: currency.optional(), agent_id: agentRef }).strict(),
  z.object({ kind: z.literal('tool'), tool: text(200), calls: count(1_000_000).default(1), currency: currency.optional(), agent_id: agentRef }).strict(),
  z.object({ kind: z.literal('delegated'), amount_cents: amountCents, currency, child_agent_id: z.string().min(1).max(64).optional(), agent_id: agentRef }).strict(),
], { error: "kind must be one of 'payment', 'token', 'tool', 'delegated'" });

export const estimateSchema = authorizeSchema.extend({
  object: z.literal('estimate'),
  kind: z.enum(['payment', 'token', 'tool', 'delegated']),
  estimated_cost_cents: z.number(),
  currency: z.string(),
  merchant_name: z.string(),
  breakdown: z.array(z.object({ item: z.string(), quantity: z.number(), unit_price_cents: z.number(), per: z.string(), cost_cents: z.number() })),
});

export const priceKind = z.enum(['model', 'tool']);

export const upsertPriceBody = z
  .object({
    kind: priceKind,
    name: text(200).describe('Model or tool name as clients will send it'),
    currency,
    merchant_name: text(200).optional().describe('Who is paid (the provider); defaults to the name'),
    input_per_million_cents: rate.optional(),
    output_per_million_cents: rate.optional(),
    per_call_cents: rate.optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.kind === 'model' && b.input_per_million_cents === undefined) ctx.addIssue({ code: 'custom', path: ['input_per_million_cents'], message: 'is required for a model' });
    if (b.kind === 'tool' && b.per_call_cents === undefined) ctx.addIssue({ code: 'custom', path: ['per_call_cents'], message: 'is required for a tool' });
  });

export const priceSchema = z.object({
  id: z.string(),
  object: z.literal('price'),
  kind: priceKind,
  name: z.string(),
  currency: z.string(),
  merchant_name: z.string(),
  input_per_million_cents: z.number().nullable(),
  output_per_million_cents: z.number().nullable(),
  per_call_cents: z.number().nullable(),
  updated_at: timestamp,
});

export const reservationStatus = z.enum(['reserved', 'declined', 'needs_approval', 'captured', 'released', 'expired']);

/** The longest a reservation may hold its money: a token it carries may live this long. */
export const RESERVATION_MAX_TTL_SECONDS = 604_800;

export const createReservationBody = z
  .object({
    amount_cents: amountCents,
    currency,
    merchant_name: text(200).optional(),
    reason: text(1000).optional(),
    category: text(100).optional(),
    ttl_seconds: z.number().int({ error: 'must be an integer' }).min(1, { error: 'must be at least 1' }).max(RESERVATION_MAX_TTL_SECONDS, { error: `must be at most ${RESERVATION_MAX_TTL_SECONDS}` }).optional(),
    metadata: metadata.optional(),
    agent_id: agentRef,
  })
  .strict();

export const captureReservationBody = z.object({ amount_cents: amountCents.optional() }).strict();

export const reservationSchema = z.object({
  id: z.string(),
  object: z.literal('reservation'),
  status: reservationStatus,
  reasons: z.array(violationSchema),
  decision_code: z.string(),
  amount_cents: z.number(),
  captured_amount_cents: z.number().nullable(),
  released_amount_cents: z.number().nullable(),
  cancellation_reason: cancellationReason.nullable(),
  currency: z.string(),
  merchant_name: z.string(),
  reason: z.string(),
  agent_id: z.string(),
  lease_id: z.string().nullable(),
  approval_id: z.string().nullable(),
  approval_url: z.string().optional(),
  remaining_budget_cents: z.number().nullable(),
  livemode: z.boolean(),
  created_at: timestamp,
  decided_at: timestamp,
  updated_at: timestamp,
  resolved_at: timestamp.nullable(),
  expires_at: timestamp.nullable(),
});
export type Reservation = z.infer<typeof reservationSchema>;

export const listReservationsQuery = pageQuery.extend(createdRangeQuery.shape).extend({
  status: reservationStatus.optional(),
  agent_id: z.string().max(64).optional(),
});

export const leaseStatus = z.enum(['active', 'released', 'expired', 'revoked']);
export type LeaseStatus = z.infer<typeof leaseStatus>;

export const createLeaseBody = z
  .object({
    child_agent_id: z.string().min(1).max(64),
    amount_cents: amountCents,
    currency,
    expires_at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp' }).optional(),
    parent_agent_id: z.string().min(1).max(64).optional().describe('Required with a management key; a spending key leases from its own agent'),
  })
  .strict();

export const leaseSchema = z.object({
  id: z.string(),
  object: z.literal('budget_lease'),
  parent_agent_id: z.string(),
  child_agent_id: z.string(),
  source_lease_id: z.string().nullable().describe('The lease the parent itself spends from, when leases nest'),
  amount_cents: z.number(),
  spent_cents: z.number(),
  held_cents: z.number(),
  remaining_cents: z.number(),
  currency: z.string(),
  status: leaseStatus,
  expires_at: timestamp.nullable(),
  created_at: timestamp,
  released_at: timestamp.nullable(),
});
export type BudgetLease = z.infer<typeof leaseSchema>;

export const listLeasesQuery = pageQuery.extend({
  status: leaseStatus.optional(),
  agent_id: z.string().max(64).optional().describe('Leases where this agent is the parent or the child'),
});

export const usageSummaryQuery = z.object({
  from: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp' }).optional().describe('Default: 30 days before `to`'),
  to: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp' }).optional().describe('Default: now'),
  agent_id: z.string().max(64).optional(),
});

const usageRow = z.object({ count: z.number(), amount_cents: z.number() });
export const usageSummarySchema = z.object({
  object: z.literal('usage_summary'),
  from: timestamp,
  to: timestamp,
  totals: usageRow,
  by_type: z.array(usageRow.extend({ type: z.string() })),
  by_agent: z.array(usageRow.extend({ agent_id: z.string().nullable() })),
  by_day: z.array(usageRow.extend({ day: z.string() })),
  groups: z.array(usageRow.extend({ type: z.string(), agent_id: z.string().nullable(), day: z.string() })),
});
