import { iso } from '../iso.js';
import type { Policy } from '@bursar/core';
import type { PolicyRow } from '../../store/rows.js';

export function presentPolicy(p: PolicyRow): Policy {
  return {
    id: p.id,
    object: 'policy',
    name: p.name,
    currency: p.currency,
    timezone: p.timezone,
    max_single_amount_cents: p.max_single_amount_cents,
    daily_limit_cents: p.daily_limit_cents,
    weekly_limit_cents: p.weekly_limit_cents,
    monthly_limit_cents: p.monthly_limit_cents,
    total_limit_cents: p.total_limit_cents,
    require_approval_over_cents: p.require_approval_over_cents,
    max_transactions_per_minute: p.max_transactions_per_minute,
    max_transactions_per_hour: p.max_transactions_per_hour,
    allowed_merchants: JSON.parse(p.allowed_merchants) as string[],
    blocked_merchants: JSON.parse(p.blocked_merchants) as string[],
    allowed_categories: JSON.parse(p.allowed_categories) as string[],
    blocked_categories: JSON.parse(p.blocked_categories) as string[],
    alert_thresholds_percent: JSON.parse(p.alert_thresholds_percent) as number[],
    approvals_required: p.approvals_required,
    is_active: p.is_active === 1,
    livemode: p.livemode === 1,
    version: p.version,
    created_at: iso(p.created_at),
    updated_at: iso(p.updated_at),
  };
}
