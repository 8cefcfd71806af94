import type { BudgetPeriod } from '@bursar/core';

/** One calendar window of a budget: its key in the usage counters and when it resets. */
export interface Window {
  period: BudgetPeriod;
  key: string;
  resetsAt: number | null;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localTime(ms: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** Milliseconds by which `timeZone` is ahead of UTC at instant `ms`. */
function offsetAt(ms: number, timeZone: string): number {
  const t = localTime(ms, timeZone);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The UTC instant at which local date (year, month, day) begins in `timeZone`: its midnight,
 * or the first instant after it where a DST change skips midnight (America/Santiago, Havana).
 */
function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const target = year * 10_000 + month * 100 + day;
  const reached = (ms: number) => {
    const t = localTime(ms, timeZone);
    return t.year * 10_000 + t.month * 100 + t.day >= target;
  };
  const guess = Date.UTC(year, month - 1, day);
  const first = guess - offsetAt(guess, timeZone);
  const candidate = guess - offsetAt(first, timeZone);
  if (reached(candidate) && !reached(candidate - 1)) return candidate;
  // No local midnight on this date: search whole seconds between the widest offsets (-12h, +14h).
  let lo = (guess - 15 * 3_600_000) / 1000;
  let hi = (guess + 13 * 3_600_000) / 1000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (reached(mid * 1000)) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The window of `period` that contains instant `now`, in the policy's time zone. */
export function windowAt(period: BudgetPeriod, now: number, timeZone: string): Window {
  if (period === 'total') return { period, key: 'total', resetsAt: null };
  // Windows change only on whole seconds (midnights are whole seconds in every zone), and
  // Intl is slow: every decision in the same second and zone shares one computation.
  const second = Math.floor(now / 1000);
  const memoKey = `${period}|${timeZone}`;
  const hit = memo.get(memoKey);
  if (hit && hit.second === second) return hit.window;
  const window = computeWindow(period, now, timeZone);
  if (memo.size > 10_000) memo.clear();
  memo.set(memoKey, { second, window });
  return window;
}

const memo = new Map<string, { second: number; window: Window }>();

function computeWindow(period: Exclude<BudgetPeriod, 'total'>, now: number, timeZone: string): Window {
  const t = localTime(now, timeZone);
  if (period === 'daily') {
    const next = new Date(Date.UTC(t.year, t.month - 1, t.day + 1));
    return {
      period,
      key: `${t.year}-${pad(t.month)}-${pad(t.day)}`,
      resetsAt: localMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone),
    };
  }
  if (period === 'monthly') {
    const next = new Date(Date.UTC(t.year, t.month, 1));
    return {
      period,
      key: `${t.year}-${pad(t.month)}`,
      resetsAt: localMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, 1, timeZone),
    };
  }
  // ISO weeks start on Monday; the key names the week by its Monday's local date.
  const date = new Date(Date.UTC(t.year, t.month - 1, t.day));
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  const monday = new Date(Date.UTC(t.year, t.month - 1, t.day - sinceMonday));
  const nextMonday = new Date(Date.UTC(t.year, t.month - 1, t.day - sinceMonday + 7));
  return {
    period,
    key: `${monday.getUTCFullYear()}-${pad(monday.getUTCMonth() + 1)}-${pad(monday.getUTCDate())}W`,
    resetsAt: localMidnight(nextMonday.getUTCFullYear(), nextMonday.getUTCMonth() + 1, nextMonday.getUTCDate(), timeZone),
  };
}

/**
 * When the window `key` of `period` began in `timeZone`: the local midnight of its first day
 * (see windowAt for the keys). The total window has no start: null.
 */
export function windowStart(period: BudgetPeriod, key: string, timeZone: string): number | null {
  if (period === 'total') return null;
  const [year, month, day] = key.replace(/W$/, '').split('-').map(Number);
  return localMidnight(year!, month!, period === 'monthly' ? 1 : day!, timeZone);
}
