import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decisionCode, type BudgetPeriod, type DecisionCode } from '../../../core/src/schemas/spend.js';
import { budgetOverrun, budgetView, decide, reasons, type Ask, type Rules, type UsageSnapshot, type WindowUsage } from '../../src/policy/decide.js';

const RUNS = 1500;

// The documented check order is the order of the `decisionCode` enum (DESIGN.md, "Deciding a
// spend"); the two codes that come from outside the pure decision have no place in it.
const outsideDecide = new Set<DecisionCode>(['insufficient_funds', 'declined_by_operator']);
const checkOrder = decisionCode.options.filter((c) => c !== 'approved' && !outsideDecide.has(c));
const rank = new Map<DecisionCode, number>(checkOrder.map((c, i) => [c, i]));

const budgetCodeOf: Record<BudgetPeriod, DecisionCode> = {
  daily: 'exceeds_daily_budget',
  weekly: 'exceeds_weekly_budget',
  monthly: 'exceeds_monthly_budget',
  total: 'exceeds_total_budget',
};

// Small pools so that list membership, limits and thresholds collide often.
const merchants = ['openai', 'anthropic', 'aws', 'stripe'];
const categories = ['compute', 'travel', 'food'];
const cents = fc.integer({ min: 0, max: 2_000 });
const nullableCents = fc.option(cents, { nil: null, freq: 3 });
const nullableCount = fc.option(fc.integer({ min: 0, max: 5 }), { nil: null, freq: 3 });

const rulesArb: fc.Arbitrary<Rules> = fc.record({
  isActive: fc.constantFrom(true, true, true, true, false),
  maxSingleAmountCents: nullableCents,
  requireApprovalOverCents: nullableCents,
  maxTransactionsPerMinute: nullableCount,
  maxTransactionsPerHour: nullableCount,
  allowedMerchants: fc.subarray(merchants, { maxLength: 3 }),
  blockedMerchants: fc.subarray(merchants, { maxLength: 2 }),
  allowedCategories: fc.subarray(categories, { maxLength: 2 }),
  blockedCategories: fc.subarray(categories, { maxLength: 2 }),
});

const windowArb = (period: BudgetPeriod): fc.Arbitrary<WindowUsage> =>
  fc.record({
    period: fc.constant(period),
    limitCents: fc.integer({ min: 0, max: 3_000 }),
    spentCents: fc.integer({ min: 0, max: 2_000 }),
    heldCents: fc.integer({ min: 0, max: 1_000 }),
  });

// Any subset of the four periods, each at most once, in any order: the decision must not
// depend on the order the caller lists its windows in.
const windowsArb: fc.Arbitrary<WindowUsage[]> = fc
  .shuffledSubarray(['daily', 'weekly', 'monthly', 'total'] as BudgetPeriod[])
  .chain((periods) => fc.tuple(...periods.map(windowArb)) as fc.Arbitrary<WindowUsage[]>);

const usageArb: fc.Arbitrary<UsageSnapshot> = fc.record({
  windows: windowsArb,
  transactionsLastMinute: fc.integer({ min: 0, max: 6 }),
  transactionsLastHour: fc.integer({ min: 0, max: 6 }),
});

const askArb: fc.Arbitrary<Ask> = fc.record({
  amountCents: fc.integer({ min: 1, max: 2_500 }),
  merchantKey: fc.constantFrom(...merchants),
  category: fc.option(fc.constantFrom(...categories), { nil: null, freq: 4 }),
  agentStatus: fc.constantFrom('active', 'active', 'active', 'paused', 'revoked'),
});

const inputs = fc.tuple(rulesArb, usageArb, askArb);

