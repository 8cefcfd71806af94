import { createHash } from 'node:crypto';

/** A payment a rail is asked to move: already authorized by Bursar's decision. */
export interface RailPayment {
  amountCents: number;
  currency: string;
  merchant: string;
  /** The spend request (or payment) this executes; rails use it as their idempotency reference. */
  reference: string;
  description?: string | undefined;
  /** Rail-specific parameters passed through from the caller (destination, network, …). */
  params?: Record<string, unknown> | undefined;
}

/** A payment a rail answered `pending` for, as Bursar asks about it again. */
export interface PendingRailPayment extends RailPayment {
  /** The rail's transaction id from its first answer. */
  railTransactionId: string;
}

/** What the rail answered. */
export interface RailResult {
  /** The rail's own transaction id. */
  id: string;
  status: 'completed' | 'failed' | 'pending';
  failureReason?: string | undefined;
}

/**
 * One way of moving money (card issuing, bank, on-chain, a PSP). Bursar decides and holds; a
 * rail only executes what was decided. Real rails (Stripe, MoonPay, EVM, custom) implement
 * this interface; the sandbox simulator is the built-in one.
 */
export interface RailAdapter {
  readonly id: string;
  readonly live: boolean;
  execute(payment: RailPayment): Promise<RailResult>;
  /**
   * The outcome of a payment `execute` answered `pending` for: asked on every sweep until it is
   * `completed` or `failed`, while the payment's hold is kept. A rail that can leave a payment
   * pending must settle or void it before the hold expires (BURSAR_HOLD_TTL_SECONDS): at expiry
   * the hold is released and the payment recorded as failed, and Bursar asks no more.
   */
  status?(payment: PendingRailPayment): Promise<RailResult>;
}

/**
 * The sandbox rail: completes every payment at once, except when asked to fail
 * (`params.simulate: "fail"`), to stay pending (`"pending"`), or to answer pending and settle
 * when asked again (`"pending_then_success"`, `"pending_then_fail"`), so integrations can
 * exercise each outcome. Idempotent as a real rail is on its idempotency key:
 * the same reference always answers the same transaction id and outcome, so a retried
 * execution (after a crash before Bursar recorded the answer) never moves money twice.
 */
export const sandboxRail: RailAdapter = {
  id: 'sandbox',
  live: false,
  async execute(payment) {
    const id = `sbx_${createHash('sha256').update(`sandbox:${payment.reference}`).digest('hex').slice(0, 20)}`;
    const simulate = payment.params?.simulate;
    if (simulate === 'fail') return { id, status: 'failed', failureReason: 'Simulated failure (params.simulate = "fail")' };
    if (simulate === 'pending' || simulate === 'pending_then_success' || simulate === 'pending_then_fail') return { id, status: 'pending' };
    return { id, status: 'completed' };
  },
  async status(payment) {
    const simulate = payment.params?.simulate;
    const id = payment.railTransactionId;
    if (simulate === 'pending_then_success') return { id, status: 'completed' };
    if (simulate === 'pending_then_fail') return { id, status: 'failed', failureReason: 'Simulated failure after pending (params.simulate = "pending_then_fail")' };
    return { id, status: 'pending' };
  },
};

const rails = new Map<string, RailAdapter>([[sandboxRail.id, sandboxRail]]);

/** Registers a rail adapter (a real one is plugged in here at start-up). */
export function registerRail(rail: RailAdapter): void {
  rails.set(rail.id, rail);
}

/** The adapter for a rail id, or undefined when none is configured on this server. */
export function railFor(id: string): RailAdapter | undefined {
  return rails.get(id);
}
