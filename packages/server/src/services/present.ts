import type { Agent, ApiKey, Approval, ApprovalBudget, ApprovalVote, LedgerTransaction, Policy, SpendRequest, Violation, Wallet } from '@bursar/core';
import { nameFlags } from '@bursar/core';
import type { DB } from '../db/schema.js';
import type { AgentRow, ApiKeyRow, ApprovalRow, PolicyRow, SpendRow, WalletRow } from '../store/rows.js';

/** Row-to-API mappers: the one place stored shapes become the public contract. */
export const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function presentWallet(w: WalletRow): Wallet {
  return {
    id: w.id,
    object: 'wallet',
    currency: w.currency,
    available_cents: w.available_cents,
    held_cents: w.held_cents,
    livemode: w.livemode === 1,
    created_at: iso(w.created_at),
  };
}

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

export function presentAgent(a: AgentRow): Agent {
  return {
    id: a.id,
    object: 'agent',
    name: a.name,
    policy_id: a.policy_id,
    parent_agent_id: a.parent_agent_id,
    status: a.status as Agent['status'],
    livemode: a.livemode === 1,
    created_at: iso(a.created_at),
    updated_at: iso(a.updated_at),
    revoked_at: isoOrNull(a.revoked_at),
  };
}

export function presentKey(k: ApiKeyRow): ApiKey {
  return {
    id: k.id,
    object: 'api_key',
    type: k.type as ApiKey['type'],
    name: k.name,
    prefix: k.prefix,
    agent_id: k.agent_id,
    livemode: k.livemode === 1,
    created_at: iso(k.created_at),
    last_used_at: isoOrNull(k.last_used_at),
    revoked_at: isoOrNull(k.revoked_at),
  };
}

/** Where an operator decides a pending request: the dashboard, opened on that request. */
export function approvalUrl(publicUrl: string, spendRequestId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/approvals?spend_request_id=${encodeURIComponent(spendRequestId)}`;
}

export function presentSpend(s: SpendRow, publicUrl: string): SpendRequest {
  const out: SpendRequest = {
    id: s.id,
    object: 'spend_request',
    status: s.status as SpendRequest['status'],
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

/**
 * An approval with its request: `exceedsByCents` is read by the caller (by how much approving
 * now would exceed the budget; 0 once decided), so this stays free of reads and the decision's
 * own `approval.created` event presents it exactly as GET /v1/approvals/:id does.
 */
/**
 * An approval. `budget` is the tightest budget now while it is pending; once decided, the figure
 * recorded at the decision is shown instead, and its overrun is `exceeds_budget_by_cents`.
 */
export function presentApproval(a: ApprovalRow, s: SpendRow, agentName: string, budget: ApprovalBudget | null, exceedsByCents: number, approvals: ApprovalVote[], approvalsRequired: number): Approval {
  const decided = a.status === 'pending' ? undefined : a.decided_budget === null ? null : (JSON.parse(a.decided_budget) as ApprovalBudget);
  const flags = nameFlags(s.merchant_name);
  return {
    id: a.id,
    object: 'approval',
    spend_request_id: s.id,
    status: a.status as Approval['status'],
    amount_cents: s.amount_cents,
    currency: s.currency,
    merchant_name: s.merchant_name,
    // Only when there is something to say, so a plain name's approval reads as before.
    ...(flags.length > 0 ? { merchant_name_flags: flags } : {}),
    agent_id: s.agent_id,
    agent_name: agentName,
    reason: s.reason,
    decision_reason: s.decision_reason,
    budget_period: s.budget_period as Approval['budget_period'],
    exceeds_budget_by_cents: decided === undefined ? exceedsByCents : (decided?.exceeds_by_cents ?? 0),
    budget: decided === undefined ? budget : decided,
    note: a.note,
    decided_by: a.decided_by,
    override_budget: a.override_budget === 1,
    approvals,
    approvals_required: approvalsRequired,
    created_at: iso(a.created_at),
    decided_at: isoOrNull(a.decided_at),
    expires_at: iso(a.expires_at),
  };
}

export function presentLedger(t: DB['ledger_transactions']): LedgerTransaction {
  return {
    id: t.id,
    object: 'ledger_transaction',
    wallet_id: t.wallet_id,
    sequence: t.sequence,
    type: t.type as LedgerTransaction['type'],
    spend_request_id: t.spend_request_id,
    description: t.description,
    postings: JSON.parse(t.postings) as LedgerTransaction['postings'],
    prev_hash: t.prev_hash,
    hash: t.hash,
    created_at: iso(t.created_at),
  };
}
