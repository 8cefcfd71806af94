import { BursarError, InvalidStateError, NotFoundError, type Approval, type ApprovalBudget, type ApprovalStatus, type ApprovalVote } from '@bursar/core';
import { budgetView, reasons } from '../../policy/decide.js';
import { getAgent } from '../../store/agents.js';
import { getApproval, insertApprovalVote, listApprovals as listApprovalRows, listApprovalVotes, settleApproval, type ApprovalVoteRow } from '../../store/approvals.js';
import { getPolicy, lockPolicy } from '../../store/policies.js';
import type { ApprovalRow, PolicyRow, SpendRow } from '../../store/rows.js';
import { getSpend, transitionSpend } from '../../store/spend.js';
import { lockWalletForCurrency } from '../../store/wallets.js';
import { executeWrites } from '../../db/prepared.js';
import { approvalFigure, approvalOverrun } from './recheck.js';
import { approvalBudget } from '../budget/source.js';
import { placeHold } from '../budget/hold.js';
import { kindOf, transitionEvent } from '../spend/kinds.js';
import { settleSpend, visibleSpend } from '../spend/requests.js';
import { authorizationToken } from '../spend/authorization-token.js';
import { budgetAlertWrites } from '../budget/alerts.js';
import { actorId, type ServiceContext } from '../context.js';
import { audit, emitEvent } from '../events/outbox.js';
import { iso } from '../iso.js';
import { presentApproval } from './present.js';
import { presentSpend } from '../spend/present.js';

async function present(ctx: ServiceContext, a: ApprovalRow, spend?: SpendRow, votes?: ApprovalVoteRow[]): Promise<Approval> {
  const s = spend ?? (await getSpend(ctx.tx, ctx.workspace.id, a.spend_request_id));
  if (!s) throw new Error(`approval ${a.id} has no spend request`);
  const agent = await getAgent(ctx.tx, ctx.workspace.id, a.agent_id);
  const approvals = votesOf(a, votes ?? (await listApprovalVotes(ctx.tx, [a.id])));
  if (a.status !== 'pending') return presentApproval(a, s, agent?.name ?? '', null, 0, approvals, a.approvals_required);
  const policy = await getPolicy(ctx.tx, ctx.workspace.id, s.policy_id);
  const budget = policy ? await approvalBudget(ctx, s, policy, false) : undefined;
  const overrun = policy ? approvalOverrun(budget, s.amount_cents) : 0;
  return presentApproval(a, s, agent?.name ?? '', policy ? approvalFigure(budget, s.amount_cents) : null, overrun, approvals, requiredApprovals(a, policy));
}

/**
 * How many distinct operators must approve: the stricter of the policy when the request was
 * asked and the policy now, so raising a policy's quorum also covers requests already waiting.
 */
function requiredApprovals(a: ApprovalRow, policy: PolicyRow | undefined): number {
  return Math.max(a.approvals_required, policy?.approvals_required ?? 1);
}

/** The operators' approvals; one decided before approvals were recorded one by one reads as its decision. */
function votesOf(a: ApprovalRow, votes: readonly ApprovalVoteRow[]): ApprovalVote[] {
  const mine = votes.filter((v) => v.approval_id === a.id);
  if (mine.length === 0 && a.status === 'approved' && a.decided_by !== null && a.decided_at !== null) {
    return [{ by: a.decided_by, at: iso(a.decided_at), note: a.note }];
  }
  return mine.map((v) => ({ by: v.approved_by, at: iso(v.created_at), note: v.note }));
}

export async function listApprovals({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { limit: number; cursor?: string | undefined; status?: ApprovalStatus | undefined };
}) {
  const page = await listApprovalRows(ctx.tx, ctx.workspace.id, { status: input.status }, input.limit, input.cursor);
  const votes = await listApprovalVotes(ctx.tx, page.data.map((a) => a.id));
  const data: Approval[] = [];
  for (const a of page.data) data.push(await present(ctx, a, undefined, votes));
  return { ...page, data };
}

