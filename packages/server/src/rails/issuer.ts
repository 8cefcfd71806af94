import { randomInt } from 'node:crypto';

/** A card as the issuer made it; number and cvc are sealed by Bursar before they are stored. */
export interface IssuedCard {
  /** The issuer's own id of the card (Stripe Issuing `ic_…`, Lithic token). */
  issuerCardId: string;
  number: string;
  cvc: string;
  expMonth: number;
  expYear: number;
  brand: string;
}

/** What Bursar asks an issuer for. Bursar decides every authorization itself; limits here are a second line. */
export interface IssueRequest {
  type: 'multi_use' | 'single_use';
  currency: string;
  /** Bursar's card id, the issuer-side idempotency reference. */
  reference: string;
  spendLimitCents: number | null;
  now: number;
}

/**
 * A card issuer (Stripe Issuing, Lithic, …). Bursar keeps the card's state and decides each
 * authorization through its engine; the issuer makes card numbers and mirrors the state
 * changes so its network stops a frozen or cancelled card too. The sandbox simulator is the
 * built-in implementation; docs/cards.md describes a live one.
 */
export interface CardIssuer {
  readonly id: string;
  readonly live: boolean;
  issue(request: IssueRequest): Promise<IssuedCard>;
  freeze(issuerCardId: string): Promise<void>;
  unfreeze(issuerCardId: string): Promise<void>;
  cancel(issuerCardId: string): Promise<void>;
}

/** The sandbox's test BIN (Visa's well-known test range): its numbers never reach a real network. */
export const SANDBOX_BIN = '424242';

/** The Luhn (mod 10) check digit that completes `partial`. */
export function luhnCheckDigit(partial: string): string {
  let sum = 0;
  // Digits are doubled from the right, starting with the one left of where the check digit goes.
  for (let i = partial.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = partial.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** True when `number` is all digits and passes the Luhn check. */
export function isLuhnValid(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  return luhnCheckDigit(number.slice(0, -1)) === number.slice(-1);
}

function digits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(randomInt(10));
  return s;
}

/** The simulator: 16-digit Luhn-valid numbers from the test BIN, valid for three years. */
export const sandboxIssuer: CardIssuer = {
  id: 'sandbox',
  live: false,
  async issue(request) {
    const partial = SANDBOX_BIN + digits(9);
    const expires = new Date(request.now);
    return {
      issuerCardId: `sim_${request.reference}`,
      number: partial + luhnCheckDigit(partial),
      cvc: digits(3),
      expMonth: expires.getUTCMonth() + 1,
      expYear: expires.getUTCFullYear() + 3,
      brand: 'visa',
    };
  },
  async freeze() {},
  async unfreeze() {},
  async cancel() {},
};

/**
 * The issuer cards are made with. Only the simulator ships with Bursar, in live mode too: such
 * cards say `issuer: "sandbox"` and work only on the sandbox network simulator. A deployment
 * that issues real cards returns its adapter here (docs/cards.md).
 */
export function issuerFor(_livemode: boolean): CardIssuer {
  return sandboxIssuer;
}
