import { z } from 'zod';
import { amountCents, currency, limitCents, requiredOr } from '../money.js';
import { createdRangeQuery, pageQuery, text, timestamp } from './common.js';
import { cancellationReason, decisionCode, decisionFields, spendStatus } from './spend.js';

export const cardType = z.enum(['multi_use', 'single_use']);
export type CardType = z.infer<typeof cardType>;

/** `expired` and `used` come from the card's validity and its single use; the rest from the operator. */
export const cardStatus = z.enum(['active', 'frozen', 'cancelled', 'expired', 'used']);
export type CardStatus = z.infer<typeof cardStatus>;

export const createCardBody = z
  .object({
    policy_id: z.string({ error: requiredOr('must be a policy id') }).min(1).max(64),
    type: cardType.default('multi_use'),
    spend_limit_cents: limitCents.optional().describe('Lifetime cap across authorizations on this card'),
    agent_id: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe("The cardholder agent (under policy_id); by default the card gets a cardholder agent of its own"),
    name: text(200).optional(),
  })
  .strict();

export const cardSchema = z.object({
  id: z.string(),
  object: z.literal('card'),
  name: z.string().nullable(),
  type: cardType,
  status: cardStatus,
  brand: z.string(),
  last4: z.string(),
  exp_month: z.number(),
  exp_year: z.number(),
  policy_id: z.string(),
  agent_id: z.string(),
  is_default: z.boolean(),
  spend_limit_cents: z.number().nullable(),
  spent_cents: z.number(),
  held_cents: z.number(),
  checkout_intent_id: z.string().nullable().describe('Set on a just-in-time credential of a checkout intent'),
  merchant_name: z.string().nullable().describe('The merchant a just-in-time credential is bound to'),
  issuer: z.string(),
  livemode: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
  expires_at: timestamp.nullable().describe('When a just-in-time credential stops working'),
});
export type Card = z.infer<typeof cardSchema>;

export const listCardsQuery = pageQuery.extend({
  policy_id: z.string().max(64).optional(),
  status: z.enum(['active', 'frozen', 'cancelled', 'used']).optional(),
});

/** The card details a just-in-time credential carries; number and cvc are shown once. */
export const cardCredentialSchema = z.object({
  card_id: z.string(),
  brand: z.string(),
  last4: z.string(),
  exp_month: z.number(),
  exp_year: z.number(),
  number: z.string().optional().describe('Shown once, in the answer that first reveals the credential'),
  cvc: z.string().optional().describe('Shown once, with number'),
  merchant_name: z.string(),
  amount_cents: z.number(),
  status: cardStatus,
  expires_at: timestamp.nullable(),
});

export const createCheckoutIntentBody = z
  .object({
    amount_cents: amountCents,
    currency,
    merchant_name: text(200),
    reason: text(1000),
    card_id: z.string().min(1).max(64).optional().describe("The funding card (under the agent's policy)"),
  })
  .strict();

export const checkoutIntentSchema = z.object({
  id: z.string(),
  object: z.literal('checkout_intent'),
  ...decisionFields,
  amount_cents: z.number(),
  currency: z.string(),
  merchant_name: z.string(),
  reason: z.string(),
  agent_id: z.string(),
  policy_id: z.string(),
  card_id: z.string().nullable(),
  approval_id: z.string().nullable(),
  approval_url: z.string().optional(),
  credential: cardCredentialSchema.nullable(),
  captured_amount_cents: z.number().nullable(),
  cancellation_reason: cancellationReason.nullable(),
  livemode: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
  expires_at: timestamp.nullable(),
});
export type CheckoutIntent = z.infer<typeof checkoutIntentSchema>;

export const listCheckoutIntentsQuery = pageQuery.extend(createdRangeQuery.shape).extend({
  status: spendStatus.optional(),
});

/** Why an authorization was declined: a card rule, or the policy's own decision codes. */
export const authorizationDeclineCode = z.enum([
  ...decisionCode.exclude(['approved']).options,
  'card_frozen',
  'card_cancelled',
  'card_expired',
  'card_used',
  'card_inactive',
  'merchant_mismatch',
  'amount_exceeds_credential',
  'exceeds_card_limit',
  'currency_mismatch',
]);

export const cardAuthorizationStatus = z.enum(['approved', 'declined', 'captured', 'reversed']);
export type CardAuthorizationStatus = z.infer<typeof cardAuthorizationStatus>;

const cardNumber = z
  .string({ error: requiredOr('must be a card number of 12 to 19 digits') })
  .transform((s) => s.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^\d{12,19}$/, { error: 'must be a card number of 12 to 19 digits' }));

export const createCardAuthorizationBody = z
  .object({
    card_number: cardNumber.optional(),
    card_id: z.string().min(1).max(64).optional(),
    merchant_name: text(200),
    mcc: z.string().regex(/^\d{4}$/, { error: 'must be a four-digit merchant category code' }).optional(),
    amount_cents: amountCents,
    currency,
  })
  .strict();

export const captureCardAuthorizationBody = z.object({ amount_cents: amountCents.optional() }).strict();

export const cardAuthorizationSchema = z.object({
  id: z.string(),
  object: z.literal('card_authorization'),
  status: cardAuthorizationStatus,
  card_id: z.string(),
  last4: z.string(),
  merchant_name: z.string(),
  mcc: z.string().nullable(),
  amount_cents: z.number(),
  currency: z.string(),
  decline_code: authorizationDeclineCode.nullable(),
  decline_reason: z.string().nullable(),
  spend_request_id: z.string().nullable().describe('The spend request (or checkout intent) holding the money'),
  captured_amount_cents: z.number().nullable(),
  livemode: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type CardAuthorization = z.infer<typeof cardAuthorizationSchema>;

export const listCardAuthorizationsQuery = pageQuery.extend({
  card_id: z.string().max(64).optional(),
  status: cardAuthorizationStatus.optional(),
});
