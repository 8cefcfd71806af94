import {
  BursarError, ForbiddenError, InvalidRequestError, InvalidStateError, NotFoundError, newId, normalizeMerchant,
  type CancellationReason, type CreateSpendInput, type Violation,
} from '@bursar/core';
import { executeWrites, type Write } from '../../db/prepared.js';
import { budgetView, decide, reasons, type Decision } from '../../policy/decide.js';
import { getAgent } from '../../store/agents.js';
import { approvalInsert } from '../../store/approvals.js';
import { lockPolicy } from '../../store/policies.js';
import type { ApprovalRow, SpendRow } from '../../store/rows.js';
import { getSpend as getSpendRow, listSpend as listSpendRows, spendInsert, transitionSpend, type SpendFilter } from '../../store/spend.js';
import { lockWallet } from '../../store/wallets.js';
import { normalizeCategory, rulesOf } from '../budget/period-budget.js';
import { approvalFigure, approvalOverrun } from '../approvals/recheck.js';
import { endHold, lockHoldChain, placeHold } from '../budget/hold.js';
import { decisionInputs } from '../budget/source.js';
import { kindOf, requestKinds, transitionEvent, unsettleable, type Settlement, type SpendKind } from './kinds.js';
import { authorizationToken } from './authorization-token.js';
import { budgetAlertWrites } from '../budget/alerts.js';
import type { ServiceContext } from '../context.js';
import { lockFreeReads } from '../lock-free-reads.js';
import { audit, auditWrite, emitEvent, eventWrite } from '../events/outbox.js';
import { chargeEvaluation } from '../workspace/plans.js';
import { presentApproval } from '../approvals/present.js';
import { presentSpend } from './present.js';

/** A decided spend request and the HTTP status its answer carries (402 when the wallet could not cover it). */
export interface SpendOutcome {
  spend: ReturnType<typeof presentSpend>;
  fundingShortfall: boolean;
  /** With `deferWrites`: everything the decision writes, for the caller to make in this transaction. */
  writes?: Write[];
}


/**
 * An authorization dies with its agent at the moment of use: a hold of a paused agent cannot be
 * captured, executed or reported paid (`agent_paused`; the hold is kept for when it resumes), nor
 * one of a revoked agent (`agent_revoked`). Call under the agent's policy lock: pausing and
 * revoking take it too, so the status read here is the status when the use commits.
 */
export async function assertAgentMaySpend(ctx: ServiceContext, agentId: string): Promise<void> {
  const agent = await getAgent(ctx.tx, ctx.workspace.id, agentId);
  if (!agent || agent.status === 'revoked') throw new BursarError('agent_revoked', `Agent ${agentId} is revoked; its authorizations are no longer honoured`, { agent_id: agentId });
  if (agent.status === 'paused') throw new BursarError('agent_paused', `Agent ${agentId} is paused; its authorizations can be used again once it is resumed`, { agent_id: agentId });
}


/**
 * Decides one spend request and records everything it causes in the caller's transaction:
 * the request, the ledger hold, usage counters, the approval, the outbox events and the audit
 * entry.
 */
