import { type Migration, sql } from 'kysely';
import type { DatabaseKind } from '../database.js';
import { textType } from './column-types.js';

/** The control plane: spend request kinds and budget leases, mandates, payments and the price catalog. */
export function controlPlane(kind: DatabaseKind): Migration {
  const text = textType(kind);
  return {
    async up(db) {
      // A reservation and a payment are spend requests in another dialect: same engine, holds and approvals.
      await db.schema.alterTable('spend_requests').addColumn('kind', text, (c) => c.notNull().defaultTo('spend')).execute();
      // Set when the agent spent from a budget lease: the hold is charged to the lease, not to policy windows.
      await db.schema.alterTable('spend_requests').addColumn('lease_id', text).execute();
      await db.schema.createIndex('spend_requests_by_kind').on('spend_requests').columns(['workspace_id', 'kind', 'id']).execute();
      await db.schema
        .createTable('mandates')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('agent_id', text, (c) => c.notNull().references('agents.id'))
        .addColumn('description', text, (c) => c.notNull())
        .addColumn('currency', text, (c) => c.notNull())
        .addColumn('max_amount_cents', 'bigint')
        .addColumn('total_limit_cents', 'bigint')
        .addColumn('spent_cents', 'bigint', (c) => c.notNull())
        .addColumn('allowed_merchants', text, (c) => c.notNull())
        .addColumn('allowed_categories', text, (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('status', text, (c) => c.notNull())
        .addColumn('livemode', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('mandates_by_workspace').on('mandates').columns(['workspace_id', 'id']).execute();
      await db.schema
        .createTable('budget_leases')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('parent_agent_id', text, (c) => c.notNull())
        .addColumn('child_agent_id', text, (c) => c.notNull())
        .addColumn('source_lease_id', text)
        .addColumn('source_policy_id', text)
        .addColumn('hold_windows', text, (c) => c.notNull())
        .addColumn('currency', text, (c) => c.notNull())
        .addColumn('amount_cents', 'bigint', (c) => c.notNull())
        .addColumn('spent_cents', 'bigint', (c) => c.notNull())
        .addColumn('held_cents', 'bigint', (c) => c.notNull())
        .addColumn('status', text, (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('livemode', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('released_at', 'bigint')
        .addCheckConstraint('budget_leases_within_amount', sql`spent_cents + held_cents <= amount_cents and held_cents >= 0`)
        .execute();
      await db.schema.createIndex('budget_leases_by_child').on('budget_leases').columns(['child_agent_id', 'status']).execute();
      await db.schema.createIndex('budget_leases_by_workspace').on('budget_leases').columns(['workspace_id', 'id']).execute();
      await db.schema
        .createTable('payments')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('agent_id', text, (c) => c.notNull())
        .addColumn('mandate_id', text, (c) => c.notNull())
        .addColumn('spend_request_id', text, (c) => c.notNull())
        // An execution token is used at most once: its jti is unique across every payment.
        .addColumn('token_jti', text, (c) => c.notNull().unique())
        .addColumn('amount_cents', 'bigint', (c) => c.notNull())
        .addColumn('currency', text, (c) => c.notNull())
        .addColumn('merchant_name', text, (c) => c.notNull())
        .addColumn('category', text)
        .addColumn('description', text)
        .addColumn('status', text, (c) => c.notNull())
        .addColumn('decision_code', text, (c) => c.notNull())
        .addColumn('reasons', text, (c) => c.notNull())
        .addColumn('rail', text, (c) => c.notNull())
        .addColumn('rail_transaction_id', text)
        .addColumn('failure_reason', text)
        .addColumn('livemode', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('payments_by_workspace').on('payments').columns(['workspace_id', 'id']).execute();
      await db.schema
        .createTable('price_catalog')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('kind', text, (c) => c.notNull())
        .addColumn('name', text, (c) => c.notNull())
        .addColumn('currency', text, (c) => c.notNull())
        .addColumn('merchant_name', text, (c) => c.notNull())
        .addColumn('input_per_million_cents', 'double precision')
        .addColumn('output_per_million_cents', 'double precision')
        .addColumn('per_call_cents', 'double precision')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('price_catalog_entry', ['workspace_id', 'kind', 'name', 'currency'])
        .execute();
    },
  };
}
