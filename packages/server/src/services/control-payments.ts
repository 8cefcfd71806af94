import { BursarError, ForbiddenError, NotFoundError, newId, normalizeMerchant, type Payment } from '@bursar/core';
import type { z } from 'zod';
import type { createPaymentBody } from '@bursar/core';
import { tryTransactionLock } from '../db/database.js';
import { sandboxRail } from '../rails/rail.js';
import { getAgent } from '../store/agents.js';
import { addMandateSpend, lockMandate } from '../store/mandates.js';
import { getPayment as getPaymentRow, insertPayment, jtiUsed, listPayments as listPaymentRows, type PaymentFilter, type PaymentRow } from '../store/control-payments.js';
import { lockPolicy } from '../store/policies.js';
import { normalizeCategory } from './budget.js';
import type { ServiceContext } from './context.js';
import { assertUsable } from './mandates.js';
import { audit, emitEvent } from './outbox.js';
import { iso } from './present.js';
import { createSpend, settleSpend, type SpendOutcome } from './spend.js';

export function presentPayment(p: PaymentRow): Payment {
  return {
    id: p.id,
    object: 'payment',
    status: p.status as Payment['status'],
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
  if (agent.status === 'revoked') throw new BursarError('agent_revoked', `Agent ${agent.id} is revoked`);
  if (agent.status === 'paused') throw new BursarError('agent_paused', `Agent ${agent.id} is paused`);
  await lockPolicy(ctx.tx, ctx.workspace.id, agent.policy_id);
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
  let status: Payment['status'] = spend.status === 'approved' ? 'processing' : spend.status === 'needs_approval' ? 'requires_approval' : 'declined';
  let railId: string | null = null;
  let failure: string | null = null;
  if (spend.status === 'approved') {
    const r = await sandboxRail.execute({
      amountCents: input.amount_cents,
      currency: input.currency,
      merchant: input.merchant_name,
      reference: id,
      description: input.description,
      params: input.simulate && input.simulate !== 'success' ? { simulate: input.simulate } : undefined,
    });
    railId = r.id;
    if (r.status === 'completed') {
      await settleSpend({ ctx, input: { id: spend.id, action: 'complete' } });
      status = 'succeeded';
    } else if (r.status === 'failed') {
      await settleSpend({ ctx, input: { id: spend.id, action: 'fail' } });
      status = 'failed';
      failure = r.failureReason ?? 'The rail refused the payment';
    }
    // A pending payment keeps its hold and counts against the mandate until it settles.
    if (status !== 'failed') await addMandateSpend(ctx.tx, mandate.id, input.amount_cents, ctx.now);
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
  };
  await insertPayment(ctx.tx, row);
  const payment = presentPayment(row);
  await emitEvent(ctx, `payment.${status}`, payment);
  await audit(ctx, `payment.${status}`, 'payment', id, null, { ...payment, jti: actor.jti });
  return { payment, fundingShortfall: outcome.fundingShortfall };
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
