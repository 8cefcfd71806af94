import type { Migration } from 'kysely';
import type { DatabaseKind } from '../database.js';
import { textType } from './column-types.js';

/** Payments approved by a human, executed once the approval commits. */
export function paymentsExecution(kind: DatabaseKind): Migration {
  const text = textType(kind);
  return {
    async up(db) {
      // A payment approved by a human is executed after the approval commits: what to send the
      // rail is kept with it, and execution_due_at marks it queued until its rail has answered.
      await db.schema.alterTable('payments').addColumn('rail_params', text, (c) => c.notNull().defaultTo('{}')).execute();
      await db.schema.alterTable('payments').addColumn('execution_due_at', 'bigint').execute();
      await db.schema.createIndex('payments_execution_due').on('payments').columns(['execution_due_at']).execute();
      // An approval finds its payment by the spend request it decided.
      await db.schema.createIndex('payments_by_spend').on('payments').column('spend_request_id').execute();
    },
  };
}