export async function createSpend({
  ctx,
  input,
  kind = 'spend',
  holdTtlMs,
  deferWrites = false,
}: {
  ctx: ServiceContext;
  input: CreateSpendInput & { agent_id: string; payment_handle_id?: string | null | undefined };
  /** The dialect: a SpendGuard reservation (`res_` id), a payment, a checkout intent (`ci_` id) or a card authorization's hold; a spend request by default. */
  kind?: SpendKind;
  /** How long an approved hold lasts (a reservation's ttl_seconds); the server's hold TTL by default. */
  holdTtlMs?: number;
  /**
   * Leave the writes to the caller (in `writes`), which must make them before anything reads
   * them and before the commit: the HTTP route sends them with its idempotency record, one
   * round trip fewer while the policy's lock is held.
   */
  deferWrites?: boolean;
}): Promise<SpendOutcome> {
  // Reads that take no lock come before the policy's, which every decision on this budget waits
  // for; a decision batch made them for all its decisions at once (see lockFreeReads).
  const { agent, plan, lease: seenLease } = await lockFreeReads(ctx, input.agent_id);
  if (!agent) throw new NotFoundError('agent', input.agent_id);
  const policy = await lockPolicy(ctx.tx, ctx.workspace.id, agent.policy_id);
  if (!policy) throw new NotFoundError('policy', agent.policy_id);
  // After the policy lock (the lock order: policy, plan usage, leases, wallet).
  await chargeEvaluation(ctx, plan);
  if (input.currency !== policy.currency) {
    throw InvalidRequestError.about('currency', `must be '${policy.currency}', the currency of this agent's policy`);
  }
  const merchantKey = normalizeMerchant(input.merchant_name);
  const category = input.category === undefined ? null : normalizeCategory(input.category);
  // After the policy: the agent's lease (locked) if it has one, else its policy's windows; then the wallet (locked).
  // The agent's status comes from the same read, under the policy's lock that pausing and revoking take.
  const { budget, velocity: v, wallet, agentStatus } = await decisionInputs(ctx, agent.id, policy, seenLease, input.currency);
  let decision: Decision = decide(
    rulesOf(policy),
    { windows: budget.usage, transactionsLastMinute: v.minute, transactionsLastHour: v.hour },
    { amountCents: input.amount_cents, currency: input.currency, merchantKey, category, agentStatus },
  );

  let fundingShortfall = false;
  if (decision.status === 'approved' && (!wallet || wallet.available_cents < input.amount_cents)) {
    fundingShortfall = true;
    const shortfall: Violation = { code: 'insufficient_funds', message: reasons.insufficient_funds };
    decision = { status: 'declined', code: 'insufficient_funds', reason: shortfall.message, violations: [shortfall], ...budgetView(budget.usage) };
  }

  const id = newId(kindOf(kind).prefix, ctx.now);
  const approvalId = decision.status === 'needs_approval' ? newId('apr', ctx.now) : null;
  const holdWindows = budget.windows;
  const expiresAt =
    decision.status === 'approved' ? ctx.now + (holdTtlMs ?? ctx.config.holdTtlMs)
    : decision.status === 'needs_approval' ? ctx.now + ctx.config.approvalTtlMs
    : null;
  const row: SpendRow = {
    id,
    workspace_id: ctx.workspace.id,
    agent_id: agent.id,
    policy_id: policy.id,
    wallet_id: wallet?.id ?? null,
    amount_cents: input.amount_cents,
    currency: input.currency,
    merchant_name: input.merchant_name,
    merchant_key: merchantKey,
    category: input.category ?? null,
    reason: input.reason,
    metadata: JSON.stringify(input.metadata ?? {}),
    status: decision.status,
    decision_code: decision.code,
    decision_reason: decision.reason,
    violations: JSON.stringify(decision.violations),
    budget_period: decision.budgetPeriod,
    remaining_budget_cents: decision.remainingBudgetCents,
    remaining_monthly_budget_cents: decision.remainingMonthlyBudgetCents,
    held_cents: decision.status === 'approved' ? input.amount_cents : 0,
    hold_windows: JSON.stringify(decision.status === 'approved' ? holdWindows : []),
    captured_amount_cents: null,
    approval_id: approvalId,
    callback_url: input.callback_url ?? null,
    authorization_token: null,
    payment_handle_id: input.payment_handle_id ?? null,
    kind,
    lease_id: budget.lease?.id ?? null,
    cancellation_reason: null,
    policy_version: policy.version,
    livemode: ctx.workspace.livemode ? 1 : 0,
    created_at: ctx.now,
    decided_at: ctx.now,
    updated_at: ctx.now,
    expires_at: expiresAt,
  };
  if (decision.status === 'approved') row.authorization_token = await authorizationToken(ctx, row, expiresAt!);
  // Everything the decision causes, written at once (one statement on PostgreSQL: see executeWrites).
  const writes: Write[] = [spendInsert(row)];
  if (decision.status === 'approved' && wallet) writes.push(...placeHold(ctx, wallet, row));
  const approval: ApprovalRow | null = approvalId === null ? null : {
    id: approvalId,
    workspace_id: ctx.workspace.id,
    spend_request_id: id,
    agent_id: agent.id,
    status: 'pending',
    note: null,
    decided_by: null,
    override_budget: 0,
    created_at: ctx.now,
    decided_at: null,
    expires_at: expiresAt!,
    approvals_required: policy.approvals_required,
    decided_budget: null,
  };
  if (approval) writes.push(approvalInsert(approval));
  const spend = presentSpend(row, ctx.config.publicUrl);
  const event = transitionEvent(row, ctx.config.publicUrl);
  writes.push(eventWrite(ctx, event.type, event.object).write);
  // A hold on the policy's windows may cross an alert threshold (a statement only when it does).
  if (decision.status === 'approved' && budget.lease === null) writes.push(...(await budgetAlertWrites(ctx, policy, budget, row.amount_cents)));
  // The approval's own event follows the request's. Nothing was held, so the budget read for
  // the decision is the one approving would re-check now.
  if (approval) writes.push(eventWrite(ctx, 'approval.created', presentApproval(approval, row, agent.name, approvalFigure(budget, row.amount_cents), approvalOverrun(budget, row.amount_cents), [], approval.approvals_required)).write);
  writes.push(auditWrite(ctx, 'spend_request.decided', 'spend_request', id, null, { status: spend.status, decision_code: spend.decision_code, violations: spend.violations }));
  if (deferWrites) return { spend, fundingShortfall, writes };
  await executeWrites(ctx.tx, writes);
  return { spend, fundingShortfall };
}