/** Which rules an ask breaks, worked out from DESIGN.md independently of `decide`. */
function violatedRules(rules: Rules, usage: UsageSnapshot, ask: Ask): Set<DecisionCode> {
  const out = new Set<DecisionCode>();
  if (ask.agentStatus === 'paused') out.add('agent_paused');
  if (ask.agentStatus === 'revoked') out.add('agent_revoked');
  if (!rules.isActive) out.add('policy_inactive');
  if (rules.blockedMerchants.some((m) => m === ask.merchantKey)) out.add('merchant_blocked');
  if (rules.allowedMerchants.length > 0 && !rules.allowedMerchants.some((m) => m === ask.merchantKey)) out.add('merchant_not_allowed');
  if (ask.category !== null && rules.blockedCategories.some((c) => c === ask.category)) out.add('category_blocked');
  // An allow list of categories admits only asks that name one of them.
  if (rules.allowedCategories.length > 0 && !rules.allowedCategories.some((c) => c === ask.category)) out.add('category_not_allowed');
  if (rules.maxSingleAmountCents !== null && ask.amountCents > rules.maxSingleAmountCents) out.add('exceeds_single_limit');
  // The counts are of earlier transactions: this one would be number count + 1.
  if (rules.maxTransactionsPerMinute !== null && usage.transactionsLastMinute + 1 > rules.maxTransactionsPerMinute) out.add('velocity_limit_minute');
  if (rules.maxTransactionsPerHour !== null && usage.transactionsLastHour + 1 > rules.maxTransactionsPerHour) out.add('velocity_limit_hour');
  if (rules.requireApprovalOverCents !== null && ask.amountCents > rules.requireApprovalOverCents) out.add('requires_approval');
  for (const w of usage.windows) {
    if (w.spentCents + w.heldCents + ask.amountCents > w.limitCents) out.add(budgetCodeOf[w.period]);
  }
  return out;
}

function minRemaining(windows: readonly WindowUsage[], extra: number): number | null {
  if (windows.length === 0) return null;
  return Math.max(0, Math.min(...windows.map((w) => w.limitCents - w.spentCents - w.heldCents - extra)));
}

const noRules: Rules = {
  isActive: true,
  maxSingleAmountCents: null,
  requireApprovalOverCents: null,
  maxTransactionsPerMinute: null,
  maxTransactionsPerHour: null,
  allowedMerchants: [],
  blockedMerchants: [],
  allowedCategories: [],
  blockedCategories: [],
};
const activeAsk: Ask = { amountCents: 100, merchantKey: 'openai', category: null, agentStatus: 'active' };
const monthly = (limitCents: number, spentCents = 0, heldCents = 0): WindowUsage => ({ period: 'monthly', limitCents, spentCents, heldCents });
const usageOf = (windows: WindowUsage[]): UsageSnapshot => ({ windows, transactionsLastMinute: 0, transactionsLastHour: 0 });

describe('decide: budgets are never overspent', () => {
  it('never approves an ask that would take any window past its limit (holds included)', () => {
    fc.assert(
      fc.property(inputs, ([rules, usage, ask]) => {
        const d = decide(rules, usage, ask);
        if (d.status !== 'approved') return;
        for (const w of usage.windows) expect(w.spentCents + w.heldCents + ask.amountCents).toBeLessThanOrEqual(w.limitCents);
      }),
      { numRuns: RUNS },
    );
  });

  it('approves an ask that lands exactly on the limit, and declines one a cent over', () => {
    const fits = decide(noRules, usageOf([monthly(1_000, 600, 300)]), { ...activeAsk, amountCents: 100 });
    expect(fits).toMatchObject({ status: 'approved', remainingBudgetCents: 0 });
    const over = decide(noRules, usageOf([monthly(1_000, 600, 300)]), { ...activeAsk, amountCents: 101 });
    expect(over).toMatchObject({ status: 'declined', code: 'exceeds_monthly_budget', budgetPeriod: 'monthly' });
  });
});

