import { BursarError, ForbiddenError, InvalidStateError, NotFoundError, newId, normalizeMerchant, type Payment, type createPaymentBody } from '@bursar/core';
import type { z } from 'zod';
import { tryTransactionLock, type Database } from '../../db/database.js';
import { railFor, sandboxRail } from '../../rails/rail.js';
import { getAgent } from '../../store/agents.js';
import { addMandateSpend, lockMandate } from '../../store/mandates.js';
import { getPayment as getPaymentRow, insertPayment, jtiUsed, listPayments as listPaymentRows, paymentBySpend, paymentsDue, paymentsPending, transitionPayment, type PaymentFilter, type PaymentRow } from '../../store/control-payments.js';
import { lockPolicy } from '../../store/policies.js';
import type { SpendRow } from '../../store/rows.js';
import { getSpend as getSpendRow } from '../../store/spend.js';
import { normalizeCategory } from '../budget/period-budget.js';
import type { ServiceConfig, ServiceContext } from '../context.js';
import { assertUsable } from './mandates.js';
import { audit, emitEvent } from '../events/outbox.js';
import { runService } from '../run.js';
import { assertAgentMaySpend, createSpend, settleSpend, type SpendOutcome } from '../spend/requests.js';
import { presentPayment } from './present.js';

const replayed = () => new BursarError('execution_token_replayed', 'This execution token was already used; mint a new one for another payment');

/**
 * Executes a governed sandbox payment with an execution token, in one transaction: the token's
 * single use, the agent, the mandate, the policy and budget (the spend engine), the ledger hold
 * and capture, and the sandbox rail. Lock order: policy, mandate, lease, wallet.
 */
