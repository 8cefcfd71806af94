import type { BursarClient, CallOptions } from './client.js';
import { BursarApiError } from './errors.js';
import type { SpendRequest } from './types.js';

/**
 * HTTP 402 payments (x402). A paid endpoint answers 402 with its payment requirements: in x402
 * v2 a `PAYMENT-REQUIRED` header (base64 JSON), in v1 a JSON body with `accepts`. Bursar decides
 * whether the agent may pay; only then does a payer produce the payment header for the retry.
 */

/** One way a resource accepts payment (the union of the v1 and v2 field names). */
export interface PaymentRequirement {
  scheme: string;
  network: string;
  /** v2: amount in the asset's atomic units. */
  amount?: string;
  /** v1: the same, under its v1 name. */
  maxAmountRequired?: string;
  asset?: string;
  payTo: string;
  resource?: string;
  description?: string;
  maxTimeoutSeconds?: number;
  extra?: Record<string, unknown> | null;
}

/** What a 402 asked for. */
export interface PaymentRequired {
  x402Version: 1 | 2;
  accepts: PaymentRequirement[];
  resource?: { url?: string; description?: string } | undefined;
  error?: string | undefined;
}

/** Produces the payment for one requirement Bursar approved; returns the headers of the paid retry. */
export interface X402Payer {
  /** Whether this payer can pay a requirement (default: any). */
  supports?(requirement: PaymentRequirement): boolean;
  pay(args: { url: string; required: PaymentRequired; requirement: PaymentRequirement; spend: SpendRequest }): Promise<Record<string, string>>;
}

const toBase64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
const fromBase64 = (s: string) => new TextDecoder().decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));

/** Encodes a JSON value as x402 headers carry it (base64 of UTF-8 JSON). */
export function encodeX402Header(value: unknown): string {
  return toBase64(JSON.stringify(value));
}
/** Decodes an x402 header. */
export function decodeX402Header<T = unknown>(header: string): T {
  return JSON.parse(fromBase64(header.trim())) as T;
}

/**
 * A payer that moves no money: the payment header carries the Bursar spend request id and its
 * signed authorization token, so a sandbox paid endpoint can check that Bursar approved it.
 */
export const sandboxPayer: X402Payer = {
  supports: (r) => r.scheme === 'exact' || r.scheme === 'sandbox',
  async pay({ required, requirement, spend }): Promise<Record<string, string>> {
    const payload = {
      sandbox: true,
      spend_request_id: spend.id,
      authorization_token: spend.authorization_token,
      amount: requirementAmount(requirement),
      pay_to: requirement.payTo,
    };
    if (required.x402Version === 1) {
      return { 'X-PAYMENT': encodeX402Header({ x402Version: 1, scheme: requirement.scheme, network: requirement.network, payload }) };
    }
    return { 'PAYMENT-SIGNATURE': encodeX402Header({ x402Version: 2, resource: required.resource, accepted: requirement, payload }) };
  },
};

/** The atomic-unit amount of a requirement, whichever version named it. */
export function requirementAmount(r: PaymentRequirement): string {
  const a = r.amount ?? r.maxAmountRequired;
  if (a === undefined || !/^\d+$/.test(a)) throw new X402Error(`the payment requirement has no integer amount: ${JSON.stringify(a)}`);
  return a;
}

/**
 * The spend a requirement asks for. Stablecoin amounts are atomic units (6 decimals unless
 * `extra.decimals` says otherwise) of a USD-pegged asset unless `extra.currency` names another;
 * cents round up so Bursar is never asked for less than will be paid.
 */
export function quoteOf(r: PaymentRequirement): { amount_cents: number; currency: string } {
  const decimals = typeof r.extra?.decimals === 'number' ? r.extra.decimals : 6;
  const atomic = BigInt(requirementAmount(r));
  const scale = 10n ** BigInt(decimals);
  const cents = (atomic * 100n + scale - 1n) / scale;
  const currency = typeof r.extra?.currency === 'string' ? r.extra.currency.toLowerCase() : 'usd';
  return { amount_cents: Number(cents), currency };
}

