import type { Reservation } from '@bursar/core';
import type { SpendRow } from '../store/rows.js';
import { approvalUrl, iso, presentSpend } from './present.js';

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

/** The outbox event of a spend request's transition, in the dialect of its kind. */
export function transitionEvent(s: SpendRow, publicUrl: string): { type: string; object: { id: string } } {
  if (s.kind === 'reservation') {
    const r = presentReservation(s, publicUrl);
    return { type: `reservation.${r.status}`, object: r };
  }
  return { type: `spend_request.${s.status}`, object: presentSpend(s, publicUrl) };
}
