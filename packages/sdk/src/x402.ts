import type { BursarClient, CallOptions } from './client.js';
import { BursarApiError } from './errors.js';
import type { SpendRequest } from './types.js';
import { atomicToCents, atomicToCentsCeil, checkX402Asset, findX402Asset, knownX402Assets, sameAsset, type X402Asset } from './x402-assets.js';

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
  /** Assets this payer adds to the table of priced ones (a sandbox payer's own test asset). */
  assets?: readonly X402Asset[];
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
 * It prices Bursar's sandbox asset (network `sandbox`, asset `USDC`, 6 decimals, usd), which
 * the CLI demo's paid endpoint asks for; real assets come from the table as for any payer.
 */
export const sandboxPayer: X402Payer = {
  supports: (r) => r.scheme === 'exact' || r.scheme === 'sandbox',
  assets: [{ network: 'sandbox', asset: 'USDC', decimals: 6, currency: 'usd', symbol: 'USDC' }],
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
  if (a === undefined || !/^\d+$/.test(a)) throw new X402Error('invalid_requirement', `the payment requirement has no integer amount: ${JSON.stringify(a)}`);
  return a;
}

/** What Bursar is asked for to pay one requirement: whole cents of the asset's currency. */
export interface X402Quote {
  amount_cents: number;
  currency: string;
  /** The requirement's amount in the asset's atomic units. */
  amount_atomic: string;
  asset: X402Asset;
}

/** Why one option of a 402 is not paid. */
export type X402RefusalCode = 'payer_unsupported' | 'not_allowed' | 'unknown_asset' | 'invalid_amount' | 'not_whole_cents' | 'other_currency';

/** One option of a 402 that is not paid, and why. */
export interface X402Refusal {
  requirement: PaymentRequirement;
  code: X402RefusalCode;
  message: string;
}

/** A network (every asset of it the table knows) or one asset on it, that may be paid. */
export interface X402Allowed {
  network: string;
  asset?: string | undefined;
}

const refusal = (requirement: PaymentRequirement, code: X402RefusalCode, message: string): X402Refusal => ({ requirement, code, message });

/** Prices one requirement by the table; a refusal when the asset is unknown or the amount is not whole cents. */
function priceOption(r: PaymentRequirement, table: readonly X402Asset[]): X402Quote | X402Refusal {
  const asset = findX402Asset(table, r.network, r.asset);
  const where = `${r.asset ?? '(no asset)'} on ${r.network}`;
  if (!asset) return refusal(r, 'unknown_asset', `${where} is not an asset Bursar knows the value of; add it to the assets option to pay in it`);
  const raw = r.amount ?? r.maxAmountRequired;
  if (raw === undefined || !/^\d+$/.test(raw) || BigInt(raw) === 0n) return refusal(r, 'invalid_amount', `${where}: the amount ${JSON.stringify(raw)} is not a positive integer`);
  const cents = atomicToCents(BigInt(raw), asset.decimals);
  if (cents === null) {
    return refusal(r, 'not_whole_cents', `${where}: ${raw} atomic units (${asset.decimals} decimals) is not a whole number of ${asset.currency} cents`);
  }
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) return refusal(r, 'invalid_amount', `${where}: ${raw} atomic units is too large an amount`);
  return { amount_cents: Number(cents), currency: asset.currency, amount_atomic: raw, asset };
}

/** The spend one requirement asks for, priced by the table (default: the known assets); throws X402UnpayableError otherwise. */
export function quoteOf(r: PaymentRequirement, table: readonly X402Asset[] = knownX402Assets): X402Quote {
  const q = priceOption(r, table);
  if ('code' in q) throw new X402UnpayableError([q]);
  return q;
}

/** Which networks and assets may be paid, by what table, in which currency. */
export interface X402Choice {
  payer?: X402Payer | undefined;
  table: readonly X402Asset[];
  allow?: readonly X402Allowed[] | undefined;
  currency?: string | undefined;
}