describe('decide: status, code and violations agree', () => {
  it('approves with no violations, and otherwise reports the first violation as the code and reason', () => {
    fc.assert(
      fc.property(inputs, ([rules, usage, ask]) => {
        const d = decide(rules, usage, ask);
        if (d.status === 'approved') {
          expect(d.violations).toEqual([]);
          expect(d.code).toBe('approved');
          expect(d.reason).toBe(reasons.approved);
          return;
        }
        expect(d.violations.length).toBeGreaterThan(0);
        const first = d.violations[0]!;
        expect(d.code).toBe(first.code);
        expect(d.reason).toBe(first.message);
        // Only the approval threshold sends an ask to a human; every other first reason declines.
        expect(d.status).toBe(first.code === 'requires_approval' ? 'needs_approval' : 'declined');
      }),
      { numRuns: RUNS },
    );
  });

  it('gives every violation its documented message; a budget violation its window, limit, usage and overrun', () => {
    fc.assert(
      fc.property(inputs, ([rules, usage, ask]) => {
        for (const v of decide(rules, usage, ask).violations) {
          const period = (Object.keys(budgetCodeOf) as BudgetPeriod[]).find((p) => budgetCodeOf[p] === v.code);
          expect(v.period).toBe(period);
          if (period === undefined) {
            expect(v.message).toBe(reasons[v.code]);
            continue;
          }
          const w = usage.windows.find((x) => x.period === period)!;
          expect(v).toMatchObject({ limit_cents: w.limitCents, spent_cents: w.spentCents, held_cents: w.heldCents });
          expect(v.exceeds_by_cents).toBe(w.spentCents + w.heldCents + ask.amountCents - w.limitCents);
          expect(v.exceeds_by_cents).toBeGreaterThan(0);
          expect(v.message).toBe(`Would exceed the ${period} budget of ${w.limitCents} minor units by ${v.exceeds_by_cents} minor units`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it.each([
    ['usd', 80_000, 79_000, 2_234, 'Would exceed the daily budget of $800.00 by $12.34'],
    ['eur', 5_000, 0, 5_001, 'Would exceed the daily budget of €50.00 by €0.01'],
    ['jpy', 800, 700, 150, 'Would exceed the daily budget of ¥800 by ¥50'],
  ] as const)('words a budget violation in %s, in its minor units', (currency, limit, spent, amount, message) => {
    const rules: Rules = {
      isActive: true, maxSingleAmountCents: null, requireApprovalOverCents: null, maxTransactionsPerMinute: null, maxTransactionsPerHour: null,
      allowedMerchants: [], blockedMerchants: [], allowedCategories: [], blockedCategories: [],
    };
    const d = decide(rules, { windows: [{ period: 'daily', limitCents: limit, spentCents: spent, heldCents: 0 }], transactionsLastMinute: 0, transactionsLastHour: 0 }, {
      amountCents: amount, currency, merchantKey: 'aws', category: null, agentStatus: 'active',
    });
    expect(d).toMatchObject({ status: 'declined', code: 'exceeds_daily_budget', reason: message });
    expect(d.violations).toEqual([
      { code: 'exceeds_daily_budget', message, period: 'daily', limit_cents: limit, spent_cents: spent, held_cents: 0, exceeds_by_cents: spent + amount - limit },
    ]);
  });

  it('names the lease a violation is of, when the agent spends from one', () => {
    const rules: Rules = {
      isActive: true, maxSingleAmountCents: null, requireApprovalOverCents: null, maxTransactionsPerMinute: null, maxTransactionsPerHour: null,
      allowedMerchants: [], blockedMerchants: [], allowedCategories: [], blockedCategories: [],
    };
    const lease = { period: 'total' as const, limitCents: 5_000, spentCents: 1_000, heldCents: 3_000, leaseId: 'lse_1' };
    const d = decide(rules, { windows: [lease], transactionsLastMinute: 0, transactionsLastHour: 0 }, { amountCents: 1_500, currency: 'usd', merchantKey: 'aws', category: null, agentStatus: 'active' });
    expect(d.reason).toBe('Would exceed the budget lease lse_1 of $50.00 by $5.00');
    expect(d.violations[0]).toMatchObject({ code: 'exceeds_total_budget', lease_id: 'lse_1', exceeds_by_cents: 500 });
  });
});

describe('decide: violations follow the documented check order', () => {
  it('lists violations in the order of the decisionCode enum, each at most once', () => {
    fc.assert(
      fc.property(inputs, ([rules, usage, ask]) => {
        const codes = decide(rules, usage, ask).violations.map((v) => v.code);
        const ranks = codes.map((c) => {
          const r = rank.get(c);
          expect(r, `unexpected code ${c}`).toBeDefined();
          return r!;
        });
        for (let i = 1; i < ranks.length; i++) expect(ranks[i]!, codes.join(' > ')).toBeGreaterThan(ranks[i - 1]!);
      }),
      { numRuns: RUNS },
    );
  });

  it('sends an ask over the threshold to a human even when it also exceeds a budget', () => {
    const d = decide({ ...noRules, requireApprovalOverCents: 500 }, usageOf([monthly(1_000, 900)]), { ...activeAsk, amountCents: 600 });
    expect(d.status).toBe('needs_approval');
    expect(d.violations.map((v) => v.code)).toEqual(['requires_approval', 'exceeds_monthly_budget']);
  });

  it('declines a paused agent before looking at anything else', () => {
    const d = decide(
      { ...noRules, isActive: false, blockedMerchants: ['openai'], maxSingleAmountCents: 10, requireApprovalOverCents: 10 },
      usageOf([monthly(50)]),
      { ...activeAsk, agentStatus: 'paused' },
    );
    expect(d.status).toBe('declined');
    expect(d.violations.map((v) => v.code)).toEqual([
      'agent_paused', 'policy_inactive', 'merchant_blocked', 'exceeds_single_limit', 'requires_approval', 'exceeds_monthly_budget',
    ]);
  });
});

describe('decide: completeness', () => {
  it('reports exactly the rules the ask breaks', () => {
    fc.assert(
      fc.property(inputs, ([rules, usage, ask]) => {
        const got = decide(rules, usage, ask).violations.map((v) => v.code);
        expect(new Set(got).size).toBe(got.length);
        expect([...got].sort()).toEqual([...violatedRules(rules, usage, ask)].sort());
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('reports a merchant that is both blocked and off the allow list under both rules', () => {
    const d = decide({ ...noRules, allowedMerchants: ['anthropic'], blockedMerchants: ['openai'] }, usageOf([]), activeAsk);
    expect(d.violations.map((v) => v.code)).toEqual(['merchant_blocked', 'merchant_not_allowed']);
  });

  it('refuses an ask with no category when the policy allows only some categories', () => {
    const d = decide({ ...noRules, allowedCategories: ['compute'] }, usageOf([]), { ...activeAsk, category: null });
    expect(d).toMatchObject({ status: 'declined', code: 'category_not_allowed' });
  });

  it('allows the n-th transaction in a minute when the limit is n, and refuses the next', () => {
    const rules = { ...noRules, maxTransactionsPerMinute: 3 };
    expect(decide(rules, { windows: [], transactionsLastMinute: 2, transactionsLastHour: 2 }, activeAsk).status).toBe('approved');
    expect(decide(rules, { windows: [], transactionsLastMinute: 3, transactionsLastHour: 3 }, activeAsk).code).toBe('velocity_limit_minute');
  });
});

describe('decide: remaining budget', () => {
  it('is the smallest remaining across windows, after the amount only when approved, never below zero', () => {
    fc.assert(
      fc.property(inputs, ([rules, usage, ask]) => {
        const d = decide(rules, usage, ask);
        const extra = d.status === 'approved' ? ask.amountCents : 0;
        expect(d.remainingBudgetCents).toBe(minRemaining(usage.windows, extra));
        const m = usage.windows.filter((w) => w.period === 'monthly');
        expect(d.remainingMonthlyBudgetCents).toBe(minRemaining(m, extra));
        if (usage.windows.length === 0) expect(d.budgetPeriod).toBeNull();
        else {
          // budget_period names a window that has that smallest remaining.
          const binding = usage.windows.filter((w) => w.period === d.budgetPeriod);
          expect(binding).toHaveLength(1);
          expect(Math.max(0, binding[0]!.limitCents - binding[0]!.spentCents - binding[0]!.heldCents - extra)).toBe(d.remainingBudgetCents);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('names an exceeded window as budget_period when a budget declines the ask', () => {
    fc.assert(
      fc.property(inputs, ([rules, usage, ask]) => {
        const d = decide(rules, usage, ask);
        if (!d.code.startsWith('exceeds_') || d.code === 'exceeds_single_limit') return;
        const exceeded = d.violations.filter((v) => v.period !== undefined).map((v) => v.period);
        expect(exceeded).toContain(d.budgetPeriod);
      }),
      { numRuns: RUNS },
    );
  });

  it('budgetView and budgetOverrun agree with a direct computation', () => {
    fc.assert(
      fc.property(windowsArb, fc.integer({ min: 0, max: 2_500 }), (windows, extra) => {
        expect(budgetView(windows, extra).remainingBudgetCents).toBe(minRemaining(windows, extra));
        const overrun = Math.max(0, ...windows.map((w) => w.spentCents + w.heldCents + extra - w.limitCents));
        expect(budgetOverrun(windows, extra)).toBe(overrun);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('decide: the reference example', () => {
  const usage = usageOf([monthly(50_000)]);

  it('approves 12000 of a 50000 monthly budget, leaving 38000', () => {
    const d = decide(noRules, usage, { ...activeAsk, amountCents: 12_000 });
    expect(d).toEqual({
      status: 'approved',
      code: 'approved',
      reason: reasons.approved,
      violations: [],
      budgetPeriod: 'monthly',
      remainingBudgetCents: 38_000,
      remainingMonthlyBudgetCents: 38_000,
    });
  });

  it('sends 60000 over a 25000 threshold for approval, leaving the budget at 50000', () => {
    const d = decide({ ...noRules, requireApprovalOverCents: 25_000 }, usage, { ...activeAsk, amountCents: 60_000 });
    expect(d.status).toBe('needs_approval');
    expect(d.code).toBe('requires_approval');
    expect(d.violations.map((v) => v.code)).toEqual(['requires_approval', 'exceeds_monthly_budget']);
    expect(d).toMatchObject({ budgetPeriod: 'monthly', remainingBudgetCents: 50_000, remainingMonthlyBudgetCents: 50_000 });
  });
});