export async function createPayment({ ctx, input }: { ctx: ServiceContext; input: z.output<typeof createPaymentBody> }): Promise<{ payment: Payment; fundingShortfall: boolean }> {
  const actor = ctx.actor;
  if (actor.type !== 'execution') throw new ForbiddenError('Payments are executed with an execution token');
  // Across processes the jti is held for this transaction; the unique column settles it for good.
  if (!(await tryTransactionLock(ctx.tx, `jti:${actor.jti}`)) || (await jtiUsed(ctx.tx, actor.jti))) throw replayed();
  const agent = await getAgent(ctx.tx, ctx.workspace.id, actor.agentId);
  if (!agent) throw new BursarError('invalid_execution_token', 'Invalid execution token (unknown agent)');
  await lockPolicy(ctx.tx, ctx.workspace.id, agent.policy_id);
  // The token dies with its agent: its status as of the policy's lock, which pausing and revoking take.
  await assertAgentMaySpend(ctx, agent.id);
  const mandate = await lockMandate(ctx.tx, ctx.workspace.id, actor.mandateId);
  if (!mandate || mandate.agent_id !== agent.id) throw new BursarError('invalid_execution_token', 'Invalid execution token (unknown mandate)');
  assertUsable(mandate, ctx.now);
  const violation = (message: string, field: string) => new BursarError('mandate_violation', message, { field, mandate_id: mandate.id });
  if (input.currency !== mandate.currency) throw violation(`Mandate ${mandate.id} is in ${mandate.currency}`, 'currency');
  if (mandate.max_amount_cents !== null && input.amount_cents > mandate.max_amount_cents) {
    throw violation(`Mandate ${mandate.id} allows at most ${mandate.max_amount_cents} cents per payment`, 'amount_cents');
  }
  const merchants = (JSON.parse(mandate.allowed_merchants) as string[]).map(normalizeMerchant);
  if (merchants.length > 0 && !merchants.includes(normalizeMerchant(input.merchant_name))) throw violation(`Mandate ${mandate.id} does not cover merchant '${input.merchant_name}'`, 'merchant_name');
  const categories = (JSON.parse(mandate.allowed_categories) as string[]).map(normalizeCategory);
  if (categories.length > 0 && (input.category === undefined || !categories.includes(normalizeCategory(input.category)))) {
    throw violation(`Mandate ${mandate.id} does not cover category '${input.category ?? '(none)'}'`, 'category');
  }
  if (mandate.total_limit_cents !== null && mandate.spent_cents + input.amount_cents > mandate.total_limit_cents) {
    throw new BursarError('mandate_exhausted', `Mandate ${mandate.id} has ${mandate.total_limit_cents - mandate.spent_cents} cents left`, { mandate_id: mandate.id });
  }
  const outcome: SpendOutcome = await createSpend({
    ctx,
    input: {
      agent_id: agent.id,
      amount_cents: input.amount_cents,
      currency: input.currency,
      merchant_name: input.merchant_name,
      reason: input.description ?? `Payment under mandate ${mandate.id}`,
      category: input.category,
      metadata: input.metadata,
    },
    kind: 'payment',
  });
  const spend = outcome.spend;
  const id = newId('pay', ctx.now);
  const railParams = input.simulate && input.simulate !== 'success' ? { simulate: input.simulate } : {};
  let status: Payment['status'] = spend.status === 'needs_approval' ? 'requires_approval' : 'declined';
  let railId: string | null = null;
  let failure: string | null = null;
  if (spend.status === 'approved') {
    ({ status, railId, failure } = await executeOnRail(ctx, {
      id, spend_request_id: spend.id, mandate_id: mandate.id, amount_cents: input.amount_cents, currency: input.currency,
      merchant_name: input.merchant_name, description: input.description ?? null, rail: sandboxRail.id, rail_params: JSON.stringify(railParams),
    }));
  }
  const row: PaymentRow = {
    id,
    workspace_id: ctx.workspace.id,
    agent_id: agent.id,
    mandate_id: mandate.id,
    spend_request_id: spend.id,
    token_jti: actor.jti,
    amount_cents: input.amount_cents,
    currency: input.currency,
    merchant_name: input.merchant_name,
    category: input.category ?? null,
    description: input.description ?? null,
    status,
    decision_code: spend.decision_code,
    reasons: JSON.stringify(spend.violations),
    rail: sandboxRail.id,
    rail_transaction_id: railId,
    failure_reason: failure,
    livemode: ctx.workspace.livemode ? 1 : 0,
    created_at: ctx.now,
    updated_at: ctx.now,
    rail_params: JSON.stringify(railParams),
    execution_due_at: null,
  };
  await insertPayment(ctx.tx, row);
  const payment = presentPayment(row);
  await emitEvent(ctx, `payment.${status}`, payment);
  await audit(ctx, `payment.${status}`, 'payment', id, null, { ...payment, jti: actor.jti });
  return { payment, fundingShortfall: outcome.fundingShortfall };
}

type RailInput = Pick<PaymentRow, 'id' | 'spend_request_id' | 'mandate_id' | 'amount_cents' | 'currency' | 'merchant_name' | 'description' | 'rail' | 'rail_params'>;

/**
 * Sends an approved payment to its rail (the payment id is the rail's idempotency reference)
 * and settles its spend request's hold with the answer: captured when completed, released when
 * failed, kept while pending. What did not fail counts against the mandate.
 */
async function executeOnRail(ctx: ServiceContext, p: RailInput): Promise<{ status: Payment['status']; railId: string | null; failure: string | null }> {
  const rail = railFor(p.rail);
  if (!rail) throw new InvalidStateError(`No adapter for rail '${p.rail}' is configured on this server`);
  const params = JSON.parse(p.rail_params) as Record<string, unknown>;
  const r = await rail.execute({
    amountCents: p.amount_cents,
    currency: p.currency,
    merchant: p.merchant_name,
    reference: p.id,
    description: p.description ?? undefined,
    params: Object.keys(params).length > 0 ? params : undefined,
  });
  let status: Payment['status'] = 'processing';
  let failure: string | null = null;
  if (r.status === 'completed') {
    await settleSpend({ ctx, input: { id: p.spend_request_id, action: 'complete' } });
    status = 'succeeded';
  } else if (r.status === 'failed') {
    await settleSpend({ ctx, input: { id: p.spend_request_id, action: 'fail' } });
    status = 'failed';
    failure = r.failureReason ?? 'The rail refused the payment';
  }
  // A pending payment keeps its hold and counts against the mandate until it settles.
  if (status !== 'failed') await addMandateSpend(ctx.tx, p.mandate_id, p.amount_cents, ctx.now);
  return { status, railId: r.id, failure };
}

