import type { Reservation, SpendRequest, Violation } from '@bursar/core';
import type { SpendRow } from '../../store/rows.js';
import { iso, isoOrNull } from '../iso.js';
import type { PriceRow } from '../../store/prices.js';

/** A spend request's status as the SpendGuard dialect names it. */
const reservationStatus: Record<string, Reservation['status']> = {
  approved: 'reserved',
  declined: 'declined',
  needs_approval: 'needs_approval',
  completed: 'captured',
  cancelled: 'released',
  failed: 'released',
  expired: 'expired',
};

/** A request's status as its reservation's. */
export function reservationStatusOf(status: string): Reservation['status'] {
  return reservationStatus[status] ?? 'declined';
}

export function presentReservation(s: SpendRow, publicUrl: string): Reservation {
  const status = reservationStatusOf(s.status);
  const resolved = status === 'captured' || status === 'released' || status === 'expired';
  const out: Reservation = {
    id: s.id,
    object: 'reservation',
    status,
    reasons: JSON.parse(s.violations) as Reservation['reasons'],
    decision_code: s.decision_code,
    amount_cents: s.amount_cents,
    captured_amount_cents: s.captured_amount_cents,
    released_amount_cents: resolved ? s.amount_cents - (s.captured_amount_cents ?? 0) : null,
    cancellation_reason: s.cancellation_reason as Reservation['cancellation_reason'],
    currency: s.currency,
    merchant_name: s.merchant_name,
    reason: s.reason,
    agent_id: s.agent_id,
    lease_id: s.lease_id,
    approval_id: s.approval_id,
    remaining_budget_cents: s.remaining_budget_cents,
    livemode: s.livemode === 1,
    created_at: iso(s.created_at),
    decided_at: iso(s.decided_at),
    updated_at: iso(s.updated_at),
    resolved_at: resolved ? iso(s.updated_at) : null,
    expires_at: s.expires_at === null ? null : iso(s.expires_at),
  };
  if (s.status === 'needs_approval') out.approval_url = approvalUrl(publicUrl, s.id);
  return out;
}

/** Where an operator decides a pending request: the dashboard, opened on that request. */
export function approvalUrl(publicUrl: string, spendRequestId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/approvals?spend_request_id=${encodeURIComponent(spendRequestId)}`;
}

export function presentSpend(s: SpendRow, publicUrl: string): SpendRequest {
  const out: SpendRequest = {
    id: s.id,
    object: 'spend_request',
    status: s.status,
    decision_reason: s.decision_reason,
    decision_code: s.decision_code as SpendRequest['decision_code'],
    violations: JSON.parse(s.violations) as Violation[],
    budget_period: s.budget_period as SpendRequest['budget_period'],
    remaining_budget_cents: s.remaining_budget_cents,
    remaining_monthly_budget_cents: s.remaining_monthly_budget_cents,
    amount_cents: s.amount_cents,
    currency: s.currency,
    merchant_name: s.merchant_name,
    category: s.category,
    reason: s.reason,
    metadata: JSON.parse(s.metadata) as Record<string, unknown>,
    agent_id: s.agent_id,
    policy_id: s.policy_id,
    approval_id: s.approval_id,
    captured_amount_cents: s.captured_amount_cents,
    cancellation_reason: s.cancellation_reason as SpendRequest['cancellation_reason'],
    callback_url: s.callback_url,
    authorization_token: s.authorization_token,
    livemode: s.livemode === 1,
    created_at: iso(s.created_at),
    decided_at: iso(s.decided_at),
    updated_at: iso(s.updated_at),
    expires_at: isoOrNull(s.expires_at),
  };
  if (s.status === 'needs_approval') out.approval_url = approvalUrl(publicUrl, s.id);
  return out;
}

export function presentPrice(p: PriceRow) {
  return {
    id: p.id,
    object: 'price' as const,
    kind: p.kind as 'model' | 'tool',
    name: p.name,
    currency: p.currency,
    merchant_name: p.merchant_name,
    input_per_million_cents: p.input_per_million_cents,
    output_per_million_cents: p.output_per_million_cents,
    per_call_cents: p.per_call_cents,
    updated_at: iso(p.updated_at),
  };
}
