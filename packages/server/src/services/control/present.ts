import type { Payment, Mandate } from '@bursar/core';
import type { MandateRow } from '../../store/mandates.js';
import type { PaymentRow } from '../../store/control-payments.js';
import { iso } from '../iso.js';

export function presentPayment(p: PaymentRow): Payment {
  return {
    id: p.id,
    object: 'payment',
    status: p.status,
    amount_cents: p.amount_cents,
    currency: p.currency,
    merchant_name: p.merchant_name,
    category: p.category,
    description: p.description,
    agent_id: p.agent_id,
    mandate_id: p.mandate_id,
    spend_request_id: p.spend_request_id,
    decision_code: p.decision_code,
    reasons: JSON.parse(p.reasons) as Payment['reasons'],
    rail: p.rail,
    rail_transaction_id: p.rail_transaction_id,
    failure_reason: p.failure_reason,
    livemode: p.livemode === 1,
    created_at: iso(p.created_at),
    updated_at: iso(p.updated_at),
  };
}

export function presentMandate(m: MandateRow, now: number): Mandate {
  return {
    id: m.id,
    object: 'mandate',
    agent_id: m.agent_id,
    description: m.description,
    currency: m.currency,
    max_amount_cents: m.max_amount_cents,
    total_limit_cents: m.total_limit_cents,
    spent_cents: m.spent_cents,
    remaining_cents: m.total_limit_cents === null ? null : Math.max(0, m.total_limit_cents - m.spent_cents),
    allowed_merchants: JSON.parse(m.allowed_merchants) as string[],
    allowed_categories: JSON.parse(m.allowed_categories) as string[],
    expires_at: m.expires_at === null ? null : iso(m.expires_at),
    status: mandateStatusAt(m, now),
    livemode: m.livemode === 1,
    created_at: iso(m.created_at),
    updated_at: iso(m.updated_at),
  };
}

export function mandateStatusAt(m: MandateRow, now: number): Mandate['status'] {
  if (m.status === 'active' && m.expires_at !== null && m.expires_at <= now) return 'expired';
  return m.status;
}
