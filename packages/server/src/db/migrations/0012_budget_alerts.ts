import { sql, type Migration } from 'kysely';
import type { DatabaseKind } from '../database.js';
import { textType } from './column-types.js';

/** Budget alerts: a policy's thresholds, and the alerts it has raised (each at most once per window). */
export function budgetAlerts(kind: DatabaseKind): Migration {
  const text = textType(kind);
  return {
    async up(db) {
      // Percents of each limited window's limit, as a JSON array; existing policies get the default.
      await db.schema
        .alterTable('policies')
        .addColumn('alert_thresholds_percent', text, (c) => c.notNull().defaultTo(sql`'[80,100]'`))
        .execute();
      // One row per alert raised: the primary key is the once-per-window guarantee, inserted in the
      // transaction that crossed the threshold (insert … on conflict do nothing).
      await db.schema
        .createTable('budget_alerts')
        .addColumn('policy_id', text, (c) => c.notNull())
        .addColumn('period', text, (c) => c.notNull())
        .addColumn('window_key', text, (c) => c.notNull())
        .addColumn('threshold_percent', 'integer', (c) => c.notNull())
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('event_id', text, (c) => c.notNull())
        .addColumn('limit_cents', 'bigint', (c) => c.notNull())
        .addColumn('spent_cents', 'bigint', (c) => c.notNull())
        .addColumn('held_cents', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('budget_alerts_pk', ['policy_id', 'period', 'window_key', 'threshold_percent'])
        .execute();
    },
  };
}
