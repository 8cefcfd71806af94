import { InvalidStateError } from '@bursar/core';
import type { Database } from '../db/database.js';
import { purgeIdempotency } from '../store/idempotency.js';
import { dueForExpiry } from '../store/spend.js';
import { leasesDue } from '../store/leases.js';
import { expireApproval } from './approvals/approvals.js';
import { expireCardAuthorizations } from './cards/authorizations.js';
import { settleStaleFundingHolds } from './cards/checkout.js';
import { executeDuePayments, onPaymentsDue, settlePendingPayments } from './control/payments.js';
import { expireLease } from './budget/lease-endings.js';
import type { ServiceConfig } from './context.js';
import { runService } from './run.js';
import { settleSpend } from './spend/requests.js';

const BATCH = 200;

/**
 * Runs one expiry; if the item was settled meanwhile (an operator, the agent, or a sweeper in
 * another process got there first), that is not an error: answer null and go on.
 */
async function unlessSettled<T>(fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof InvalidStateError) return null;
    throw err;
  }
}

/**
 * Expires what timed out: pending approvals nobody decided, and approved holds never
 * completed (their money goes back to available). Each item commits on its own, so one
 * failure never blocks the rest. Returns how many it expired.
 */
export async function expireDue(db: Database, config: ServiceConfig, now = Date.now()): Promise<{ approvals: number; holds: number }> {
  let approvals = 0;
  let holds = 0;
  // Approved payments not yet executed (a crash or a restart since their approval) go first,
  // before their holds could time out below.
  // A rail that is down must not stop the rest of the sweep: its error is reported at the end.
  const failed = (err: unknown) => err ?? new Error('payment execution failed');
  let paymentsFailure: unknown = await executeDuePayments(db, config, BATCH).then(() => undefined, failed);
  // Then what the rails answered pending for, settled before their holds could time out below.
  paymentsFailure ??= await settlePendingPayments(db, config, BATCH).then(() => undefined, failed);
  for (const row of await dueForExpiry(db.db, 'needs_approval', now, BATCH)) {
    const caller = { workspace: { id: row.workspace_id, livemode: row.livemode === 1 }, actor: { type: 'system' as const } };
    const done = await unlessSettled(() => runService(db, config, caller, (ctx) => expireApproval({ ctx, input: { id: row.approval_id! } })));
    if (done) approvals++;
  }
  for (const row of await dueForExpiry(db.db, 'approved', now, BATCH)) {
    const caller = { workspace: { id: row.workspace_id, livemode: row.livemode === 1 }, actor: { type: 'system' as const } };
    if (await unlessSettled(() => runService(db, config, caller, (ctx) => settleSpend({ ctx, input: { id: row.id, action: 'expire' } })))) holds++;
  }
  // Card authorizations whose hold timed out (or was expired just above) free their card's limit.
  await expireCardAuthorizations(db, config, now, BATCH);
  await settleStaleFundingHolds(db, config, BATCH);
  for (const lease of await leasesDue(db.db, now, BATCH)) {
    const caller = { workspace: { id: lease.workspace_id, livemode: lease.livemode === 1 }, actor: { type: 'system' as const } };
    await unlessSettled(() => runService(db, config, caller, (ctx) => expireLease({ ctx, input: { id: lease.id } })));
  }
  await purgeIdempotency(db.db, now);
  if (paymentsFailure !== undefined) throw paymentsFailure;
  return { approvals, holds };
}

/** Runs `expireDue` every `intervalMs`, and due payments as soon as they are approved, until stopped; errors are reported, never thrown. */
export function startSweeper(
  db: Database,
  config: ServiceConfig,
  intervalMs: number,
  onError: (err: unknown) => void,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let payments: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = expireDue(db, config).catch(onError);
  };
  const timer = setInterval(() => {
    if (!stopped) tick();
  }, intervalMs);
  timer.unref();
  // An approval of a payment wakes its execution at once, one run at a time in this process.
  const unsubscribe = onPaymentsDue(() => {
    if (!stopped) payments = payments.then(() => executeDuePayments(db, config)).catch(onError);
  });
  tick();
  return {
    async stop() {
      stopped = true;
      unsubscribe();
      clearInterval(timer);
      await running;
      await payments;
    },
  };
}
