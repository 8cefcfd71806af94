import type { Card, CardType, CardAuthorization, CheckoutIntent } from '@bursar/core';
import type { CardRow, CardAuthorizationRow, CheckoutIntentRow } from '../../store/cards.js';
import { iso } from '../iso.js';
import type { SpendRow } from '../../store/rows.js';
import { cardStatusAt } from './status.js';
import { approvalUrl } from '../spend/present.js';

/** A card as the API shows it: last4, brand and expiry only, never the number or CVC. */
export function presentCard(row: CardRow, now: number): Card {
  return {
    id: row.id,
    object: 'card',
    name: row.name,
    type: row.type as CardType,
    status: cardStatusAt(row, now),
    brand: row.brand,
    last4: row.last4,
    exp_month: row.exp_month,
    exp_year: row.exp_year,
    policy_id: row.policy_id,
    agent_id: row.agent_id,
    is_default: row.is_default === 1,
    spend_limit_cents: row.spend_limit_cents,
    spent_cents: row.spent_cents,
    held_cents: row.held_cents,
    checkout_intent_id: row.checkout_intent_id,
    merchant_name: row.merchant_name,
    issuer: row.issuer,
    livemode: row.livemode === 1,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    expires_at: row.expires_at === null ? null : iso(row.expires_at),
  };
}

export function presentCardAuthorization(a: CardAuthorizationRow, last4: string): CardAuthorization {
  return {
    id: a.id,
    object: 'card_authorization',
    status: a.status,
    card_id: a.card_id,
    last4,
    merchant_name: a.merchant_name,
    mcc: a.mcc,
    amount_cents: a.amount_cents,
    currency: a.currency,
    decline_code: a.decline_code as CardAuthorization['decline_code'],
    decline_reason: a.decline_reason,
    spend_request_id: a.spend_request_id,
    captured_amount_cents: a.captured_amount_cents,
    livemode: a.livemode === 1,
    created_at: iso(a.created_at),
    updated_at: iso(a.updated_at),
  };
}

/** A checkout intent as the API shows it; `revealed` carries the number and CVC the one time they are shown. */
export function presentCheckoutIntent(
  s: SpendRow,
  intent: CheckoutIntentRow | undefined,
  credential: CardRow | undefined,
  publicUrl: string,
  now: number,
  revealed?: { number: string; cvc: string },
): CheckoutIntent {
  const out: CheckoutIntent = {
    id: s.id,
    object: 'checkout_intent',
    status: s.status,
    decision_reason: s.decision_reason,
    decision_code: s.decision_code as CheckoutIntent['decision_code'],
    violations: JSON.parse(s.violations) as CheckoutIntent['violations'],
    budget_period: s.budget_period as CheckoutIntent['budget_period'],
    remaining_budget_cents: s.remaining_budget_cents,
    remaining_monthly_budget_cents: s.remaining_monthly_budget_cents,
    amount_cents: s.amount_cents,
    currency: s.currency,
    merchant_name: s.merchant_name,
    reason: s.reason,
    agent_id: s.agent_id,
    policy_id: s.policy_id,
    card_id: intent?.card_id ?? null,
    approval_id: s.approval_id,
    credential: credential
      ? {
          card_id: credential.id,
          brand: credential.brand,
          last4: credential.last4,
          exp_month: credential.exp_month,
          exp_year: credential.exp_year,
          ...(revealed ? { number: revealed.number, cvc: revealed.cvc } : {}),
          merchant_name: credential.merchant_name ?? s.merchant_name,
          amount_cents: credential.bound_amount_cents ?? s.amount_cents,
          status: cardStatusAt(credential, now),
          expires_at: credential.expires_at === null ? null : iso(credential.expires_at),
        }
      : null,
    captured_amount_cents: s.captured_amount_cents,
    cancellation_reason: s.cancellation_reason as CheckoutIntent['cancellation_reason'],
    livemode: s.livemode === 1,
    created_at: iso(s.created_at),
    updated_at: iso(s.updated_at),
    expires_at: s.expires_at === null ? null : iso(s.expires_at),
  };
  if (s.status === 'needs_approval') out.approval_url = approvalUrl(publicUrl, s.id);
  return out;
}
