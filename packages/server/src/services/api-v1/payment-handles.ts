import { InvalidRequestError, InvalidStateError, NotFoundError, newId, type ExecutionMode } from '@bursar/core';
import { railFor } from '../../rails/rail.js';
import { lockPolicy } from '../../store/policies.js';
import {
  executionForJti, getHandle, insertExecution, insertHandle, listHandles, updateExecution, type PaymentHandleRow,
} from '../../store/policy-api.js';
import type { ServiceContext } from '../context.js';
import { audit } from '../events/outbox.js';
import { iso } from '../iso.js';
import type { SatClaims } from './sat.js';
import { assertAgentMaySpend, settleSpend, visibleSpend } from '../spend/requests.js';

function presentHandle(h: PaymentHandleRow, defaultId: string | undefined) {
  return { id: h.id, name: h.name, railId: h.rail_id, executionMode: h.execution_mode as ExecutionMode, isDefault: h.id === defaultId, createdAt: iso(h.created_at) };
}

/** Handles of the workspace, oldest first; the oldest is the default an evaluation falls back to. */
export async function listPaymentHandles({ ctx }: { ctx: ServiceContext }) {
  const rows = await listHandles(ctx.tx, ctx.workspace.id);
  return rows.map((h) => presentHandle(h, rows[0]?.id));
}

export async function createPaymentHandle({ ctx, input }: { ctx: ServiceContext; input: { name: string; railId: string; executionMode: ExecutionMode } }) {
  const row: PaymentHandleRow = {
    id: newId('hdl', ctx.now),
    workspace_id: ctx.workspace.id,
    name: input.name,
    rail_id: input.railId,
    execution_mode: input.executionMode,
    livemode: ctx.workspace.livemode ? 1 : 0,
    created_at: ctx.now,
  };
  await insertHandle(ctx.tx, row);
  const first = (await listHandles(ctx.tx, ctx.workspace.id))[0]?.id;
  const handle = presentHandle(row, first);
  await audit(ctx, 'payment_handle.created', 'payment_handle', row.id, null, handle);
  return handle;
}

export interface ExecuteInput {
  paymentHandleId: string;
  sat: string;
  params?: { amountMinor?: number | undefined; currency?: string | undefined; description?: string | undefined; [k: string]: unknown } | undefined;
}

/**
 * Executes an external-executor or managed SAT through its handle's rail, at most once: the
 * execution row (unique on the token's jti) is written in the same transaction as the rail
 * call's outcome, so a second execution of the token finds it. The rail gets the spend request
 * id as its idempotency reference, so a retry after a crash between the rail and the commit is
 * not a second charge. A completed payment captures the amount (the rest is released); a
 * failed one releases the hold; a pending one keeps it.
 */
export async function executePayment({ ctx, input }: { ctx: ServiceContext; input: ExecuteInput & { claims: SatClaims } }) {
  const handle = await getHandle(ctx.tx, ctx.workspace.id, input.paymentHandleId);
  if (!handle) throw new NotFoundError('payment handle', input.paymentHandleId);
  // Verified by the caller before the transaction (readSat); an expired SAT never gets here.
  const { claims } = input;
  if (claims.executionMode === 'sdk') {
    throw new InvalidRequestError('sat: issued for SDK guard mode (executionMode sdk): the agent pays itself and reports POST /api/v1/spend/receipt', 'sat');
  }
  if (claims.paymentHandleId !== handle.id) {
    throw new InvalidRequestError('paymentHandleId: is not the payment handle this SAT was issued for', 'paymentHandleId');
  }
  const before = await visibleSpend(ctx, claims.spendRequestId);
  // Lock order as everywhere: the policy first. A concurrent execution of this SAT waits here, then finds the first.
  await lockPolicy(ctx.tx, ctx.workspace.id, before.policy_id);
  // The SAT dies with its agent, checked before the rail is reached (see assertAgentMaySpend).
  await assertAgentMaySpend(ctx, before.agent_id);
  const prior = await executionForJti(ctx.tx, claims.jti);
  if (prior) throw new InvalidStateError(`This SAT was already executed (transaction ${prior.rail_transaction_id ?? prior.id}, ${prior.status}); a SAT executes at most once`);
  const spend = await visibleSpend(ctx, claims.spendRequestId);
  if (spend.status !== 'approved') throw new InvalidStateError(`Spend request ${spend.id} is ${spend.status}; only an approved request can be executed`);
  const { amountMinor, currency, description, ...railParams } = input.params ?? {};
  const amount = amountMinor ?? spend.held_cents;
  if (amount > spend.held_cents) throw new InvalidRequestError(`params.amountMinor: must be at most the authorized ${spend.held_cents}`, 'params.amountMinor');
  if (currency !== undefined && currency.toLowerCase() !== spend.currency) {
    throw new InvalidRequestError(`params.currency: must be '${spend.currency}', the authorized currency`, 'params.currency');
  }
  const rail = railFor(handle.rail_id);
  if (!rail) throw new InvalidStateError(`No adapter for rail '${handle.rail_id}' is configured on this server (docs/rails.md)`);
  if (rail.live === !ctx.workspace.livemode) {
    throw new InvalidStateError(`Rail '${rail.id}' is ${rail.live ? 'live' : 'a simulator'}; this workspace is ${ctx.workspace.livemode ? 'live' : 'sandbox'}`);
  }
  const id = newId('pay', ctx.now);
  await insertExecution(ctx.tx, {
    id, workspace_id: ctx.workspace.id, spend_request_id: spend.id, payment_handle_id: handle.id, sat_jti: claims.jti,
    rail_id: rail.id, amount_cents: amount, currency: spend.currency, status: 'processing', rail_transaction_id: null,
    failure_reason: null, created_at: ctx.now,
  });
  const result = await rail.execute({ amountCents: amount, currency: spend.currency, merchant: spend.merchant_name, reference: spend.id, description, params: railParams });
  await updateExecution(ctx.tx, id, { status: result.status, rail_transaction_id: result.id, failure_reason: result.failureReason ?? null });
  if (result.status === 'completed') await settleSpend({ ctx, input: { id: spend.id, action: 'complete', amount_cents: amount } });
  if (result.status === 'failed') await settleSpend({ ctx, input: { id: spend.id, action: 'fail' } });
  await audit(ctx, `payment.${result.status}`, 'payment', id, null, { spend_request_id: spend.id, rail_id: rail.id, amount_cents: amount, rail_transaction_id: result.id, failure_reason: result.failureReason ?? null });
  return {
    executed: result.status !== 'failed',
    spendRequestId: spend.id,
    transaction: { id: result.id, status: result.status },
  };
}