/** An option of a 402 that may be paid, with what Bursar is asked for it. */
export interface X402Option {
  requirement: PaymentRequirement;
  quote: X402Quote;
}

/** Splits a 402's options into those that may be paid (priced) and those that may not (with why). */
function assessOptions(required: PaymentRequired, opts: X402Choice): { payable: X402Option[]; refusals: X402Refusal[] } {
  const refusals: X402Refusal[] = [];
  const payable: X402Option[] = [];
  for (const r of required.accepts) {
    if (!(opts.payer?.supports?.(r) ?? true)) {
      refusals.push(refusal(r, 'payer_unsupported', `the payer does not pay ${r.scheme} on ${r.network}`));
      continue;
    }
    // Without an allowlist, the table is one: what it does not know is refused as unknown below.
    const allowed = opts.allow?.some((a) => a.network === r.network && (a.asset === undefined || (r.asset !== undefined && sameAsset(a.asset, r.asset)))) ?? true;
    if (!allowed) {
      refusals.push(refusal(r, 'not_allowed', `${r.asset ?? '(no asset)'} on ${r.network} is not in the allowed networks and assets`));
      continue;
    }
    const q = priceOption(r, opts.table);
    if ('code' in q) refusals.push(q);
    else if (opts.currency !== undefined && q.currency !== opts.currency) {
      refusals.push(refusal(r, 'other_currency', `${r.asset} on ${r.network} is priced in ${q.currency}, not ${opts.currency}`));
    } else payable.push({ requirement: r, quote: q });
  }
  return { payable, refusals };
}

/**
 * The option to pay among a 402's: of those the payer supports, the allowlist admits, the table
 * prices exactly and (when `currency` is given) in that currency, the cheapest; the server's
 * order breaks ties. Throws X402UnpayableError, with every option's refusal, when none is left.
 */
