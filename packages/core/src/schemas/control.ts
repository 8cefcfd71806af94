import { z } from 'zod';
import { amountCents, currency, limitCents } from '../money.js';
import { createdRangeQuery, metadata, pageQuery, text, timestamp } from './common.js';

/** The audience an execution token must name to be accepted by `POST /v1/payments`. */
export const PAYMENTS_AUDIENCE = 'bursar:payments';
/** The action an execution token must name to execute a payment. */
export const PAYMENT_ACTION = 'payment.create';

const nameList = z.array(text(200)).max(500, { error: 'at most 500 entries' });
const futureIso = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp' });

export const mandateStatus = z.enum(['active', 'revoked', 'expired']);
export type MandateStatus = z.infer<typeof mandateStatus>;

export const createMandateBody = z
  .object({
    agent_id: z.string().min(1).max(64),
    description: text(1000),
    currency,
    max_amount_cents: limitCents.nullable().optional().describe('Cap per payment; null for none'),
    total_limit_cents: limitCents.nullable().optional().describe('Cap on everything paid under the mandate; null for none'),
    allowed_merchants: nameList.optional().describe('Empty: any merchant'),
    allowed_categories: nameList.optional().describe('Empty: any category'),
    expires_at: futureIso.nullable().optional(),
  })
  .strict();

export const updateMandateBody = z
  .object({
    description: text(1000).optional(),
    max_amount_cents: limitCents.nullable().optional(),
    total_limit_cents: limitCents.nullable().optional(),
    allowed_merchants: nameList.optional(),
    allowed_categories: nameList.optional(),
    expires_at: futureIso.nullable().optional(),
    status: z.enum(['active', 'revoked'], { error: "must be 'active' or 'revoked'" }).optional(),
  })
  .strict();

export const mandateSchema = z.object({
  id: z.string(),
  object: z.literal('mandate'),
  agent_id: z.string(),
  description: z.string(),
  currency: z.string(),
  max_amount_cents: z.number().nullable(),
  total_limit_cents: z.number().nullable(),
  spent_cents: z.number(),
  remaining_cents: z.number().nullable(),
  allowed_merchants: z.array(z.string()),
  allowed_categories: z.array(z.string()),
  expires_at: timestamp.nullable(),
  status: mandateStatus,
  livemode: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type Mandate = z.infer<typeof mandateSchema>;

export const createExecutionTokenBody = z
  .object({
    mandate_id: z.string().min(1).max(64),
    action: z.string().regex(/^[a-z][a-z0-9_.:-]{0,63}$/, { error: `must be an action name such as '${PAYMENT_ACTION}'` }),
    audience: text(200).describe(`Who may accept the token; POST /v1/payments accepts '${PAYMENTS_AUDIENCE}'`),
    ttl_seconds: z.number().int({ error: 'must be an integer' }).min(1, { error: 'must be at least 1' }).max(900, { error: 'must be at most 900' }).default(300),
  })
  .strict();

export const executionTokenSchema = z.object({
  object: z.literal('execution_token'),
  token: z.string().describe('Ed25519 JWS; claims sub (agent), mandate, act, aud, exp, jti'),
  jti: z.string(),
  agent_id: z.string(),
  mandate_id: z.string(),
  action: z.string(),
  audience: z.string(),
  expires_at: timestamp,
});

export const paymentStatus = z.enum(['succeeded', 'failed', 'declined', 'requires_approval', 'processing']);
export type PaymentStatus = z.infer<typeof paymentStatus>;

export const createPaymentBody = z
  .object({
    amount_cents: amountCents,
    currency,
    merchant_name: text(200),
    category: text(100).optional(),
    description: text(1000).optional(),
    metadata: metadata.optional(),
    simulate: z
      .enum(['success', 'fail', 'pending', 'pending_then_success', 'pending_then_fail'])
      .optional()
      .describe('Sandbox rail outcome (default success); pending_then_*: pending at first, settled so when Bursar next asks the rail'),
  })
  .strict();

export const paymentSchema = z.object({
  id: z.string(),
  object: z.literal('payment'),
  status: paymentStatus,
  amount_cents: z.number(),
  currency: z.string(),
  merchant_name: z.string(),
  category: z.string().nullable(),
  description: z.string().nullable(),
  agent_id: z.string(),
  mandate_id: z.string(),
  spend_request_id: z.string(),
  decision_code: z.string(),
  reasons: z.array(z.object({ code: z.string(), message: z.string() }).catchall(z.unknown())),
  rail: z.string(),
  rail_transaction_id: z.string().nullable(),
  failure_reason: z.string().nullable(),
  livemode: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type Payment = z.infer<typeof paymentSchema>;

export const listPaymentsQuery = pageQuery.extend(createdRangeQuery.shape).extend({
  status: paymentStatus.optional(),
  agent_id: z.string().max(64).optional(),
  mandate_id: z.string().max(64).optional(),
});
