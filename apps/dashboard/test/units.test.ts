import type { Agent, LedgerTransaction } from '@bursar/sdk';
import { describe, expect, it } from 'vitest';
import { LEDGER_CSV_HEADER, ledgerCsv } from '../src/csv.js';
import { accountWords, amountText, parseAmount } from '../src/format.js';
import { bodyOf, validateField, valuesOf } from '../src/policy-fields.js';
import { treeOrder } from '../src/tree.js';

/** The dashboard's pure parts: amounts typed by people, the policy form's rules, the CSV, the agent tree. */
describe('amounts typed in major units', () => {
  it.each([
    ['250', 'usd', 25_000],
    ['99.5', 'usd', 9950],
    ['1,250.50', 'usd', 125_050],
    ['0', 'usd', 0],
    ['500', 'jpy', 500],
    ['1.234', 'bhd', 1234],
    ['', 'usd', null],
  ])('%s %s → %s minor units', (text, currency, cents) => {
    expect(parseAmount(text, currency)).toEqual({ cents });
  });

  it.each([
    ['12.345', 'usd', /at most 2 decimals/],
    ['-5', 'usd', /negative/],
    ['1.5', 'jpy', /whole amount/],
    ['abc', 'usd', /Enter an amount/],
    ['10000000001', 'usd', /at most/],
  ])('refuses %s %s', (text, currency, message) => {
    const r = parseAmount(text, currency);
    expect('error' in r && r.error).toMatch(message);
  });

  it('shows minor units back as input text', () => {
    expect(amountText(125_050, 'usd')).toBe('1250.50');
    expect(amountText(500, 'jpy')).toBe('500');
    expect(amountText(null, 'usd')).toBe('');
  });
});

describe('the policy form', () => {
  const values = valuesOf(undefined);

  it('names what is wrong with each field, as the API would', () => {
    expect(validateField('name', values)).toMatch(/name/);
    expect(validateField('timezone', { ...values, timezone: 'Mars/Olympus' })).toMatch(/IANA/);
    expect(validateField('timezone', { ...values, timezone: 'Europe/Paris' })).toBeUndefined();
    expect(validateField('currency', { ...values, currency: 'dollars' })).toMatch(/three-letter/);
    expect(validateField('max_transactions_per_hour', { ...values, max_transactions_per_hour: '1.5' })).toMatch(/whole number/);
    expect(validateField('max_transactions_per_hour', { ...values, max_transactions_per_hour: '2000000' })).toMatch(/1,000,000/);
    expect(validateField('blocked_merchants', { ...values, blocked_merchants: 'x'.repeat(201) })).toMatch(/200 characters/);
    expect(validateField('daily_limit_cents', { ...values, currency: 'jpy', daily_limit_cents: '1.5' })).toMatch(/whole amount/);
  });

  it('round-trips a policy through the form into the request body', () => {
    const policy = {
      id: 'pol_1', object: 'policy' as const, name: 'Research', currency: 'eur', timezone: 'Europe/Paris',
      max_single_amount_cents: 10_000, daily_limit_cents: null, weekly_limit_cents: 55_050, monthly_limit_cents: 200_000, total_limit_cents: null,
      require_approval_over_cents: 2500, max_transactions_per_minute: 5, max_transactions_per_hour: null,
      allowed_merchants: ['openai.com', 'AWS'], blocked_merchants: [], allowed_categories: ['cloud'], blocked_categories: [],
      alert_thresholds_percent: [50, 90], approvals_required: 2,
      is_active: false, livemode: false, version: 3, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
    };
    const form = valuesOf(policy);
    expect(form.weekly_limit_cents).toBe('550.50');
    expect(form.allowed_merchants).toBe('openai.com\nAWS');
    expect(form.alert_thresholds_percent).toBe('50, 90');
    const { id: _id, object: _o, livemode: _l, version: _v, created_at: _c, updated_at: _u, currency: _cur, ...fields } = policy;
    expect(bodyOf(form, true)).toEqual(fields);
    expect(bodyOf(form, false)).toMatchObject({ currency: 'eur' });
  });
});

describe('the ledger CSV', () => {
  const txn = (id: string, created_at: string, description: string): LedgerTransaction => ({
    id, object: 'ledger_transaction', wallet_id: 'wal_1', sequence: Number(id.slice(4)), type: 'funding', spend_request_id: null, description,
    postings: [
      { account: 'wal_1:available', amount_cents: 100, currency: 'usd' },
      { account: 'external:funding:usd', amount_cents: -100, currency: 'usd' },
    ],
    prev_hash: 'a', hash: `h${id}`, created_at,
  });

  it('writes one posting per row, oldest first, quoting what needs it', () => {
    const csv = ledgerCsv([txn('txn_2', '2026-01-02T00:00:00Z', 'top-up, "march"'), txn('txn_1', '2026-01-01T00:00:00Z', 'first')]).trim().split('\n');
    expect(csv[0]).toBe(LEDGER_CSV_HEADER);
    expect(csv).toHaveLength(5);
    expect(csv[1]).toBe('txn_1,2026-01-01T00:00:00Z,wal_1,1,funding,,first,wal_1:available,100,usd,htxn_1');
    expect(csv[3]).toContain(',"top-up, ""march""",');
  });
});

describe('the agent tree', () => {
  const agent = (id: string, name: string, parent: string | null): Agent => ({
    id, object: 'agent', name, policy_id: 'pol_1', parent_agent_id: parent, status: 'active', livemode: false,
    created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', revoked_at: null,
  });

  it('puts children under their parent, and an agent whose parent is not listed at the root', () => {
    const order = treeOrder([agent('c', 'child', 'p'), agent('g', 'grandchild', 'c'), agent('p', 'parent', null), agent('o', 'orphan', 'gone')]);
    expect(order.map((x) => `${x.depth}:${x.agent.name}`)).toEqual(['0:orphan', '0:parent', '1:child', '2:grandchild']);
  });

  it('still shows agents caught in a cycle of parents, once each', () => {
    expect(treeOrder([agent('a', 'a', 'b'), agent('b', 'b', 'a')]).map((x) => `${x.depth}:${x.agent.name}`)).toEqual(['0:a', '1:b']);
  });
});

describe('ledger accounts in words', () => {
  it('names wallet and outside accounts, and leaves an unknown one as it is', () => {
    expect(accountWords('wal_1:available', 'eur')).toBe('EUR wallet · available');
    expect(accountWords('wal_1:held', 'usd')).toBe('USD wallet · held for approved requests');
    expect(accountWords('external:merchants:jpy', 'jpy')).toBe('Paid to merchants (JPY)');
    expect(accountWords('external:transfers:usd', 'usd')).toBe('Transfers between workspaces (USD)');
    expect(accountWords('something:else', 'usd')).toBe('something:else');
  });
});
