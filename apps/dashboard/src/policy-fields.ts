import { alertThresholdsPercent, approvalsRequired, DEFAULT_ALERT_THRESHOLDS_PERCENT } from '@bursar/core';
import type { Policy, PolicyInput } from '@bursar/sdk';
import { amountText, money, nameList, nameListError, parseAmount, sentence, words } from './format.js';

/** The policy form's fields, the API's rules for each, and the conversions to and from a policy. */
export type MoneyKey =
  | 'max_single_amount_cents' | 'require_approval_over_cents' | 'daily_limit_cents' | 'weekly_limit_cents' | 'monthly_limit_cents' | 'total_limit_cents';
export type CountKey = 'max_transactions_per_minute' | 'max_transactions_per_hour';
export type ListKey = 'allowed_merchants' | 'blocked_merchants' | 'allowed_categories' | 'blocked_categories';
export type TextKey = 'name' | 'currency' | 'timezone';
/** Who must approve and when to alert: judged by the core schema's own rules. */
export type RuleKey = 'approvals_required' | 'alert_thresholds_percent';
export type Key = TextKey | MoneyKey | CountKey | ListKey | RuleKey;

export const moneyFields: Array<[MoneyKey, string, string]> = [
  ['max_single_amount_cents', 'Largest single spend', 'A request above this is declined.'],
  ['require_approval_over_cents', 'Ask a human above', 'Requests above this wait in Approvals.'],
  ['daily_limit_cents', 'Daily budget', 'Shared by every agent under the policy; resets at midnight in its time zone.'],
  ['weekly_limit_cents', 'Weekly budget', 'Resets on Monday.'],
  ['monthly_limit_cents', 'Monthly budget', 'Resets on the 1st.'],
  ['total_limit_cents', 'Lifetime budget', 'Never resets.'],
];
export const countFields: Array<[CountKey, string]> = [
  ['max_transactions_per_minute', 'Requests per minute'],
  ['max_transactions_per_hour', 'Requests per hour'],
];
export const listFields: Array<[ListKey, string, string]> = [
  ['allowed_merchants', 'Allowed merchants', 'One per line. Empty: any merchant. "OpenAI", "openai.com" and "OPENAI INC" are one merchant.'],
  ['blocked_merchants', 'Blocked merchants', 'One per line. Always declined.'],
  ['allowed_categories', 'Allowed categories', 'One per line. Empty: any category.'],
  ['blocked_categories', 'Blocked categories', 'One per line. Always declined.'],
];
export const ruleFields: Array<[RuleKey, string, string]> = [
  ['approvals_required', 'Operators who must approve', 'Distinct operators (1–5) who must approve a request that waits in Approvals; any one decline declines it.'],
  ['alert_thresholds_percent', 'Alert at (% of each budget)', 'Up to 5 percents, e.g. "80, 100": a budget.threshold_crossed event when spent + held reaches each. Empty: no alerts.'],
];
export const labels: Record<Key, string> = {
  name: 'Name', currency: 'Currency', timezone: 'Time zone',
  ...Object.fromEntries(ruleFields.map(([k, l]) => [k, l])),
  ...Object.fromEntries(moneyFields.map(([k, l]) => [k, l])),
  ...Object.fromEntries(countFields.map(([k, l]) => [k, l])),
  ...Object.fromEntries(listFields.map(([k, l]) => [k, l])),
} as Record<Key, string>;
export const allKeys = Object.keys(labels) as Key[];

export type Values = Record<Key, string> & { is_active: boolean };
export type Errors = Partial<Record<Key, string>>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** "80, 100%" → [80, 100]; a part that is not a whole number → NaN, which the schema refuses. */
function percents(text: string): number[] {
  const parts = text.split(/[\s,;]+/).map((p) => p.replace(/%$/, '')).filter((p) => p !== '');
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : Number.NaN));
}

/** The first message the core schema gives for `value`, as a sentence; undefined when it accepts it. */
function schemaError(schema: { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ message: string }> } } }, value: unknown): string | undefined {
  const r = schema.safeParse(value);
  return r.success ? undefined : `${sentence(r.error?.issues[0]?.message ?? 'not accepted')}.`;
}

