import { z } from 'zod';
import { MAX_AMOUNT_CENTS, isCurrencyCode, requiredOr } from '../money.js';
import { metadata, text, timestamp } from './common.js';
import { alertThresholdsPercent, approvalsRequired } from './policy.js';

/**
 * The policy-evaluation dialect (`/api/v1`): the reference's camelCase requests and responses,
 * mapped onto the same core objects as `/v1` (a spend request is one row seen two ways).
 */

/**
 * `{"error": "message"}`: the /api/v1 error envelope. Some errors say more beside it (a 402 from
 * evaluate carries `decision`, `decisionReason` and `spendRequestId`), so other fields may follow.
 */
export const apiV1Error = z.looseObject({ error: z.string() });

const amountMinor = z
  .number({ error: requiredOr('must be an integer amount in minor units (cents)') })
  .int({ error: 'must be an integer amount in minor units (cents)' })
  .positive({ error: 'must be greater than zero' })
  .max(MAX_AMOUNT_CENTS, { error: `must be at most ${MAX_AMOUNT_CENTS}` });
const limitMinor = z
  .number({ error: requiredOr('must be an integer amount in minor units (cents) or null') })
  .int({ error: 'must be an integer amount in minor units (cents) or null' })
  .min(0, { error: 'must not be negative' })
  .max(MAX_AMOUNT_CENTS, { error: `must be at most ${MAX_AMOUNT_CENTS}` });
/** Currency as the reference writes it (`USD`, `usd`); answered upper case. */
const unit = z
  .string({ error: requiredOr('must be a three-letter ISO 4217 currency code') })
  .regex(/^[A-Za-z]{3}$/, { error: 'must be a three-letter ISO 4217 currency code' })
  .refine(isCurrencyCode, { error: 'must be a three-letter ISO 4217 currency code in use' });
/** Free-form JSON object: a receipt's rawReceipt carries what the rail answered. */
const jsonObject = z.record(z.string(), z.unknown(), { error: 'must be a JSON object' });

export const apiDecision = z.enum(['ALLOW', 'DENY', 'REQUIRE_APPROVAL']);
/** The reference's reason codes (the first violated rule), plus INSUFFICIENT_FUNDS for a request the wallet could not cover. */
export const apiDecisionReason = z.enum([
  'OK', 'BLOCKED_MERCHANT', 'EXCEEDS_SINGLE_LIMIT', 'EXCEEDS_DAILY_LIMIT', 'EXCEEDS_MONTHLY_LIMIT', 'NO_ACTIVE_POLICY',
  'BLOCKED_CATEGORY', 'MERCHANT_NOT_ALLOWED', 'CATEGORY_NOT_ALLOWED', 'VELOCITY_LIMIT_MINUTE', 'VELOCITY_LIMIT_HOUR',
  'REQUIRES_APPROVAL', 'INSUFFICIENT_FUNDS',
]);
export type ApiDecision = z.infer<typeof apiDecision>;
export type ApiDecisionReason = z.infer<typeof apiDecisionReason>;

export const evaluateBody = z
  .object({
    agentId: text(200).describe('An agent id (agt_…) or an external name; an unknown name is registered under the default policy'),
    amountMinor,
    unit,
    merchant: text(200),
    category: text(100),
    reason: text(1000),
    // Bounded as on /v1: up to 50 keys of short strings, numbers, booleans (stored with the request).
    metadata: metadata.optional(),
    idempotencyKey: z.string().min(1, { error: 'must not be empty' }).max(255).optional(),
    handleId: z.string().min(1).max(64).optional().describe('Payment handle; falls back to the workspace default (its oldest handle)'),
    callbackUrl: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2048).optional(),
  })
  .strict();
export type EvaluateInput = z.infer<typeof evaluateBody>;

export const evaluateResponse = z.object({
  decision: apiDecision,
  decisionReason: apiDecisionReason,
  spendRequestId: z.string(),
  sat: z.string().optional().describe('Spend authorization token (Ed25519 JWS, JWKS at /.well-known/jwks.json); present on ALLOW'),
});

export const railId = z
  .string({ error: requiredOr('must be stripe, moonpay, evm, sandbox or custom:<name>') })
  .regex(/^(stripe|moonpay|evm|sandbox|custom:[A-Za-z0-9_.-]{1,64})$/, { error: 'must be stripe, moonpay, evm, sandbox or custom:<name>' });
export const executionMode = z.enum(['sdk', 'external', 'managed']);
export type ExecutionMode = z.infer<typeof executionMode>;

/** The anomaly flags a receipt may raise. */
export const anomalyFlag = z.enum([
  'AMOUNT_MISMATCH', 'AMOUNT_OVER_AUTHORIZED', 'CURRENCY_MISMATCH', 'MERCHANT_MISMATCH', 'EXPIRED_AUTHORIZATION',
  'RAIL_MISMATCH', 'SPEND_REQUEST_NOT_OPEN',
]);
export type AnomalyFlag = z.infer<typeof anomalyFlag>;

