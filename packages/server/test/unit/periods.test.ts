import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BudgetPeriod } from '../../../core/src/schemas/spend.js';
import { windowAt } from '../../src/policy/periods.js';

const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${iso}`);
  return ms;
};

interface Case {
  name: string;
  zone: string;
  now: string;
  period: BudgetPeriod;
  key: string;
  resetsAt: string;
}

// Each pair straddles a local midnight: one ms before it, and the instant itself.
const cases: Case[] = [
  // UTC
  { name: 'last ms of a UTC day', zone: 'UTC', now: '2024-03-10T23:59:59.999Z', period: 'daily', key: '2024-03-10', resetsAt: '2024-03-11T00:00:00Z' },
  { name: 'first ms of a UTC day', zone: 'UTC', now: '2024-03-11T00:00:00.000Z', period: 'daily', key: '2024-03-11', resetsAt: '2024-03-12T00:00:00Z' },
  { name: 'Sunday belongs to the week that started Monday', zone: 'UTC', now: '2024-03-10T23:59:59.999Z', period: 'weekly', key: '2024-03-04W', resetsAt: '2024-03-11T00:00:00Z' },
  { name: 'Monday midnight starts a new week', zone: 'UTC', now: '2024-03-11T00:00:00.000Z', period: 'weekly', key: '2024-03-11W', resetsAt: '2024-03-18T00:00:00Z' },
  { name: 'last ms of January', zone: 'UTC', now: '2024-01-31T23:59:59.999Z', period: 'monthly', key: '2024-01', resetsAt: '2024-02-01T00:00:00Z' },
  { name: 'leap day is in February', zone: 'UTC', now: '2024-02-29T12:00:00Z', period: 'monthly', key: '2024-02', resetsAt: '2024-03-01T00:00:00Z' },
  { name: 'first ms of March after a leap day', zone: 'UTC', now: '2024-03-01T00:00:00.000Z', period: 'monthly', key: '2024-03', resetsAt: '2024-04-01T00:00:00Z' },
  { name: 'New Year\'s Eve day', zone: 'UTC', now: '2024-12-31T23:59:59.999Z', period: 'daily', key: '2024-12-31', resetsAt: '2025-01-01T00:00:00Z' },
  { name: 'December resets on January 1 of the next year', zone: 'UTC', now: '2024-12-31T23:59:59.999Z', period: 'monthly', key: '2024-12', resetsAt: '2025-01-01T00:00:00Z' },
  { name: 'January 1 starts a month of the new year', zone: 'UTC', now: '2025-01-01T00:00:00.000Z', period: 'monthly', key: '2025-01', resetsAt: '2025-02-01T00:00:00Z' },
  { name: 'a week spanning New Year is keyed by its December Monday', zone: 'UTC', now: '2024-12-31T23:59:59.999Z', period: 'weekly', key: '2024-12-30W', resetsAt: '2025-01-06T00:00:00Z' },
  { name: 'January 1 stays in the week that began in December', zone: 'UTC', now: '2025-01-01T00:00:00.000Z', period: 'weekly', key: '2024-12-30W', resetsAt: '2025-01-06T00:00:00Z' },

  // America/New_York: spring forward on 2024-03-10 (a 23-hour day), fall back on 2024-11-03 (25 hours).
  { name: 'New York: last ms before the DST day', zone: 'America/New_York', now: '2024-03-10T04:59:59.999Z', period: 'daily', key: '2024-03-09', resetsAt: '2024-03-10T05:00:00Z' },
  { name: 'New York: the spring-forward day lasts 23 hours', zone: 'America/New_York', now: '2024-03-10T05:00:00.000Z', period: 'daily', key: '2024-03-10', resetsAt: '2024-03-11T04:00:00Z' },
  { name: 'New York: last ms of the spring-forward day', zone: 'America/New_York', now: '2024-03-11T03:59:59.999Z', period: 'daily', key: '2024-03-10', resetsAt: '2024-03-11T04:00:00Z' },
  { name: 'New York: a week ending on the spring-forward Sunday resets at EDT midnight', zone: 'America/New_York', now: '2024-03-10T12:00:00Z', period: 'weekly', key: '2024-03-04W', resetsAt: '2024-03-11T04:00:00Z' },
  { name: 'New York: March (EST at its start) resets at EDT midnight', zone: 'America/New_York', now: '2024-03-01T05:00:00.000Z', period: 'monthly', key: '2024-03', resetsAt: '2024-04-01T04:00:00Z' },
  { name: 'New York: last ms of February in EST', zone: 'America/New_York', now: '2024-03-01T04:59:59.999Z', period: 'monthly', key: '2024-02', resetsAt: '2024-03-01T05:00:00Z' },
  { name: 'New York: the fall-back day lasts 25 hours', zone: 'America/New_York', now: '2024-11-03T04:00:00.000Z', period: 'daily', key: '2024-11-03', resetsAt: '2024-11-04T05:00:00Z' },
  { name: 'New York: last ms of the fall-back day', zone: 'America/New_York', now: '2024-11-04T04:59:59.999Z', period: 'daily', key: '2024-11-03', resetsAt: '2024-11-04T05:00:00Z' },
  { name: 'New York: Monday after fall-back starts a week', zone: 'America/New_York', now: '2024-11-04T05:00:00.000Z', period: 'weekly', key: '2024-11-04W', resetsAt: '2024-11-11T05:00:00Z' },
  { name: 'New York: still December when UTC is already in January', zone: 'America/New_York', now: '2025-01-01T04:59:59.999Z', period: 'monthly', key: '2024-12', resetsAt: '2025-01-01T05:00:00Z' },
  { name: 'New York: still New Year\'s Eve when UTC is already in January', zone: 'America/New_York', now: '2025-01-01T04:59:59.999Z', period: 'daily', key: '2024-12-31', resetsAt: '2025-01-01T05:00:00Z' },

  // Asia/Kolkata: +05:30 all year, so local midnight is 18:30 UTC the day before.
  { name: 'Kolkata: last ms of February', zone: 'Asia/Kolkata', now: '2024-02-29T18:29:59.999Z', period: 'monthly', key: '2024-02', resetsAt: '2024-02-29T18:30:00Z' },
  { name: 'Kolkata: March starts while UTC is still on February 29', zone: 'Asia/Kolkata', now: '2024-02-29T18:30:00.000Z', period: 'monthly', key: '2024-03', resetsAt: '2024-03-31T18:30:00Z' },
  { name: 'Kolkata: day boundary at 18:30 UTC', zone: 'Asia/Kolkata', now: '2024-02-29T18:30:00.000Z', period: 'daily', key: '2024-03-01', resetsAt: '2024-03-01T18:30:00Z' },
  { name: 'Kolkata: new year starts at 18:30 UTC on December 31', zone: 'Asia/Kolkata', now: '2024-12-31T18:30:00.000Z', period: 'monthly', key: '2025-01', resetsAt: '2025-01-31T18:30:00Z' },
  { name: 'Kolkata: last ms of 2024', zone: 'Asia/Kolkata', now: '2024-12-31T18:29:59.999Z', period: 'daily', key: '2024-12-31', resetsAt: '2024-12-31T18:30:00Z' },
  { name: 'Kolkata: week of New Year resets at Monday 00:00 IST', zone: 'Asia/Kolkata', now: '2024-12-31T18:30:00.000Z', period: 'weekly', key: '2024-12-30W', resetsAt: '2025-01-05T18:30:00Z' },
  { name: 'Kolkata: Sunday night IST is still last week', zone: 'Asia/Kolkata', now: '2025-01-05T18:29:59.999Z', period: 'weekly', key: '2024-12-30W', resetsAt: '2025-01-05T18:30:00Z' },

  // Zones whose clocks skip local midnight on a DST change: the day starts at 01:00.
  { name: 'Santiago: Saturday lasts until Sunday 01:00 when midnight is skipped', zone: 'America/Santiago', now: '2024-09-08T03:30:00Z', period: 'daily', key: '2024-09-07', resetsAt: '2024-09-08T04:00:00Z' },
  { name: 'Santiago: the short Sunday starts at 01:00', zone: 'America/Santiago', now: '2024-09-08T04:00:00.000Z', period: 'daily', key: '2024-09-08', resetsAt: '2024-09-09T03:00:00Z' },
  { name: 'Santiago: the week resets at Monday midnight after the change', zone: 'America/Santiago', now: '2024-09-08T03:30:00Z', period: 'weekly', key: '2024-09-02W', resetsAt: '2024-09-09T03:00:00Z' },
  { name: 'Santiago: a 25-hour Saturday when clocks go back at midnight', zone: 'America/Santiago', now: '2024-04-07T03:30:00Z', period: 'daily', key: '2024-04-06', resetsAt: '2024-04-07T04:00:00Z' },
  { name: 'Havana: Saturday lasts until Sunday 01:00 when midnight is skipped', zone: 'America/Havana', now: '2024-03-10T04:59:59.999Z', period: 'daily', key: '2024-03-09', resetsAt: '2024-03-10T05:00:00Z' },
  { name: 'Havana: a midnight that happens twice starts the day at its first occurrence', zone: 'America/Havana', now: '2024-11-02T12:00:00Z', period: 'daily', key: '2024-11-02', resetsAt: '2024-11-03T04:00:00Z' },
];

describe('windowAt: calendar windows in the policy time zone', () => {
  for (const { name, zone, now, period, key, resetsAt } of cases) {
    it(`${name} (${period})`, () => {
      expect(windowAt(period, at(now), zone)).toEqual({ period, key, resetsAt: at(resetsAt) });
    });
  }

  it.each(['UTC', 'America/New_York', 'Asia/Kolkata'])('the total budget never resets (%s)', (zone) => {
    for (const now of [0, at('2024-12-31T23:59:59.999Z'), at('2099-06-15T12:00:00Z')]) {
      expect(windowAt('total', now, zone)).toEqual({ period: 'total', key: 'total', resetsAt: null });
    }
  });
});

// A spread of offsets: half-hour and 45-minute zones, both sides of the date line, DST in
// either hemisphere, DST changes at midnight, and a zone that skipped a whole day (Apia, 2011).
const zones = [
  'UTC', 'America/New_York', 'Asia/Kolkata', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu',
  'Pacific/Chatham', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/St_Johns', 'America/Santiago',
  'America/Havana', 'America/Sao_Paulo', 'Asia/Tehran', 'Africa/Casablanca', 'Pacific/Apia',
];
const periods: BudgetPeriod[] = ['daily', 'weekly', 'monthly'];
const maxLength: Record<string, number> = { daily: 26 * 3_600_000, weekly: 7 * 86_400_000 + 3_600_000, monthly: 31 * 86_400_000 + 3_600_000 };
const keyFormat: Record<string, RegExp> = { daily: /^\d{4}-\d{2}-\d{2}$/, weekly: /^\d{4}-\d{2}-\d{2}W$/, monthly: /^\d{4}-\d{2}$/ };

/** The local calendar date at `ms` in `zone`, as Intl reports it: YYYY-MM-DD. */
function localDate(ms: number, zone: string): string {
  let f = dateFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(zone, f);
  }
  return f.format(new Date(ms));
}
const dateFormats = new Map<string, Intl.DateTimeFormat>();

const instant = fc.integer({ min: at('1971-01-01T00:00:00Z'), max: at('2100-01-01T00:00:00Z') });

describe('windowAt: properties over zones and instants', () => {
  it('resets after now, at the first instant of a different window, and the window holds every instant up to then', () => {
    fc.assert(
      fc.property(fc.constantFrom(...periods), instant, fc.constantFrom(...zones), (period, now, zone) => {
        const w = windowAt(period, now, zone);
        expect(w.key).toMatch(keyFormat[period]!);
        expect(w.resetsAt).not.toBeNull();
        const resetsAt = w.resetsAt!;
        expect(resetsAt).toBeGreaterThan(now);
        expect(resetsAt - now).toBeLessThanOrEqual(maxLength[period]!);
        const last = windowAt(period, resetsAt - 1, zone);
        const next = windowAt(period, resetsAt, zone);
        expect(last.key).toBe(w.key);
        expect(next.key).not.toBe(last.key);
        // Keys sort in time order.
        expect(next.key > last.key).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('the daily and monthly keys are the local calendar date and month', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (now, zone) => {
        const date = localDate(now, zone);
        expect(windowAt('daily', now, zone).key).toBe(date);
        expect(windowAt('monthly', now, zone).key).toBe(date.slice(0, 7));
      }),
      { numRuns: 1000 },
    );
  });

  it('the weekly key is the local date of the Monday on or before today', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (now, zone) => {
        const key = windowAt('weekly', now, zone).key;
        const monday = Date.parse(`${key.slice(0, 10)}T00:00:00Z`);
        const today = Date.parse(`${localDate(now, zone)}T00:00:00Z`);
        expect(new Date(monday).getUTCDay()).toBe(1);
        expect(today - monday).toBeGreaterThanOrEqual(0);
        expect(today - monday).toBeLessThan(7 * 86_400_000);
      }),
      { numRuns: 1000 },
    );
  });
});

// Zones that have moved their clocks at local midnight (so some dates have no 00:00), and Apia,
// which skipped 2011-12-30 altogether.
const midnightChangers = ['America/Santiago', 'America/Havana', 'America/Sao_Paulo', 'America/Asuncion', 'Asia/Tehran', 'Pacific/Apia'];

describe('windowAt: consecutive days tile time through every DST change', () => {
  it.each(midnightChangers)('each day of 2010-2023 in %s starts where the previous one reset', (zone) => {
    let now = at('2010-01-01T12:00:00Z');
    const end = at('2024-01-01T00:00:00Z');
    let w = windowAt('daily', now, zone);
    while (now < end) {
      const resetsAt = w.resetsAt!;
      expect(resetsAt, `${w.key} in ${zone}`).toBeGreaterThan(now);
      const next = windowAt('daily', resetsAt, zone);
      // The next window is the next local date (Apia's missing day aside) and the previous one lasts until the reset.
      expect(windowAt('daily', resetsAt - 1, zone).key, `${w.key} in ${zone}`).toBe(w.key);
      expect(next.key, `after ${w.key} in ${zone}`).toBe(localDate(resetsAt, zone));
      expect(next.key > w.key, `after ${w.key} in ${zone}`).toBe(true);
      now = resetsAt;
      w = next;
    }
  });
});