const dueListeners = new Set<() => void>();

/** Calls `fn` whenever an approved payment has been queued for its rail; returns the unsubscribe function. */
export function onPaymentsDue(fn: () => void): () => void {
  dueListeners.add(fn);
  return () => dueListeners.delete(fn);
}

function notifyPaymentsDue(): void {
  for (const fn of dueListeners) fn();
}

/**
 * Carries a human's decision on a payment that required approval over to the payment, in the
 * approval's transaction. Approved: the payment is `processing` and queued for its rail
 * (execution_due_at), executed once the approval has committed. Declined or expired: `declined`.
 */
export async function decidePaymentApproval(ctx: ServiceContext, spend: SpendRow): Promise<void> {
  const p = await paymentBySpend(ctx.tx, ctx.workspace.id, spend.id);
  if (!p || p.status !== 'requires_approval') return;
  const approved = spend.status === 'approved';
  const changes: Partial<PaymentRow> = approved
    ? { status: 'processing', decision_code: spend.decision_code, execution_due_at: ctx.now, updated_at: ctx.now }
    : {
        status: 'declined',
        decision_code: spend.decision_code,
        failure_reason: spend.status === 'expired' ? 'Nobody approved the payment in time' : spend.decision_reason,
        updated_at: ctx.now,
      };
  if (!(await transitionPayment(ctx.tx, p.id, 'requires_approval', changes))) {
    throw new InvalidStateError(`Payment ${p.id} was decided by someone else first`);
  }
  const payment = presentPayment({ ...p, ...changes });
  await emitEvent(ctx, `payment.${payment.status}`, payment);
  await audit(ctx, `payment.${payment.status}`, 'payment', p.id, { status: p.status }, { status: payment.status, spend_request_id: spend.id });
  if (approved) ctx.afterCommit(notifyPaymentsDue);
}

/**
 * Executes one approved payment queued for its rail, at most once: under its policy's lock and
 * a per-payment lock, it re-reads the queue mark and clears it in the transaction that records
 * the rail's answer. A crash before that commit leaves it queued; the rail, idempotent on the
 * payment id, answers the same transaction when it is run again. Null when nothing was due.
 */