export const receiptBody = z
  .object({
    spendRequestId: z.string({ error: requiredOr('must be a string') }).min(1).max(64),
    sat: z.string({ error: requiredOr('must be a string') }).min(1).max(8192),
    railId,
    providerTransactionId: z.string().max(255).nullable().optional(),
    destination: z.string().max(512).nullable().optional(),
    actualNetwork: z.string().max(100).nullable().optional(),
    actualAmountMinor: amountMinor,
    actualCurrency: unit,
    actualMerchantNormalized: z.string().max(200).nullable().optional(),
    rawReceipt: jsonObject.nullable().optional(),
  })
  .strict();

export const receiptResponse = z.object({
  receiptId: z.string(),
  anomalyFlags: z.array(anomalyFlag),
  recorded: z.boolean(),
});

export const createPaymentHandleBody = z
  .object({ name: text(200), railId, executionMode })
  .strict();

export const paymentHandleSchema = z.object({
  id: z.string(),
  name: z.string(),
  railId: z.string(),
  executionMode,
  isDefault: z.boolean(),
  createdAt: timestamp,
});

export const executeBody = z
  .object({
    paymentHandleId: z.string({ error: requiredOr('must be a string') }).min(1).max(64),
    sat: z.string({ error: requiredOr('must be a string') }).min(1).max(8192),
    params: z
      .object({
        amountMinor: amountMinor.optional(),
        currency: unit.optional(),
        description: z.string().max(1000).optional(),
      })
      .catchall(z.unknown())
      .optional(),
  })
  .strict();

export const executeResponse = z.object({
  executed: z.boolean(),
  spendRequestId: z.string(),
  transaction: z.object({ id: z.string(), status: z.enum(['completed', 'pending', 'failed']) }),
});

const policyLimits = {
  maxSingleAmount: limitMinor.nullable().optional(),
  dailyLimit: limitMinor.nullable().optional(),
  monthlyLimit: limitMinor.nullable().optional(),
  requireApprovalOver: limitMinor.nullable().optional(),
  maxTransactionsPerMinute: z.number().int({ error: 'must be an integer or null' }).min(0).max(1_000_000).nullable().optional(),
  maxTransactionsPerHour: z.number().int({ error: 'must be an integer or null' }).min(0).max(1_000_000).nullable().optional(),
};
const nameList = z.array(text(200)).max(500, { error: 'at most 500 entries' }).optional();

export const apiCreatePolicyBody = z
  .object({
    name: text(200),
    ...policyLimits,
    unit: unit.optional(),
    allowedMerchants: nameList,
    blockedMerchants: nameList,
    allowedCategories: nameList,
    blockedCategories: nameList,
    alertThresholdsPercent: alertThresholdsPercent.optional(),
    approvalsRequired: approvalsRequired.optional(),
    isActive: z.boolean().optional(),
  })
  .strict();

export const apiPolicySchema = z.object({
  id: z.string(),
  name: z.string(),
  maxSingleAmount: z.number().nullable(),
  dailyLimit: z.number().nullable(),
  monthlyLimit: z.number().nullable(),
  requireApprovalOver: z.number().nullable(),
  maxTransactionsPerMinute: z.number().nullable(),
  maxTransactionsPerHour: z.number().nullable(),
  unit: z.string(),
  allowedMerchants: z.array(z.string()),
  blockedMerchants: z.array(z.string()),
  allowedCategories: z.array(z.string()),
  blockedCategories: z.array(z.string()),
  alertThresholdsPercent: z.array(z.number()),
  approvalsRequired: z.number().int(),
  isActive: z.boolean(),
  createdAt: timestamp,
});

export const apiCreateKeyBody = z.object({ name: text(200).optional() }).strict();

export const apiKeyListItem = z.object({
  id: z.string(),
  keyPrefix: z.string(),
  name: z.string().nullable(),
  type: z.enum(['management', 'spending']),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});

export const apiCreatedKey = z.object({
  id: z.string(),
  keyPrefix: z.string(),
  plaintext: z.string().describe('The full key: shown in this response only'),
  createdAt: timestamp,
});

export const apiApprovalStatus = z.enum(['PENDING', 'APPROVED', 'REJECTED', 'EXPIRED']);

export const apiApprovalBlock = z.object({
  id: z.string(),
  status: apiApprovalStatus,
  decidedAt: timestamp.nullable(),
  note: z.string().nullable(),
});

export const apiSpendRequestSchema = z.object({
  id: z.string(),
  decision: apiDecision,
  decisionReason: apiDecisionReason,
  status: z.string().describe('Lifecycle status, as on /v1: approved, declined, needs_approval, completed, cancelled, failed, expired'),
  agentId: z.string(),
  amountMinor: z.number(),
  unit: z.string(),
  merchant: z.string(),
  category: z.string().nullable(),
  reason: z.string(),
  sat: z.string().nullable(),
  paymentHandleId: z.string().nullable(),
  createdAt: timestamp,
  approval: apiApprovalBlock.nullable(),
});

export const resolveApprovalBody = z
  .object({
    status: z.enum(['APPROVED', 'REJECTED'], { error: requiredOr('must be APPROVED or REJECTED') }),
    note: z.string().max(1000).nullable().optional(),
    overrideBudget: z.boolean().optional().describe('Approve even though the budget no longer fits (audited)'),
  })
  .strict();

export const resolveApprovalResponse = apiApprovalBlock.extend({
  spendRequestId: z.string(),
  sat: z.string().nullable(),
});