export function choosePaymentOption(required: PaymentRequired, opts: X402Choice): X402Option {
  const { payable, refusals } = assessOptions(required, opts);
  const cheapest = payable.reduce<X402Option | undefined>((best, o) => (!best || o.quote.amount_cents < best.quote.amount_cents ? o : best), undefined);
  if (!cheapest) throw new X402UnpayableError(refusals);
  return cheapest;
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

/** The resource server's settlement answer (`PAYMENT-RESPONSE` in v2, `X-PAYMENT-RESPONSE` in v1). */
export interface X402Settlement {
  success: boolean;
  transaction?: string;
  network?: string;
  payer?: string;
  errorReason?: string;
  /** Atomic units settled, when the scheme settles less than the requirement (v2 `upto`). */
  amount?: string;
}

/** Reads the settlement answer of a paid response; null when it carries none (or none that reads as one). */
export function readSettlement(res: Response): X402Settlement | null {
  const header = res.headers.get('payment-response') ?? res.headers.get('x-payment-response');
  if (!header) return null;
  try {
    const v = decodeX402Header<X402Settlement>(header);
    return typeof v?.success === 'boolean' ? v : null;
  } catch {
    return null;
  }
}

/** What ended a 402 flow without a payment, or left its outcome to reconcile. */
export type X402ErrorCode =
  | 'unpayable' | 'invalid_requirement' | 'declined' | 'not_approved' | 'approval_timeout' | 'approval_short'
  | 'payer_failed' | 'outcome_unknown' | 'settled_over_approval';

/** A 402 flow that did not end in a payment: declined, timed out, not payable, or paid otherwise than approved. */
export class X402Error extends Error {
  override readonly name: string = 'X402Error';
  constructor(
    readonly code: X402ErrorCode,
    message: string,
    readonly spend?: SpendRequest,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** No option of a 402 may be paid; `refusals` says why for each. No spend request was made. */
export class X402UnpayableError extends X402Error {
  override readonly name = 'X402UnpayableError';
  constructor(readonly refusals: X402Refusal[]) {
    super('unpayable', `no payment option can be paid: ${refusals.map((r) => `${r.code} (${r.message})`).join('; ') || 'the 402 offered none'}`);
  }
}

/** Options of fetchWithSpend. */
export interface FetchWithSpendOptions {
  /** Pays what Bursar approved (default: sandboxPayer, which moves no money). */
  payer?: X402Payer;
  /** Assets added to the table Bursar prices by (knownX402Assets and the payer's own). */
  assets?: readonly X402Asset[];
  /** The networks and assets that may be paid (default: every asset of the table). */
  allow?: readonly X402Allowed[];
  /**
   * The currency to pay in: options in others are not paid. Default: when the payable options
   * are in more than one currency, the agent's (asked of Bursar); otherwise theirs.
   */
  currency?: string;
  /** The reason recorded on the spend request (default: "x402 payment for <url>"). */
  reason?: string;
  /** The merchant recorded (default: the host of the URL). */
  merchantName?: string;
  category?: string;
  /** How long to wait for a human when the request needs approval (default 10 minutes); then the request is withdrawn. */
  timeoutMs?: number;
  intervalMs?: number;
  /** Reuse across process restarts to keep one spend request per logical purchase. */
  idempotencyKey?: string;
  /** The fetch for the paid resource (default: the global one). */
  fetch?: typeof fetch;
  /** Called once the spend request exists (for printing approval_url). */
  onSpendRequest?: (spend: SpendRequest) => void;
}

/** Ends a hold (or withdraws a pending request) that will not be paid; best effort, the error that ends the flow matters more. */
async function release(client: BursarClient, spend: SpendRequest): Promise<SpendRequest> {
  return client.cancelSpend(spend.id).catch(() => spend);
}

/**
 * Fetches `url`; on a 402 with x402 requirements, picks the cheapest option it may pay (a known
 * asset, allowed, priced exactly in whole cents), asks Bursar to spend that, waits for the
 * decision, and retries with payment only when approved for at least that amount in that
 * currency. No option payable: X402UnpayableError, and no spend request is made.
 *
 * No hold is left behind: a payer that throws, or an approval shorter than the quote, cancels
 * the request; a wait for a human that times out withdraws it. After the paid retry, the
 * settlement answer decides: settled, the spend completes with the settled amount (the quote
 * when the answer names none, or a 2xx carries none); not settled, it fails. A retry that gets
 * no answer at all leaves the hold approved (X402Error `outcome_unknown`): the money may have moved.
 * The request body must be replayable (a string, bytes or URLSearchParams, not a stream).
 */
export async function fetchWithSpend(client: BursarClient, url: string | URL, init: RequestInit = {}, options: FetchWithSpendOptions = {}): Promise<Response> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const payer = options.payer ?? sandboxPayer;
  const added = [...(payer.assets ?? []), ...(options.assets ?? [])];
  for (const a of added) checkX402Asset(a);
  const table = [...knownX402Assets, ...added];
  const first = await doFetch(url, init);
  if (first.status !== 402) return first;
  const required = await readPaymentRequired(first);
  if (!required) return first;

  const choice: X402Choice = { payer, table, allow: options.allow, currency: options.currency?.toLowerCase() };
  // Amounts in different currencies do not compare: then pay in the agent's own.
  if (choice.currency === undefined && new Set(assessOptions(required, choice).payable.map((p) => p.quote.currency)).size > 1) {
    choice.currency = (await client.getBalance()).currency;
  }
  const { requirement, quote } = choosePaymentOption(required, choice);

  const href = String(url);
  const call: CallOptions = options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {};
  let spend: SpendRequest;
  try {
    spend = await client.createSpend(
      {
        amount_cents: quote.amount_cents,
        currency: quote.currency,
        merchant_name: options.merchantName ?? new URL(href).host,
        reason: options.reason ?? `x402 payment for ${href}`,
        ...(options.category ? { category: options.category } : {}),
        metadata: {
          x402_version: required.x402Version,
          scheme: requirement.scheme,
          network: requirement.network,
          asset: quote.asset.asset,
          amount_atomic: quote.amount_atomic,
          pay_to: requirement.payTo,
          resource: href.slice(0, 500),
        },
      },
      call,
    );
  } catch (err) {
    if (err instanceof BursarApiError && err.status === 402) {
      throw new X402Error('declined', `Bursar declined: ${err.message}`, err.body.spend_request as SpendRequest | undefined, { cause: err });
    }
    throw err;
  }
  options.onSpendRequest?.(spend);
  if (spend.status === 'needs_approval') {
    try {
      spend = await client.waitForDecision(spend.id, { ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}) });
    } catch (err) {
      // Withdraw it: approved later, it would hold money no one is waiting to spend.
      const withdrawn = await client.cancelSpend(spend.id).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
      if (!(err instanceof BursarApiError && err.code === 'timeout')) throw err;
      const what = withdrawn instanceof Error ? `withdrawing it failed: ${withdrawn.message}` : `it was withdrawn (${withdrawn.status})`;
      throw new X402Error('approval_timeout', `${err.message}; ${what}`, withdrawn instanceof Error ? spend : withdrawn, { cause: err });
    }
  }
  // Pay only what the policy approved: an approved request for at least the quoted amount, in its currency.
  if (spend.status !== 'approved') throw new X402Error('not_approved', `Bursar did not approve the payment: ${spend.status} (${spend.decision_reason})`, spend);
  if (spend.amount_cents < quote.amount_cents || spend.currency !== quote.currency) {
    const released = await release(client, spend);
    throw new X402Error('approval_short', `the approved spend (${spend.amount_cents} ${spend.currency}) does not cover the quote (${quote.amount_cents} ${quote.currency})`, released);
  }
  let paymentHeaders: Record<string, string>;
  try {
    paymentHeaders = await payer.pay({ url: href, required, requirement, spend });
  } catch (err) {
    const released = await release(client, spend);
    throw new X402Error('payer_failed', `the payer failed: ${err instanceof Error ? err.message : String(err)}; ${spend.id} is ${released.status}`, released, { cause: err });
  }
  const headers = new Headers(init.headers);
  for (const [k, v] of Object.entries(paymentHeaders)) headers.set(k, v);
  let paid: Response;
  try {
    paid = await doFetch(url, { ...init, headers });
  } catch (err) {
    throw new X402Error('outcome_unknown', `the paid request got no answer; ${spend.id} stays approved until it is reconciled or expires`, spend, { cause: err });
  }
  await settle(client, spend, quote, paid);
  return paid;
}

/**
 * Ends the spend as the resource server's settlement answer says. What was paid is recorded in
 * cents rounded up (money already moved: never under-record it), at most the approved hold.
 */
async function settle(client: BursarClient, spend: SpendRequest, quote: X402Quote, paid: Response): Promise<void> {
  const settlement = readSettlement(paid);
  if (!(settlement ? settlement.success : paid.ok)) {
    await client.failSpend(spend.id).catch(() => undefined);
    return;
  }
  const quoted = BigInt(quote.amount_atomic);
  const settled = settlement?.amount !== undefined && /^\d+$/.test(settlement.amount) ? BigInt(settlement.amount) : quoted;
  if (settled > quoted) {
    const done = await client.completeSpend(spend.id, { amount_cents: quote.amount_cents });
    throw new X402Error('settled_over_approval', `the server settled ${settled} atomic units, more than the ${quoted} approved; captured the approved ${quote.amount_cents}`, done);
  }
  const cents = Number(atomicToCentsCeil(settled, quote.asset.decimals));
  if (cents === 0) await client.cancelSpend(spend.id);
  else await client.completeSpend(spend.id, { amount_cents: cents });
}