export async function executeApprovedPayment({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<Payment | null> {
  const found = await getPaymentRow(ctx.tx, ctx.workspace.id, input.id);
  if (!found || found.execution_due_at === null) return null;
  const spendBefore = await getSpendRow(ctx.tx, ctx.workspace.id, found.spend_request_id);
  if (!spendBefore) throw new Error(`payment ${found.id} has no spend request`);
  // Lock order as in createPayment: the policy, then the mandate (settling takes the lease and the wallet).
  await lockPolicy(ctx.tx, ctx.workspace.id, spendBefore.policy_id);
  if (!(await tryTransactionLock(ctx.tx, `payment:${found.id}`))) return null;
  const p = (await getPaymentRow(ctx.tx, ctx.workspace.id, input.id))!;
  if (p.execution_due_at === null || p.status !== 'processing') return null;
  const mandate = await lockMandate(ctx.tx, ctx.workspace.id, p.mandate_id);
  const spend = (await getSpendRow(ctx.tx, ctx.workspace.id, p.spend_request_id))!;
  let outcome: { status: Payment['status']; railId: string | null; failure: string | null };
  const unusable = mandate ? mandateProblem(mandate, p.amount_cents, ctx.now) : 'The mandate no longer exists';
  const agent = await getAgent(ctx.tx, ctx.workspace.id, spend.agent_id);
  // Its agent paused since the approval: the payment stays queued, its hold kept, until it is resumed.
  if (spend.status === 'approved' && agent?.status === 'paused') return null;
  if (spend.status !== 'approved') {
    // The hold ended (expired, or its agent was revoked) before the rail was reached: nothing moved.
    outcome = { status: 'failed', railId: null, failure: `The approved hold ended (${spend.status}) before the payment was executed` };
  } else if (unusable !== null) {
    await settleSpend({ ctx, input: { id: spend.id, action: 'cancel' } });
    outcome = { status: 'failed', railId: null, failure: unusable };
  } else {
    outcome = await executeOnRail(ctx, p);
  }
  const changes = { status: outcome.status, rail_transaction_id: outcome.railId, failure_reason: outcome.failure, execution_due_at: null, updated_at: ctx.now };
  if (!(await transitionPayment(ctx.tx, p.id, 'processing', changes))) throw new InvalidStateError(`Payment ${p.id} changed while executing; retry`);
  const payment = presentPayment({ ...p, ...changes });
  await emitEvent(ctx, `payment.${payment.status}`, payment);
  await audit(ctx, `payment.${payment.status}`, 'payment', p.id, { status: 'processing' }, { status: payment.status, rail_transaction_id: payment.rail_transaction_id, failure_reason: payment.failure_reason });
  return payment;
}

/**
 * Asks the rail about a payment it answered `pending` for, and settles the payment's hold with
 * the answer: captured when completed, released (and taken off the mandate) when failed, kept
 * while still pending. Once the hold has ended (expired: the backstop; or cancelled with its
 * agent) the payment is failed and the rail asked no more (see RailAdapter.status).
 */
export async function settlePendingPayment({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<Payment | null> {
  const pending = (p: PaymentRow | undefined): p is PaymentRow & { rail_transaction_id: string } =>
    p !== undefined && p.status === 'processing' && p.execution_due_at === null && p.rail_transaction_id !== null;
  const found = await getPaymentRow(ctx.tx, ctx.workspace.id, input.id);
  if (!pending(found)) return null;
  const spendBefore = await getSpendRow(ctx.tx, ctx.workspace.id, found.spend_request_id);
  if (!spendBefore) throw new Error(`payment ${found.id} has no spend request`);
  // Lock order as in executeApprovedPayment: the policy, then the payment (settling takes the lease and the wallet).
  await lockPolicy(ctx.tx, ctx.workspace.id, spendBefore.policy_id);
  if (!(await tryTransactionLock(ctx.tx, `payment:${found.id}`))) return null;
  const p = await getPaymentRow(ctx.tx, ctx.workspace.id, input.id);
  if (!pending(p)) return null;
  const spend = (await getSpendRow(ctx.tx, ctx.workspace.id, p.spend_request_id))!;
  let status: 'succeeded' | 'failed';
  let failure: string | null = null;
  if (spend.status !== 'approved') {
    status = 'failed';
    failure = `The rail did not settle the payment before its hold ended (${spend.status})`;
  } else {
    const rail = railFor(p.rail);
    if (!rail?.status) return null;
    const params = JSON.parse(p.rail_params) as Record<string, unknown>;
    const r = await rail.status({
      amountCents: p.amount_cents, currency: p.currency, merchant: p.merchant_name, reference: p.id, description: p.description ?? undefined,
      params: Object.keys(params).length > 0 ? params : undefined, railTransactionId: p.rail_transaction_id,
    });
    if (r.status === 'pending') return null;
    if (r.status === 'completed') {
      await settleSpend({ ctx, input: { id: spend.id, action: 'complete' } });
      status = 'succeeded';
    } else {
      await settleSpend({ ctx, input: { id: spend.id, action: 'fail' } });
      status = 'failed';
      failure = r.failureReason ?? 'The rail refused the payment';
    }
  }
  // A pending payment counted against its mandate; one that failed no longer does.
  if (status === 'failed') await addMandateSpend(ctx.tx, p.mandate_id, -p.amount_cents, ctx.now);
  const changes = { status, failure_reason: failure, updated_at: ctx.now };
  if (!(await transitionPayment(ctx.tx, p.id, 'processing', changes))) throw new InvalidStateError(`Payment ${p.id} changed while settling; retry`);
  const payment = presentPayment({ ...p, ...changes });
  await emitEvent(ctx, `payment.${payment.status}`, payment);
  await audit(ctx, `payment.${payment.status}`, 'payment', p.id, { status: 'processing' }, { status: payment.status, rail_transaction_id: payment.rail_transaction_id, failure_reason: payment.failure_reason });
  return payment;
}

/**
 * Asks the rails about every payment they answered pending for (on each sweep); each commits on
 * its own. A payment whose agent is paused stays pending until it is resumed. Returns how many settled.
 */
export async function settlePendingPayments(db: Database, config: ServiceConfig, limit = 100): Promise<number> {
  let done = 0;
  let failure: unknown;
  for (const d of await paymentsPending(db.db, limit)) {
    const caller = { workspace: { id: d.workspace_id, livemode: d.livemode === 1 }, actor: { type: 'system' as const } };
    try {
      if (await runService(db, config, caller, (ctx) => settlePendingPayment({ ctx, input: { id: d.id } }))) done++;
    } catch (err) {
      // Settled by another process, or its agent paused (the hold waits for it): not an error.
      const code = err instanceof BursarError ? err.code : undefined;
      if (!(err instanceof InvalidStateError) && code !== 'agent_paused') failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
  return done;
}

/** Why a mandate can no longer carry an approved payment (revoked, expired, exhausted since), or null. */
function mandateProblem(m: Parameters<typeof assertUsable>[0], amount: number, now: number): string | null {
  try {
    assertUsable(m, now);
  } catch (err) {
    if (err instanceof BursarError) return err.message;
    throw err;
  }
  if (m.total_limit_cents !== null && m.spent_cents + amount > m.total_limit_cents) return `Mandate ${m.id} has ${m.total_limit_cents - m.spent_cents} cents left`;
  return null;
}

/**
 * Runs every approved payment still queued for its rail (after an approval commits, on each
 * sweep, and so after a restart); each commits on its own. Returns how many it executed.
 */
export async function executeDuePayments(db: Database, config: ServiceConfig, limit = 100): Promise<number> {
  let done = 0;
  let failure: unknown;
  for (const d of await paymentsDue(db.db, limit)) {
    const caller = { workspace: { id: d.workspace_id, livemode: d.livemode === 1 }, actor: { type: 'system' as const } };
    try {
      if (await runService(db, config, caller, (ctx) => executeApprovedPayment({ ctx, input: { id: d.id } }))) done++;
    } catch (err) {
      // Another process settled it first: not an error. Anything else stays queued for the next
      // sweep, and is reported once the others have run.
      if (!(err instanceof InvalidStateError)) failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
  return done;
}

function restrictToAgent(ctx: ServiceContext): string | undefined {
  return ctx.actor.type === 'agent' || ctx.actor.type === 'execution' ? ctx.actor.agentId : undefined;
}

export async function getPayment({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const p = await getPaymentRow(ctx.tx, ctx.workspace.id, input.id);
  const own = restrictToAgent(ctx);
  if (!p || (own !== undefined && p.agent_id !== own)) throw new NotFoundError('payment', input.id);
  return presentPayment(p);
}

export async function listPayments({ ctx, input }: { ctx: ServiceContext; input: PaymentFilter & { limit: number; cursor?: string | undefined } }) {
  const own = restrictToAgent(ctx);
  if (own !== undefined) {
    if (input.agent_id !== undefined && input.agent_id !== own) return { data: [], has_more: false, next_cursor: null };
    input = { ...input, agent_id: own };
  }
  const page = await listPaymentRows(ctx.tx, ctx.workspace.id, input, input.limit, input.cursor);
  return { ...page, data: page.data.map(presentPayment) };
}
