import { type Migration, sql } from 'kysely';
import type { DatabaseKind } from '../database.js';
import { textType } from './column-types.js';

/**
 * The first schema: workspaces, wallets and their ledger, policies, agents and keys, spend requests
 * and approvals, usage counters, idempotency keys, events, the audit log and a key-value table.
 */
export function foundation(kind: DatabaseKind): Migration {
  const text = textType(kind);
  return {
    async up(db) {
      const money = 'bigint';
      await db.schema
        .createTable('workspaces')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('name', text, (c) => c.notNull())
        .addColumn('livemode', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('wallets')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('currency', text, (c) => c.notNull())
        .addColumn('livemode', 'integer', (c) => c.notNull())
        .addColumn('available_cents', money, (c) => c.notNull().check(sql`available_cents >= 0`))
        .addColumn('held_cents', money, (c) => c.notNull().check(sql`held_cents >= 0`))
        .addColumn('last_sequence', 'bigint', (c) => c.notNull())
        .addColumn('last_hash', text, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('wallets_workspace_currency', ['workspace_id', 'currency'])
        .execute();
      await db.schema
        .createTable('ledger_transactions')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('wallet_id', text, (c) => c.notNull().references('wallets.id'))
        .addColumn('sequence', 'bigint', (c) => c.notNull())
        .addColumn('type', text, (c) => c.notNull())
        .addColumn('spend_request_id', text)
        .addColumn('description', text, (c) => c.notNull())
        .addColumn('postings', text, (c) => c.notNull())
        .addColumn('prev_hash', text, (c) => c.notNull())
        .addColumn('hash', text, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('ledger_wallet_sequence', ['wallet_id', 'sequence'])
        .execute();
      await db.schema.createIndex('ledger_by_workspace').on('ledger_transactions').columns(['workspace_id', 'id']).execute();
      await db.schema.createIndex('ledger_by_spend').on('ledger_transactions').column('spend_request_id').execute();
      await db.schema
        .createTable('policies')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('name', text, (c) => c.notNull())
        .addColumn('currency', text, (c) => c.notNull())
        .addColumn('timezone', text, (c) => c.notNull())
        .addColumn('max_single_amount_cents', money)
        .addColumn('daily_limit_cents', money)
        .addColumn('weekly_limit_cents', money)
        .addColumn('monthly_limit_cents', money)
        .addColumn('total_limit_cents', money)
        .addColumn('require_approval_over_cents', money)
        .addColumn('max_transactions_per_minute', 'integer')
        .addColumn('max_transactions_per_hour', 'integer')
        .addColumn('allowed_merchants', text, (c) => c.notNull())
        .addColumn('blocked_merchants', text, (c) => c.notNull())
        .addColumn('allowed_categories', text, (c) => c.notNull())
        .addColumn('blocked_categories', text, (c) => c.notNull())
        .addColumn('is_active', 'integer', (c) => c.notNull())
        .addColumn('livemode', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('policies_by_workspace').on('policies').columns(['workspace_id', 'id']).execute();
      await db.schema
        .createTable('agents')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('name', text, (c) => c.notNull())
        .addColumn('policy_id', text, (c) => c.notNull().references('policies.id'))
        .addColumn('parent_agent_id', text, (c) => c.references('agents.id'))
        .addColumn('status', text, (c) => c.notNull())
        .addColumn('livemode', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('agents_by_workspace').on('agents').columns(['workspace_id', 'id']).execute();
      await db.schema
        .createTable('api_keys')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('type', text, (c) => c.notNull())
        .addColumn('name', text)
        .addColumn('agent_id', text, (c) => c.references('agents.id'))
        .addColumn('prefix', text, (c) => c.notNull())
        .addColumn('secret_hash', text, (c) => c.notNull().unique())
        .addColumn('livemode', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('keys_by_workspace').on('api_keys').columns(['workspace_id', 'id']).execute();
      await db.schema.createIndex('keys_by_agent').on('api_keys').column('agent_id').execute();
      await db.schema
        .createTable('spend_requests')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('agent_id', text, (c) => c.notNull().references('agents.id'))
        .addColumn('policy_id', text, (c) => c.notNull())
        .addColumn('wallet_id', text)
        .addColumn('amount_cents', money, (c) => c.notNull())
        .addColumn('currency', text, (c) => c.notNull())
        .addColumn('merchant_name', text, (c) => c.notNull())
        .addColumn('merchant_key', text, (c) => c.notNull())
        .addColumn('category', text)
        .addColumn('reason', text, (c) => c.notNull())
        .addColumn('metadata', text, (c) => c.notNull())
        .addColumn('status', text, (c) => c.notNull())
        .addColumn('decision_code', text, (c) => c.notNull())
        .addColumn('decision_reason', text, (c) => c.notNull())
        .addColumn('violations', text, (c) => c.notNull())
        .addColumn('budget_period', text)
        .addColumn('remaining_budget_cents', money)
        .addColumn('remaining_monthly_budget_cents', money)
        .addColumn('held_cents', money, (c) => c.notNull())
        .addColumn('hold_windows', text, (c) => c.notNull())
        .addColumn('captured_amount_cents', money)
        .addColumn('approval_id', text)
        .addColumn('livemode', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('decided_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .execute();
      await db.schema.createIndex('spend_by_workspace').on('spend_requests').columns(['workspace_id', 'id']).execute();
      await db.schema.createIndex('spend_by_agent').on('spend_requests').columns(['agent_id', 'id']).execute();
      await db.schema.createIndex('spend_velocity').on('spend_requests').columns(['policy_id', 'created_at']).execute();
      await db.schema.createIndex('spend_expiry').on('spend_requests').columns(['status', 'expires_at']).execute();
      await db.schema
        .createTable('approvals')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('spend_request_id', text, (c) => c.notNull().unique().references('spend_requests.id'))
        .addColumn('agent_id', text, (c) => c.notNull())
        .addColumn('status', text, (c) => c.notNull())
        .addColumn('note', text)
        .addColumn('decided_by', text)
        .addColumn('override_budget', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('decided_at', 'bigint')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('approvals_by_workspace').on('approvals').columns(['workspace_id', 'status', 'id']).execute();
      await db.schema.createIndex('approvals_expiry').on('approvals').columns(['status', 'expires_at']).execute();
      await db.schema
        .createTable('usage_counters')
        .addColumn('policy_id', text, (c) => c.notNull())
        .addColumn('period', text, (c) => c.notNull())
        .addColumn('window_key', text, (c) => c.notNull())
        .addColumn('spent_cents', money, (c) => c.notNull())
        .addColumn('held_cents', money, (c) => c.notNull())
        .addPrimaryKeyConstraint('usage_counters_pk', ['policy_id', 'period', 'window_key'])
        .execute();
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('scope', text, (c) => c.notNull())
        .addColumn('key', text, (c) => c.notNull())
        .addColumn('request_hash', text, (c) => c.notNull())
        .addColumn('status_code', 'integer', (c) => c.notNull())
        .addColumn('response_body', text, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
        .execute();
      await db.schema.createIndex('idempotency_expiry').on('idempotency_keys').column('expires_at').execute();
      await db.schema
        .createTable('events')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('type', text, (c) => c.notNull())
        .addColumn('object_id', text, (c) => c.notNull())
        .addColumn('livemode', 'integer', (c) => c.notNull())
        .addColumn('data', text, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('events_by_workspace').on('events').columns(['workspace_id', 'id']).execute();
      await db.schema.createIndex('events_by_object').on('events').columns(['object_id', 'id']).execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('actor_type', text, (c) => c.notNull())
        .addColumn('actor_id', text)
        .addColumn('action', text, (c) => c.notNull())
        .addColumn('object_type', text, (c) => c.notNull())
        .addColumn('object_id', text, (c) => c.notNull())
        .addColumn('before', text)
        .addColumn('after', text)
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_by_workspace').on('audit_log').columns(['workspace_id', 'id']).execute();
      await db.schema
        .createTable('kv')
        .addColumn('key', text, (c) => c.primaryKey())
        .addColumn('value', text, (c) => c.notNull())
        .execute();
    },
  };
}
