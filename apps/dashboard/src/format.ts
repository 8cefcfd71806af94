import { BursarApiError } from '@bursar/sdk';

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat {
  const code = currency.toUpperCase();
  let f = moneyFormats.get(code);
  if (!f) {
    f = new Intl.NumberFormat(undefined, { style: 'currency', currency: code });
    moneyFormats.set(code, f);
  }
  return f;
}

/** Minor units in their currency, in the viewer's locale: 12345 usd → $123.45, 500 jpy → ¥500. */
export function money(cents: number, currency: string): string {
  const f = moneyFormat(currency);
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(cents / 10 ** digits);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An ISO timestamp in the viewer's own time zone. */
export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  return timeFormat.format(new Date(iso));
}

const preciseFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });

/** An ISO timestamp to the second, with its time zone: for records an operator lines up with logs and receipts. */
export function preciseTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return preciseFormat.format(new Date(iso));
}

/** "in 3 h", "12 min ago": for expiries and recent events. */
export function relative(iso: string, now = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (abs < 60_000) return rtf.format(Math.round(diff / 1000), 'second');
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < 86_400_000) return rtf.format(Math.round(diff / 3_600_000), 'hour');
  return rtf.format(Math.round(diff / 86_400_000), 'day');
}

/**
 * The message of an error from the API or the network, for an inline alert. A server failure
 * carries its request id: the one thing an operator can quote to find it in the server's logs.
 */
export function describeError(err: unknown): string {
  if (err instanceof BursarApiError && err.status >= 500 && err.requestId) return `${err.message} (request id ${err.requestId})`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** What to do about an error that kept a page from loading; undefined when its message says it all. */
export function errorHint(err: unknown): string | undefined {
  const status = err instanceof BursarApiError ? err.status : 0;
  if (status === 0) return 'Check that the server is running, then try again.';
  if (status === 401) return 'Your session has ended: sign in again.';
  if (status === 403) return 'This session may not do that.';
  if (status === 404) return 'It does not exist in this workspace: it may have been deleted, or the link is wrong.';
  if (status === 429) return 'The server is busy: try again in a moment.';
  if (status >= 500) return err instanceof BursarApiError && err.requestId ? "The server failed: quote the request id when you report it (it names the failure in the server's log)." : 'The server failed: try again, or look at its log.';
  return undefined;
}

/** The field an API refusal names (`url`, `allowed_merchants.3`) and its message without the `field: ` prefix, to show under that field. */
export function fieldError(err: unknown): { field?: string; message: string } {
  const field = err instanceof BursarApiError ? err.field : undefined;
  return { ...(field ? { field } : {}), message: describeError(err).replace(/^[\w.]+: /, '') };
}

/** A message as a sentence: its first letter capitalised (the API's messages start lower case). */
export function sentence(message: string): string {
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}`;
}

/** The form field a refusal names (`limits.daily` → `limits`), when it is one of the form's `fields`. */
export function refusedField<K extends string>(error: { field?: string } | undefined, fields: readonly K[]): K | undefined {
  const field = error?.field?.split('.')[0] as K | undefined;
  return field !== undefined && fields.includes(field) ? field : undefined;
}

/** A status or other API word for people: `needs_approval` → `needs approval`. */
export function words(value: string): string {
  return value.replace(/_/g, ' ');
}

/** Digits after the decimal point of a currency (2 for usd, 0 for jpy); 2 for a code Intl does not know. */
export function currencyDigits(currency: string): number {
  try {
    return moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** The minor units per major unit of a currency (100 for usd, 1 for jpy). */
export function minorPerMajor(currency: string): number {
  return 10 ** currencyDigits(currency);
}

/** Largest amount the API accepts, in minor units (core's MAX_AMOUNT_CENTS). */
export const MAX_AMOUNT_CENTS = 1_000_000_000_000;

/**
 * An amount typed in major units ("1,250.50") as minor units, or why it is not one.
 * Blank is `null`: no limit.
 */
export function parseAmount(text: string, currency: string): { cents: number | null } | { error: string } {
  const t = text.trim().replace(/[\s,_]/g, '');
  if (t === '') return { cents: null };
  const digits = currencyDigits(currency);
  const re = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`);
  if (!re.test(t)) {
    if (/^-/.test(t)) return { error: 'Must not be negative.' };
    return { error: digits === 0 ? `Enter a whole amount, e.g. 500: ${currency.toUpperCase()} has no decimals.` : `Enter an amount such as 250 or 99.50 (at most ${digits} decimals).` };
  }
  const [whole, frac = ''] = t.split('.');
  const cents = Number(whole) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(cents) || cents > MAX_AMOUNT_CENTS) return { error: `Must be at most ${money(MAX_AMOUNT_CENTS, currency)}.` };
  return { cents };
}

/** An example amount for an input, in the currency's own digits: 250 → "250.00" in usd, "250" in jpy. */
export function amountPlaceholder(major: number, currency: string): string {
  return amountText(major * minorPerMajor(currency), currency);
}

/** Minor units as the plain major-unit text an input shows ("1250.5" → "1250.50"); blank for null. */
export function amountText(cents: number | null | undefined, currency: string): string {
  if (cents === null || cents === undefined) return '';
  const digits = currencyDigits(currency);
  return digits === 0 ? String(cents) : (cents / 10 ** digits).toFixed(digits);
}

/** A merchant or category list typed one per line, as the API takes it. */
export function nameList(text: string): string[] {
  return text.split('\n').map((s) => s.trim()).filter((s) => s !== '');
}

/** Why the API would refuse such a list (core's nameList): at most 500 names of at most 200 characters. */
export function nameListError(text: string): string | undefined {
  const items = nameList(text);
  if (items.length > 500) return 'At most 500 entries.';
  const long = items.find((i) => i.length > 200);
  return long ? `"${long.slice(0, 20)}…" is longer than 200 characters.` : undefined;
}

const externalWords: Record<string, string> = {
  funding: 'Funding from outside Bursar',
  merchants: 'Paid to merchants',
  transfers: 'Transfers between workspaces',
};

/**
 * A ledger account in words: `wal_…:available` → "USD wallet · available", `wal_…:held` → "USD
 * wallet · held for approved requests", `external:merchants:usd` → "Paid to merchants (USD)". The
 * raw account stays available as the title. Unknown shapes read as they are.
 */
export function accountWords(account: string, currency: string): string {
  const [first, second, third] = account.split(':');
  if (first === 'external' && second && third) return `${externalWords[second] ?? words(second)} (${third.toUpperCase()})`;
  if (first?.startsWith('wal_') && second === 'available') return `${currency.toUpperCase()} wallet · available`;
  if (first?.startsWith('wal_') && second === 'held') return `${currency.toUpperCase()} wallet · held for approved requests`;
  return account;
}
