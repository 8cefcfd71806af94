import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { UsageRow } from './rows.js';

export interface WindowRef {
  period: string;
  key: string;
}

/** Usage rows of a policy for the given windows; a window never used has no row. */
export async function usageFor(db: Executor, policyId: string, windows: readonly WindowRef[]): Promise<UsageRow[]> {
  if (windows.length === 0) return [];
  return db
    .selectFrom('usage_counters')
    .selectAll()
    .where('policy_id', '=', policyId)
    .where((eb) => eb.or(windows.map((w) => eb.and([eb('period', '=', w.period), eb('window_key', '=', w.key)]))))
    .execute();
}

/** Adds to a window's spent and held counters, creating the row on first use. */
export async function addUsage(
  db: Executor,
  policyId: string,
  window: WindowRef,
  delta: { spent: number; held: number },
): Promise<void> {
  await db
    .insertInto('usage_counters')
    .values({ policy_id: policyId, period: window.period, window_key: window.key, spent_cents: delta.spent, held_cents: delta.held })
    .onConflict((oc) =>
      oc.columns(['policy_id', 'period', 'window_key']).doUpdateSet({
        spent_cents: sql`usage_counters.spent_cents + ${delta.spent}`,
        held_cents: sql`usage_counters.held_cents + ${delta.held}`,
      }),
    )
    .execute();
}
