import { InvalidRequestError, newId, normalizeMerchant, type AnomalyFlag } from '@bursar/core';
import { lockPolicy } from '../../store/policies.js';
import { insertReceipt, receiptForJti, type ReceiptRow } from '../../store/policy-api.js';
import type { ServiceContext } from '../context.js';
import { audit, emitEvent } from '../events/outbox.js';
import { iso } from '../iso.js';
import type { SatClaims } from './sat.js';
import { assertAgentMaySpend, settleSpend, visibleSpend } from '../spend/requests.js';

/** What the agent reports it actually paid (POST /api/v1/spend/receipt, SDK guard mode). */
export interface ReceiptInput {
  spendRequestId: string;
  sat: string;
  railId: string;
  providerTransactionId?: string | null | undefined;
  destination?: string | null | undefined;
  actualNetwork?: string | null | undefined;
  actualAmountMinor: number;
  actualCurrency: string;
  actualMerchantNormalized?: string | null | undefined;
  rawReceipt?: Record<string, unknown> | null | undefined;
}

function present(r: ReceiptRow) {
  return { receiptId: r.id, anomalyFlags: JSON.parse(r.anomaly_flags) as AnomalyFlag[], recorded: true };
}

/**
 * Records what was actually paid against a SAT, flags every difference from what was
 * authorized, and completes the spend request: it captures the actual amount up to the
 * authorized one and releases the rest. An overage cannot be captured (the money held is the
 * authorized amount); it is flagged, emitted as an event and audited for the operator.
 * Idempotent per SAT: the same token answers the same receipt.
 */
export async function recordReceipt({ ctx, input }: { ctx: ServiceContext; input: ReceiptInput & { claims: SatClaims } }) {
  // Verified by the caller before the transaction (readSat, with allowExpired: a late payment is still reported).
  const { claims } = input;
  if (claims.spendRequestId !== input.spendRequestId) {
    throw new InvalidRequestError('spendRequestId: is not the spend request this SAT authorizes', 'spendRequestId');
  }
  const before = await visibleSpend(ctx, input.spendRequestId);
  if (claims.executionMode !== 'sdk') {
    throw new InvalidRequestError(`sat: issued for ${claims.executionMode} execution; execute it with POST /api/v1/payment/execute`, 'sat');
  }
  // Lock order as everywhere: the policy first. A second receipt for this SAT waits here, then finds the first.
  await lockPolicy(ctx.tx, ctx.workspace.id, before.policy_id);
  const existing = await receiptForJti(ctx.tx, claims.jti);
  if (existing) return present(existing);
  // A SAT of a paused or revoked agent is not honoured (see assertAgentMaySpend).
  await assertAgentMaySpend(ctx, before.agent_id);
  const spend = await visibleSpend(ctx, input.spendRequestId);

  const currency = input.actualCurrency.toLowerCase();
  const flags: AnomalyFlag[] = [];
  if (input.actualAmountMinor !== claims.amountCents) flags.push('AMOUNT_MISMATCH');
  if (input.actualAmountMinor > claims.amountCents) flags.push('AMOUNT_OVER_AUTHORIZED');
  if (currency !== claims.currency) flags.push('CURRENCY_MISMATCH');
  const merchant = input.actualMerchantNormalized ? normalizeMerchant(input.actualMerchantNormalized) : null;
  if (merchant !== null && merchant !== claims.merchantNormalized) flags.push('MERCHANT_MISMATCH');
  if (claims.expiresAt <= ctx.now) flags.push('EXPIRED_AUTHORIZATION');
  if (claims.railId !== null && claims.railId !== input.railId) flags.push('RAIL_MISMATCH');

  let captured = 0;
  if (spend.status === 'approved') {
    // In another currency the actual amount says nothing about ours: count the whole authorization as spent.
    captured = currency === claims.currency ? Math.min(input.actualAmountMinor, spend.held_cents) : spend.held_cents;
    await settleSpend({ ctx, input: { id: spend.id, action: 'complete', amount_cents: captured } });
  } else {
    // Paid after the hold ended (expired, cancelled, already completed): nothing left to capture.
    flags.push('SPEND_REQUEST_NOT_OPEN');
  }
  const row: ReceiptRow = {
    id: newId('rct', ctx.now),
    workspace_id: ctx.workspace.id,
    spend_request_id: spend.id,
    sat_jti: claims.jti,
    rail_id: input.railId,
    provider_transaction_id: input.providerTransactionId ?? null,
    destination: input.destination ?? null,
    actual_network: input.actualNetwork ?? null,
    actual_amount_cents: input.actualAmountMinor,
    actual_currency: currency,
    actual_merchant: input.actualMerchantNormalized ?? null,
    raw_receipt: input.rawReceipt ? JSON.stringify(input.rawReceipt) : null,
    anomaly_flags: JSON.stringify(flags),
    captured_cents: captured,
    created_at: ctx.now,
  };
  await insertReceipt(ctx.tx, row);
  const receipt = {
    id: row.id,
    object: 'receipt',
    spend_request_id: spend.id,
    rail_id: row.rail_id,
    provider_transaction_id: row.provider_transaction_id,
    authorized_amount_cents: claims.amountCents,
    actual_amount_cents: row.actual_amount_cents,
    actual_currency: currency,
    captured_amount_cents: captured,
    overage_cents: Math.max(0, input.actualAmountMinor - claims.amountCents),
    anomaly_flags: flags,
    created_at: iso(ctx.now),
  };
  await emitEvent(ctx, 'receipt.recorded', receipt);
  await audit(ctx, flags.length > 0 ? 'receipt.anomaly' : 'receipt.recorded', 'receipt', row.id, null, receipt);
  return present(row);
}
