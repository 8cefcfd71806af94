import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BudgetPeriod } from '../../../core/src/schemas/spend.js';
import { windowAt, windowStart } from '../../src/policy/periods.js';
import { crossedThresholds } from '../../src/services/budget/alerts.js';

const usage = (limit: number, spent: number, held: number) => ({ period: 'monthly' as const, limitCents: limit, spentCents: spent, heldCents: held });

describe('crossedThresholds', () => {
  it('the examples: 4,000 then 2,000 of 10,000 crosses 50 on the second; landing exactly on a threshold crosses it', () => {
    expect(crossedThresholds([50, 100], usage(10_000, 0, 0), 4000)).toEqual([]);
    expect(crossedThresholds([50, 100], usage(10_000, 0, 4000), 2000)).toEqual([50]);
    expect(crossedThresholds([50, 100], usage(10_000, 1000, 5000), 4000)).toEqual([100]);
    expect(crossedThresholds([50, 100], usage(10_000, 0, 0), 12_000)).toEqual([50, 100]);
    // Already at or past a threshold: nothing to cross.
    expect(crossedThresholds([50], usage(10_000, 5000, 0), 1)).toEqual([]);
    // No money, or a limit of zero: nothing to cross either.
    expect(crossedThresholds([50], usage(10_000, 0, 0), 0)).toEqual([]);
    expect(crossedThresholds([100], usage(0, 0, 0), 5)).toEqual([]);
  });

  it('no rounding: 1 % of 1 cent is crossed by the first cent, 33 % of 100 exactly at 33', () => {
    expect(crossedThresholds([1], usage(1, 0, 0), 1)).toEqual([1]);
    expect(crossedThresholds([33], usage(100, 0, 0), 32)).toEqual([]);
    expect(crossedThresholds([33], usage(100, 0, 32), 1)).toEqual([33]);
    expect(crossedThresholds([100], usage(1_000_000_000_000, 0, 999_999_999_999), 1)).toEqual([100]);
  });

  it('holds added one after another cross each threshold they pass exactly once, at the first hold that reaches it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 300_000 }), { maxLength: 30 }),
        (limit, thresholds, holds) => {
          const seen: number[] = [];
          let held = 0;
          for (const amount of holds) {
            for (const t of crossedThresholds(thresholds, usage(limit, 0, held), amount)) {
              expect(held * 100).toBeLessThan(t * limit);
              expect((held + amount) * 100).toBeGreaterThanOrEqual(t * limit);
              seen.push(t);
            }
            held += amount;
          }
          expect([...seen].sort((a, b) => a - b)).toEqual(thresholds.filter((t) => held * 100 >= t * limit).sort((a, b) => a - b));
        },
      ),
    );
  });
});

describe('windowStart', () => {
  it.each<[string, BudgetPeriod, string, string | null]>([
    ['UTC', 'monthly', '2025-03-17T12:00:00Z', '2025-03-01T00:00:00.000Z'],
    ['UTC', 'daily', '2025-03-17T12:00:00Z', '2025-03-17T00:00:00.000Z'],
    ['UTC', 'weekly', '2025-03-19T12:00:00Z', '2025-03-17T00:00:00.000Z'],
    ['Europe/Paris', 'monthly', '2025-03-31T23:30:00Z', '2025-03-31T22:00:00.000Z'],
    ['America/New_York', 'daily', '2025-03-09T12:00:00Z', '2025-03-09T05:00:00.000Z'],
    ['UTC', 'total', '2025-03-17T12:00:00Z', null],
  ])('in %s, the %s window containing %s began at %s', (zone, period, now, start) => {
    const w = windowAt(period, Date.parse(now), zone);
    const ms = windowStart(period, w.key, zone);
    expect(ms === null ? null : new Date(ms).toISOString()).toBe(start);
  });
});