/** Loads a request the actor may see: an agent key sees only its own agent's requests. */
export async function visibleSpend(ctx: ServiceContext, id: string): Promise<SpendRow> {
  const row = await getSpendRow(ctx.tx, ctx.workspace.id, id);
  if (!row || (ctx.actor.type === 'agent' && row.agent_id !== ctx.actor.agentId)) throw new NotFoundError('spend request', id);
  return row;
}

export async function getSpend({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  return presentSpend(await visibleSpend(ctx, input.id), ctx.config.publicUrl);
}

export async function listSpend({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: SpendFilter & { merchant_name?: string | undefined; merchant?: string | undefined; limit: number; cursor?: string | undefined };
}) {
  const merchant = input.merchant_name ?? input.merchant;
  const filter: SpendFilter = { ...input, kinds: requestKinds(), merchant_key: merchant === undefined ? undefined : normalizeMerchant(merchant) };
  if (ctx.actor.type === 'agent') {
    if (filter.agent_id !== undefined && filter.agent_id !== ctx.actor.agentId) return { data: [], has_more: false, next_cursor: null };
    filter.agent_id = ctx.actor.agentId;
  }
  const page = await listSpendRows(ctx.tx, ctx.workspace.id, filter, input.limit, input.cursor);
  return { ...page, data: page.data.map((r) => presentSpend(r, ctx.config.publicUrl)) };
}

const settledStatus = { complete: 'completed', cancel: 'cancelled', fail: 'failed', expire: 'expired' } as const;

/**
 * Ends an approved request's hold: `complete` captures up to the approved amount and releases
 * the rest; `cancel`, `fail` and `expire` release all of it.
 */
export async function settleSpend({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: {
    id: string;
    action: Settlement;
    amount_cents?: number | undefined;
    /** Set when Bursar itself cancels the hold (an agent or a lease revoked). */
    cancellation_reason?: CancellationReason | undefined;
  };
}) {
  // Lock order as in createSpend: the policy, then the leases the hold is charged to, then the
  // wallet; read the request under the locks.
  const found = await visibleSpend(ctx, input.id);
  await lockHoldChain(ctx, found.lease_id, [found.policy_id]);
  const row = await visibleSpend(ctx, input.id);
  if (input.action !== 'complete' && input.amount_cents !== undefined) {
    throw InvalidRequestError.about('amount_cents', 'applies to complete only');
  }
  // Capturing is a use of the authorization: its agent must still be active (cancelling never needs it).
  if (input.action === 'complete') await assertAgentMaySpend(ctx, row.agent_id);
  if (row.status !== 'approved') throw unsettleable(row, input.action);
  const captured = input.action === 'complete' ? (input.amount_cents ?? row.held_cents) : 0;
  if (captured > row.held_cents) {
    throw InvalidRequestError.about('amount_cents', `must be at most the approved ${row.held_cents}`);
  }
  const wallet = row.wallet_id ? await lockWallet(ctx.tx, ctx.workspace.id, row.wallet_id) : undefined;
  if (!wallet) throw new Error(`spend request ${row.id} holds money but its wallet is missing`);
  const description = captured > 0 ? `Capture ${captured} of ${row.held_cents} for ${row.id} at ${row.merchant_name}` : `Release hold of ${row.id} (${settledStatus[input.action]})`;
  await endHold(ctx, wallet, row, captured, description);
  const status = settledStatus[input.action];
  const changes = {
    status,
    held_cents: 0,
    captured_amount_cents: input.action === 'complete' ? captured : null,
    cancellation_reason: input.action === 'cancel' ? (input.cancellation_reason ?? null) : null,
    updated_at: ctx.now,
    expires_at: null,
  };
  if (!(await transitionSpend(ctx.tx, row.id, 'approved', changes))) {
    throw new InvalidStateError(`Spend request ${row.id} changed while settling; retry`);
  }
  const spend = presentSpend({ ...row, ...changes }, ctx.config.publicUrl);
  const event = transitionEvent({ ...row, ...changes }, ctx.config.publicUrl);
  await emitEvent(ctx, event.type, event.object);
  await audit(ctx, `spend_request.${status}`, 'spend_request', row.id, { status: row.status }, { status, captured_amount_cents: changes.captured_amount_cents, cancellation_reason: changes.cancellation_reason });
  return spend;
}

/** Guards the agent API: only a spending key acts as an agent. */
export function requireAgentActor(ctx: ServiceContext): string {
  if (ctx.actor.type !== 'agent') throw new ForbiddenError('This endpoint needs a spending key (bsk_…), not a management key');
  return ctx.actor.agentId;
}
