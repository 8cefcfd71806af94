import type { Migration } from 'kysely';
import type { DatabaseKind } from '../database.js';
import { textType } from './column-types.js';

/** The /api/v1 policy API: payment handles, spend receipts and executions, workspace plans and their usage. */
export function policyApi(kind: DatabaseKind): Migration {
  const text = textType(kind);
  return {
    async up(db) {
      await db.schema
        .createTable('payment_handles')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('name', text, (c) => c.notNull())
        .addColumn('rail_id', text, (c) => c.notNull())
        .addColumn('execution_mode', text, (c) => c.notNull())
        .addColumn('livemode', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('payment_handles_by_workspace').on('payment_handles').columns(['workspace_id', 'id']).execute();
      await db.schema.alterTable('spend_requests').addColumn('payment_handle_id', text).execute();
      // One receipt and one execution per authorization token: the unique jti is the execute-once guard.
      await db.schema
        .createTable('spend_receipts')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('spend_request_id', text, (c) => c.notNull().references('spend_requests.id'))
        .addColumn('sat_jti', text, (c) => c.notNull().unique())
        .addColumn('rail_id', text, (c) => c.notNull())
        .addColumn('provider_transaction_id', text)
        .addColumn('destination', text)
        .addColumn('actual_network', text)
        .addColumn('actual_amount_cents', 'bigint', (c) => c.notNull())
        .addColumn('actual_currency', text, (c) => c.notNull())
        .addColumn('actual_merchant', text)
        .addColumn('raw_receipt', text)
        .addColumn('anomaly_flags', text, (c) => c.notNull())
        .addColumn('captured_cents', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('spend_receipts_by_spend').on('spend_receipts').column('spend_request_id').execute();
      await db.schema
        .createTable('payment_executions')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('spend_request_id', text, (c) => c.notNull().references('spend_requests.id'))
        .addColumn('payment_handle_id', text, (c) => c.notNull())
        .addColumn('sat_jti', text, (c) => c.notNull().unique())
        .addColumn('rail_id', text, (c) => c.notNull())
        .addColumn('amount_cents', 'bigint', (c) => c.notNull())
        .addColumn('currency', text, (c) => c.notNull())
        .addColumn('status', text, (c) => c.notNull())
        .addColumn('rail_transaction_id', text)
        .addColumn('failure_reason', text)
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // No row: the self-hosted default, unlimited. A named plan sets limits; a null limit is unlimited.
      await db.schema
        .createTable('workspace_plans')
        .addColumn('workspace_id', text, (c) => c.primaryKey())
        .addColumn('plan', text, (c) => c.notNull())
        .addColumn('evaluations_per_day', 'bigint')
        .addColumn('max_policies', 'bigint')
        .addColumn('max_api_keys', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('plan_usage')
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('day', text, (c) => c.notNull())
        .addColumn('evaluations', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('plan_usage_pk', ['workspace_id', 'day'])
        .execute();
    },
  };
}
