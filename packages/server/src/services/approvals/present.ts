import { iso, isoOrNull } from '../iso.js';
import { type Approval, type ApprovalBudget, type ApprovalVote, nameFlags } from '@bursar/core';
import type { ApprovalRow, SpendRow } from '../../store/rows.js';

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
    status: a.status,
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
