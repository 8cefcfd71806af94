import { z } from 'zod';

/** Largest amount one request may name: $10 billion, far below 2^53 so sums stay exact. */
export const MAX_AMOUNT_CENTS = 1_000_000_000_000;

/** zod's message for a missing value, or `message` for a wrong one. */
export function requiredOr(message: string) {
  return (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : message);
}

/** A positive amount in minor units. */
export const amountCents = z
  .number({ error: requiredOr('must be an integer number of cents') })
  .int({ error: 'must be an integer number of cents' })
  .positive({ error: 'must be greater than zero' })
  .max(MAX_AMOUNT_CENTS, { error: `must be at most ${MAX_AMOUNT_CENTS}` });

/** A limit in minor units: zero allowed (a zero budget blocks everything). */
export const limitCents = z
  .number({ error: requiredOr('must be an integer number of cents') })
  .int({ error: 'must be an integer number of cents' })
  .min(0, { error: 'must not be negative' })
  .max(MAX_AMOUNT_CENTS, { error: `must be at most ${MAX_AMOUNT_CENTS}` });

/** The ISO 4217 currencies in use, as the runtime's Intl knows them (upper case). */
const ISO_4217: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** True for a code of a currency in use (`usd`, `EUR`); false for three letters that name none (`usb`). */
export function isCurrencyCode(code: string): boolean {
  return ISO_4217.has(code.toUpperCase());
}

/** ISO 4217 code, case-insensitive on input, lower case inside Bursar. */
export const currency = z
  .string({ error: requiredOr('must be a three-letter ISO 4217 currency code') })
  .regex(/^[A-Za-z]{3}$/, { error: 'must be a three-letter ISO 4217 currency code' })
  .refine(isCurrencyCode, { error: 'must be a three-letter ISO 4217 currency code in use' })
  .transform((c) => c.toLowerCase());

/**
 * An amount in minor units written for people, in the currency's own minor units (`$800.00`,
 * `€12.34`, `¥250`): what Intl knows of ISO 4217 exponents, never guessed.
 */
export function formatMinor(amount: number, currencyCode: string): string {
  const f = new Intl.NumberFormat('en-US', { style: 'currency', currency: currencyCode.toUpperCase() });
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(amount / 10 ** digits);
}
