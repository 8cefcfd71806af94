import type { Executor } from '../db/database.js';
import { execute } from '../db/prepared.js';
import type { DB } from '../db/schema.js';

export type BudgetAlertRow = DB['budget_alerts'];

const columns = ['policy_id', 'period', 'window_key', 'threshold_percent', 'workspace_id', 'event_id', 'limit_cents', 'spent_cents', 'held_cents', 'created_at'] as const;
const insertText =
  `insert into "budget_alerts" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')}) ` +
  'on conflict ("policy_id", "period", "window_key", "threshold_percent") do nothing';

/**
 * Records an alert unless its policy, window and threshold already have one; true when this
 * call recorded it. Never fails on the duplicate (a decision in a batch must not: see
 * DecisionBatcher), and a concurrent transaction inserting the same key waits for this one.
 */
export async function recordBudgetAlert(db: Executor, row: BudgetAlertRow): Promise<boolean> {
  return (await execute(db, insertText, columns.map((c) => row[c]))) === 1;
}