/** Reads the payment requirements of a 402 (v2 header first, then a v1 JSON body); null when it carries none. */
export async function readPaymentRequired(res: Response): Promise<PaymentRequired | null> {
  const header = res.headers.get('payment-required');
  if (header) {
    try {
      const v = decodeX402Header<PaymentRequired>(header);
      if (Array.isArray(v.accepts) && v.accepts.length > 0) return { ...v, x402Version: 2 };
    } catch {
      // fall through to the body
    }
  }
  try {
    const body = (await res.clone().json()) as Partial<PaymentRequired>;
    if (Array.isArray(body.accepts) && body.accepts.length > 0) return { x402Version: 1, accepts: body.accepts, error: body.error };
  } catch {
    // not JSON
  }
  return null;
}

/** A 402 flow that did not end in a payment: declined, timed out, or not payable. */
export class X402Error extends Error {
  override readonly name = 'X402Error';
  constructor(message: string, readonly spend?: SpendRequest) {
    super(message);
  }
}

/** Options of fetchWithSpend. */
export interface FetchWithSpendOptions {
  /** Pays what Bursar approved (default: sandboxPayer, which moves no money). */
  payer?: X402Payer;
  /** The reason recorded on the spend request (default: "x402 payment for <url>"). */
  reason?: string;
  /** The merchant recorded (default: the host of the URL). */
  merchantName?: string;
  category?: string;
  /** How long to wait for a human when the request needs approval (default 10 minutes). */
  timeoutMs?: number;
  intervalMs?: number;
  /** Reuse across process restarts to keep one spend request per logical purchase. */
  idempotencyKey?: string;
  /** The fetch for the paid resource (default: the global one). */
  fetch?: typeof fetch;
  /** Called once the spend request exists (for printing approval_url). */
  onSpendRequest?: (spend: SpendRequest) => void;
}

/**
 * Fetches `url`; on a 402 with x402 requirements, asks Bursar to spend the quoted amount, waits
 * for the decision, and retries with payment only when approved for at least the quoted amount.
 * A successful paid response completes (captures) the spend; a failed one releases it.
 * The request body must be replayable (a string, bytes or URLSearchParams, not a stream).
 */
export async function fetchWithSpend(client: BursarClient, url: string | URL, init: RequestInit = {}, options: FetchWithSpendOptions = {}): Promise<Response> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const payer = options.payer ?? sandboxPayer;
  const first = await doFetch(url, init);
  if (first.status !== 402) return first;
  const required = await readPaymentRequired(first);
  if (!required) return first;
  const requirement = required.accepts.find((r) => payer.supports?.(r) ?? true);
  if (!requirement) throw new X402Error(`no payment option this payer supports (${required.accepts.map((r) => `${r.scheme}/${r.network}`).join(', ')})`);
  const quote = quoteOf(requirement);
  const href = String(url);
  const call: CallOptions = options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {};
  let spend: SpendRequest;
  try {
    spend = await client.createSpend(
      {
        ...quote,
        merchant_name: options.merchantName ?? new URL(href).host,
        reason: options.reason ?? `x402 payment for ${href}`,
        ...(options.category ? { category: options.category } : {}),
        metadata: { x402_version: required.x402Version, pay_to: requirement.payTo, network: requirement.network, resource: href.slice(0, 500) },
      },
      call,
    );
  } catch (err) {
    if (err instanceof BursarApiError && err.status === 402) {
      throw new X402Error(`Bursar declined: ${err.message}`, err.body.spend_request as SpendRequest | undefined);
    }
    throw err;
  }
  options.onSpendRequest?.(spend);
  if (spend.status === 'needs_approval') {
    spend = await client.waitForDecision(spend.id, { ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}) });
  }
  // Pay only what the policy approved: an approved request for at least the quoted amount, in its currency.
  if (spend.status !== 'approved') throw new X402Error(`Bursar did not approve the payment: ${spend.status} (${spend.decision_reason})`, spend);
  if (spend.amount_cents < quote.amount_cents || spend.currency !== quote.currency) {
    throw new X402Error(`the approved spend (${spend.amount_cents} ${spend.currency}) does not cover the quote (${quote.amount_cents} ${quote.currency})`, spend);
  }
  const paymentHeaders = await payer.pay({ url: href, required, requirement, spend });
  const headers = new Headers(init.headers);
  for (const [k, v] of Object.entries(paymentHeaders)) headers.set(k, v);
  const paid = await doFetch(url, { ...init, headers });
  if (paid.ok) await client.completeSpend(spend.id, { amount_cents: quote.amount_cents });
  else await client.failSpend(spend.id).catch(() => undefined);
  return paid;
}
