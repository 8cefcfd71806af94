import type { Executor } from '../db/database.js';
import { executeWrites, query, type Write } from '../db/prepared.js';
import type { UsageRow } from './rows.js';

export interface WindowRef {
  period: string;
  key: string;
}

/** Usage rows of a policy for the given windows; a window never used has no row. */
export async function usageFor(db: Executor, policyId: string, windows: readonly WindowRef[]): Promise<UsageRow[]> {
  if (windows.length === 0) return [];
  const text = `select * from "usage_counters" where "policy_id" = ? and (${windows.map(() => '("period" = ? and "window_key" = ?)').join(' or ')})`;
  return query<UsageRow>(db, text, [policyId, ...windows.flatMap((w) => [w.period, w.key])]);
}

/** Adds the same change to several windows' counters in one statement, creating rows on first use. */
export async function addUsageToWindows(
  db: Executor,
  policyId: string,
  windows: readonly WindowRef[],
  delta: { spent: number; held: number },
): Promise<void> {
  await executeWrites(db, usageAddition(policyId, windows, delta));
}

/** The writes of addUsageToWindows (none without windows), for a batch of writes. */
export function usageAddition(policyId: string, windows: readonly WindowRef[], delta: { spent: number; held: number }): Write[] {
  if (windows.length === 0) return [];
  return [counterWrite(policyId, windows, delta)];
}

/** The change of `delta` to each window's counter; two in turn to the same windows add up (a decision batch's holds). */
function counterWrite(policyId: string, windows: readonly WindowRef[], delta: { spent: number; held: number }): Write {
  const text =
    `insert into "usage_counters" ("policy_id", "period", "window_key", "spent_cents", "held_cents") values ${windows.map(() => '(?, ?, ?, ?, ?)').join(', ')} ` +
    'on conflict ("policy_id", "period", "window_key") do update set ' +
    '"spent_cents" = "usage_counters"."spent_cents" + excluded."spent_cents", "held_cents" = "usage_counters"."held_cents" + excluded."held_cents"';
  const rows = windows.map((w) => `usage_counters:${policyId}:${w.period}:${w.key}`);
  return {
    text,
    params: windows.flatMap((w) => [policyId, w.period, w.key, delta.spent, delta.held]),
    rows,
    merge: (later) => {
      const more = deltaOf(later, rows);
      return more && counterWrite(policyId, windows, { spent: delta.spent + more.spent, held: delta.held + more.held });
    },
  };
}

/** The delta of a counter write to exactly `rows`, each window changed alike; undefined for any other write. */
function deltaOf(w: Write, rows: readonly string[]): { spent: number; held: number } | undefined {
  if (!w.rows || w.rows.length !== rows.length || w.rows.some((r, i) => r !== rows[i])) return undefined;
  if (!w.text.startsWith('insert into "usage_counters"')) return undefined;
  const p = w.params;
  const spent = p[3] as number;
  const held = p[4] as number;
  for (let i = 0; i < rows.length; i++) if (p[i * 5 + 3] !== spent || p[i * 5 + 4] !== held) return undefined;
  return { spent, held };
}