export async function getApprovalById({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const a = await getApproval(ctx.tx, ctx.workspace.id, input.id);
  if (!a) throw new NotFoundError('approval', input.id);
  return present(ctx, a);
}

async function loadPending(ctx: ServiceContext, id: string) {
  const approval = await getApproval(ctx.tx, ctx.workspace.id, id);
  if (!approval) throw new NotFoundError('approval', id);
  if (approval.status !== 'pending') {
    throw new InvalidStateError(`Approval ${id} is already ${approval.status}`, { status: approval.status });
  }
  const spend = await getSpend(ctx.tx, ctx.workspace.id, approval.spend_request_id);
  if (!spend) throw new Error(`approval ${id} has no spend request`);
  if (approval.expires_at <= ctx.now) {
    throw new InvalidStateError(`Approval ${id} expired at ${iso(approval.expires_at)}`, { status: 'expired' });
  }
  return { approval, spend };
}

/**
 * Approves a pending request. A policy may ask for several distinct operators: until the last of
 * them approves, each approval is recorded (`approval.partially_approved`) and the request stays
 * pending. The last one re-checks the budget now (409 budget_exceeded unless `override_budget`),
 * holds the money and records who decided.
 */
export async function approveApproval({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { id: string; note?: string | undefined; override_budget?: boolean | undefined };
}) {
  const { spend } = await loadPending(ctx, input.id);
  const agent = await getAgent(ctx.tx, ctx.workspace.id, spend.agent_id);
  if (!agent || agent.status === 'revoked') throw new InvalidStateError(`Agent ${spend.agent_id} is revoked; decline this request instead`);
  const policy = await lockPolicy(ctx.tx, ctx.workspace.id, spend.policy_id);
  if (!policy) throw new Error(`spend request ${spend.id} has no policy`);
  // Read again under the policy's lock: another operator's approval may have just decided it.
  const { approval } = await loadPending(ctx, input.id);
  const required = requiredApprovals(approval, policy);
  const by = actorId(ctx.actor);
  if (by === null) throw new Error('an approval needs an operator');
  const vote = { approval_id: approval.id, approved_by: by, workspace_id: ctx.workspace.id, note: input.note ?? null, created_at: ctx.now };
  if (!(await insertApprovalVote(ctx.tx, vote))) {
    throw new BursarError('already_approved_by_you', `You already approved ${approval.id}; it needs ${required} approvals from distinct operators`, {
      approvals_required: required,
    });
  }
  const votes = await listApprovalVotes(ctx.tx, [approval.id]);
  if (votes.length < required) return recordPartialApproval(ctx, approval, spend, votes, input.note ?? null);
  const budget = await approvalBudget(ctx, spend, policy, true);
  if (!budget) throw new InvalidStateError(`The budget lease ${spend.lease_id} this request was made under has ended; decline it instead`);
  const overrun = approvalOverrun(budget, spend.amount_cents);
  const override = input.override_budget === true;
  if (overrun > 0 && !override) {
    const view = budgetView(budget.usage);
    throw new BursarError('budget_exceeded', `Approving would exceed the ${view.budgetPeriod} budget by ${overrun} cents; decline, or approve again with override_budget: true`, {
      exceeds_budget_by_cents: overrun,
      budget_period: view.budgetPeriod,
    });
  }
  const wallet = await lockWalletForCurrency(ctx.tx, ctx.workspace.id, spend.currency);
  if (!wallet || wallet.available_cents < spend.amount_cents) {
    throw new BursarError('funding_source_budget_exceeded', `The ${spend.currency} wallet cannot cover ${spend.amount_cents} cents; fund it and approve again`);
  }
  const holdWindows = budget.windows;
  await executeWrites(ctx.tx, placeHold(ctx, wallet, { ...spend, policy_id: policy.id, hold_windows: JSON.stringify(holdWindows) }, `Hold for ${spend.id} (approved by operator)`));
  const view = budgetView(budget.usage, spend.amount_cents);
  const changes = {
    status: 'approved' as const,
    decision_code: 'approved',
    decision_reason: override && overrun > 0 ? 'Approved by operator with a budget override' : 'Approved by operator',
    budget_period: view.budgetPeriod,
    remaining_budget_cents: view.remainingBudgetCents,
    remaining_monthly_budget_cents: view.remainingMonthlyBudgetCents,
    wallet_id: wallet.id,
    held_cents: spend.amount_cents,
    hold_windows: JSON.stringify(holdWindows),
    decided_at: ctx.now,
    updated_at: ctx.now,
    expires_at: ctx.now + ctx.config.holdTtlMs,
    authorization_token: await authorizationToken(ctx, { ...spend, decided_at: ctx.now }, ctx.now + ctx.config.holdTtlMs),
  };
  const approved = await finish(ctx, { ...approval, approvals_required: required }, spend, 'approved', changes, {
    note: input.note ?? null,
    override: override && overrun > 0,
    figure: approvalFigure(budget, spend.amount_cents),
  });
  // After the approval's events: the hold may have crossed an alert threshold of the policy's windows.
  if (budget.lease === null) await executeWrites(ctx.tx, await budgetAlertWrites(ctx, policy, budget, spend.amount_cents));
  return approved;
}

/** One operator of several approved: the request waits for the others; nothing is held yet. */
async function recordPartialApproval(ctx: ServiceContext, approval: ApprovalRow, spend: SpendRow, votes: ApprovalVoteRow[], note: string | null) {
  const result = await present(ctx, approval, spend, votes);
  await emitEvent(ctx, 'approval.partially_approved', result);
  await audit(ctx, 'approval.partially_approved', 'approval', approval.id, { approvals: votes.length - 1 }, {
    approvals: votes.length,
    approvals_required: result.approvals_required,
    note,
  });
  return { ...result, spend_request: presentSpend(spend, ctx.config.publicUrl) };
}

export async function declineApproval({ ctx, input }: { ctx: ServiceContext; input: { id: string; note?: string | undefined } }) {
  const { approval, spend } = await loadPending(ctx, input.id);
  const changes = {
    status: 'declined' as const,
    decision_code: 'declined_by_operator',
    decision_reason: 'Declined by operator',
    decided_at: ctx.now,
    updated_at: ctx.now,
    expires_at: null,
  };
  // The figure the operator declined with, kept in the history (read, not locked: nothing is held).
  const policy = await getPolicy(ctx.tx, ctx.workspace.id, spend.policy_id);
  const figure = policy ? approvalFigure(await approvalBudget(ctx, spend, policy, false), spend.amount_cents) : null;
  return finish(ctx, approval, spend, 'declined', changes, { note: input.note ?? null, override: false, figure });
}

/** Expires a pending approval nobody decided in time (the sweeper's path). */
export async function expireApproval({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const approval = await getApproval(ctx.tx, ctx.workspace.id, input.id);
  if (!approval || approval.status !== 'pending') return null;
  const spend = await getSpend(ctx.tx, ctx.workspace.id, approval.spend_request_id);
  if (!spend) return null;
  const changes = { status: 'expired' as const, updated_at: ctx.now, expires_at: null };
  return finish(ctx, approval, spend, 'expired', changes, { note: null, override: false });
}

/**
 * POST /v1/spend-requests/:id/cancel. Approved: the hold is released. Still waiting for a human
 * (a spend request or a payment): the request is withdrawn, so it cannot be approved later into
 * a hold nobody will use; it ends `cancelled` and its approval closes as withdrawn.
 */
export async function cancelSpendRequest({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const found = await visibleSpend(ctx, input.id);
  if (found.status !== 'needs_approval' || !kindOf(found.kind).withdrawnWhilePending) {
    return settleSpend({ ctx, input: { id: input.id, action: 'cancel' } });
  }
  await lockPolicy(ctx.tx, ctx.workspace.id, found.policy_id);
  const row = await visibleSpend(ctx, input.id);
  if (row.status !== 'needs_approval' || row.approval_id === null) return settleSpend({ ctx, input: { id: input.id, action: 'cancel' } });
  const note = ctx.actor.type === 'agent' ? 'Withdrawn by the agent' : 'Withdrawn';
  return (await withdrawApproval({ ctx, input: { id: row.approval_id, note } })).spend_request;
}

/**
 * Closes a pending approval without a human deciding it: the approval ends `declined` with the
 * note and who closed it. Withdrawn (a checkout intent cancelled by its agent, or by its funding
 * card's cancellation): the request ends `cancelled`. Its agent revoked: the request ends
 * `declined` with decision code `agent_revoked`. Nothing was held, so nothing is released.
 */
export async function withdrawApproval({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { id: string; note: string; because?: 'withdrawn' | 'agent_revoked' | undefined };
}) {
  const approval = await getApproval(ctx.tx, ctx.workspace.id, input.id);
  if (!approval || approval.status !== 'pending') {
    throw new InvalidStateError(`Approval ${input.id} is already ${approval?.status ?? 'gone'}`, { status: approval?.status ?? null });
  }
  const spend = await getSpend(ctx.tx, ctx.workspace.id, approval.spend_request_id);
  if (!spend) throw new Error(`approval ${approval.id} has no spend request`);
  if (input.because === 'agent_revoked') {
    const changes = { status: 'declined' as const, decision_code: 'agent_revoked', decision_reason: reasons.agent_revoked, decided_at: ctx.now, updated_at: ctx.now, expires_at: null };
    return finish(ctx, approval, spend, 'declined', changes, { note: input.note, override: false, auditAction: 'approval.declined_agent_revoked' });
  }
  const changes = { status: 'cancelled' as const, updated_at: ctx.now, expires_at: null };
  return finish(ctx, approval, spend, 'declined', changes, { note: input.note, override: false, auditAction: 'approval.withdrawn' });
}

async function finish(
  ctx: ServiceContext,
  approval: ApprovalRow,
  spend: SpendRow,
  outcome: 'approved' | 'declined' | 'expired',
  changes: Partial<SpendRow>,
  how: { note: string | null; override: boolean; auditAction?: string; figure?: ApprovalBudget | null },
) {
  const settled = {
    status: outcome,
    decided_budget: how.figure ? JSON.stringify(how.figure) : null,
    approvals_required: approval.approvals_required,
    note: how.note,
    decided_by: actorId(ctx.actor),
    override_budget: how.override ? 1 : 0,
    decided_at: ctx.now,
  };
  if (!(await settleApproval(ctx.tx, approval.id, settled)) || !(await transitionSpend(ctx.tx, spend.id, 'needs_approval', changes))) {
    throw new InvalidStateError(`Approval ${approval.id} was decided by someone else first`);
  }
  const after = { ...spend, ...changes } as SpendRow;
  const result = await present(ctx, { ...approval, ...settled }, after);
  const spendObject = presentSpend(after, ctx.config.publicUrl);
  await emitEvent(ctx, `approval.${outcome}`, result);
  const spendEvent = transitionEvent(after, ctx.config.publicUrl);
  await emitEvent(ctx, spendEvent.type, spendEvent.object);
  // A request of a kind that waits on this approval follows it (a control-plane payment is executed after commit when approved).
  await kindOf(after.kind).onApprovalDecided?.(ctx, after);
  await audit(ctx, how.auditAction ?? (how.override ? 'approval.approved_with_override' : `approval.${outcome}`), 'approval', approval.id, { status: 'pending' }, {
    status: outcome,
    note: how.note,
    override_budget: how.override,
    // The figure the decision was made with: an override records by how much it went over.
    ...(how.figure ? { exceeds_budget_by_cents: how.figure.exceeds_by_cents, budget: how.figure } : {}),
  });
  return { ...result, spend_request: spendObject };
}