/** Why a field's value would be refused, in the words the API uses; undefined when it is fine. */
export function validateField(key: Key, v: Values): string | undefined {
  const value = v[key];
  switch (key) {
    case 'name':
      if (value.trim() === '') return 'Give the policy a name, e.g. "Research agents".';
      return value.trim().length > 200 ? 'Must be at most 200 characters.' : undefined;
    case 'currency':
      return /^[A-Za-z]{3}$/.test(value.trim()) ? undefined : 'Must be a three-letter ISO 4217 code, e.g. usd or eur.';
    case 'timezone':
      return isTimeZone(value.trim()) ? undefined : 'Must be an IANA time zone such as UTC or Europe/Paris.';
    case 'max_transactions_per_minute':
    case 'max_transactions_per_hour': {
      const t = value.trim();
      if (t === '') return undefined;
      if (!/^\d+$/.test(t)) return 'Must be a whole number (leave empty for no limit).';
      return Number(t) > 1_000_000 ? 'Must be at most 1,000,000.' : undefined;
    }
    case 'allowed_merchants':
    case 'blocked_merchants':
    case 'allowed_categories':
    case 'blocked_categories':
      return nameListError(value);
    case 'approvals_required':
      return schemaError(approvalsRequired, /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN);
    case 'alert_thresholds_percent':
      return schemaError(alertThresholdsPercent, percents(value));
    default: {
      const currency = /^[A-Za-z]{3}$/.test(v.currency.trim()) ? v.currency.trim() : 'usd';
      const parsed = parseAmount(value, currency);
      return 'error' in parsed ? parsed.error : undefined;
    }
  }
}

export function valuesOf(p: Policy | undefined): Values {
  const currency = p?.currency ?? 'usd';
  const v = {
    name: p?.name ?? '',
    currency,
    timezone: p?.timezone ?? 'UTC',
    approvals_required: String(p?.approvals_required ?? 1),
    alert_thresholds_percent: (p?.alert_thresholds_percent ?? DEFAULT_ALERT_THRESHOLDS_PERCENT).join(', '),
    is_active: p?.is_active ?? true,
  } as Values;
  for (const [k] of moneyFields) v[k] = amountText(p?.[k] ?? null, currency);
  for (const [k] of countFields) v[k] = p?.[k] === null || p?.[k] === undefined ? '' : String(p[k]);
  for (const [k] of listFields) v[k] = (p?.[k] ?? []).join('\n');
  return v;
}

export function bodyOf(v: Values, editing: boolean): PolicyInput {
  const currency = v.currency.trim().toLowerCase();
  const body: Record<string, unknown> = { name: v.name.trim(), timezone: v.timezone.trim(), is_active: v.is_active };
  // The currency of an existing policy never changes: the server refuses it, so it is not sent.
  if (!editing) body.currency = currency;
  for (const [k] of moneyFields) {
    const parsed = parseAmount(v[k], currency);
    body[k] = 'cents' in parsed ? parsed.cents : null;
  }
  for (const [k] of countFields) body[k] = v[k].trim() === '' ? null : Number(v[k].trim());
  for (const [k] of listFields) body[k] = nameList(v[k]);
  body.approvals_required = Number(v.approvals_required.trim());
  body.alert_thresholds_percent = percents(v.alert_thresholds_percent);
  return body as PolicyInput;
}

const bookkeeping = new Set<keyof Policy>(['id', 'object', 'livemode', 'version', 'created_at', 'updated_at']);
const versionLabels: Partial<Record<keyof Policy, string>> = { alert_thresholds_percent: 'Alerts at', is_active: 'Active' };

/** What changed from one version of a policy to the next, field by field, in the form's words ("Monthly budget: $500.00 → $50.00"). */
export function describeChanges(older: Policy, newer: Policy): string[] {
  const shown = (k: keyof Policy, p: Policy): string => {
    const v = p[k];
    if (v === null || v === undefined) return 'none';
    if (moneyFields.some(([m]) => m === k)) return money(v as number, p.currency);
    if (Array.isArray(v)) return v.length === 0 ? 'none' : k === 'alert_thresholds_percent' ? v.map((t) => `${t}%`).join(', ') : v.join(', ');
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    return String(v);
  };
  // Every field a version carries but its bookkeeping: a field added to policies later shows without a change here.
  const label = (k: keyof Policy) => (k in labels ? labels[k as Key] : (versionLabels[k] ?? sentence(words(k))));
  return (Object.keys(newer) as Array<keyof Policy>)
    .filter((k) => !bookkeeping.has(k) && shown(k, older) !== shown(k, newer))
    .map((k) => `${label(k)}: ${shown(k, older)} → ${shown(k, newer)}`);
}
