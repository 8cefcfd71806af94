import type { BudgetLease } from '@bursar/core';
import type { LeaseRow } from '../../store/leases.js';
import { iso } from '../iso.js';

export function presentLease(l: LeaseRow): BudgetLease {
  return {
    id: l.id,
    object: 'budget_lease',
    parent_agent_id: l.parent_agent_id,
    child_agent_id: l.child_agent_id,
    source_lease_id: l.source_lease_id,
    amount_cents: l.amount_cents,
    spent_cents: l.spent_cents,
    held_cents: l.held_cents,
    remaining_cents: l.status === 'active' ? l.amount_cents - l.spent_cents - l.held_cents : 0,
    currency: l.currency,
    status: l.status,
    expires_at: l.expires_at === null ? null : iso(l.expires_at),
    created_at: iso(l.created_at),
    released_at: l.released_at === null ? null : iso(l.released_at),
  };
}
