import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';
import type { DatabaseKind } from './database.js';

/**
 * Text in byte order on both databases: ids double as pagination cursors, so `id < cursor`
 * must compare the way SQLite does, whatever the PostgreSQL server's default collation.
 */
function textType(kind: DatabaseKind) {
  return kind === 'postgres' ? sql`text collate "C"` : sql`text`;
}

/**
 * The versioned schema. Each migration is append-only: never edit one that has shipped, add
 * the next. Written with Kysely's schema builder so the same set runs on SQLite and PostgreSQL.
 */
function buildMigrations(kind: DatabaseKind): Record<string, Migration> {
  const text = textType(kind);
  return {
  '0001_foundation': {
    async up(db: Kysely<any>) {
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
  },
  '0002_webhooks': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('workspaces').addColumn('callback_secret', text).execute();
      await db.schema.alterTable('workspaces').addColumn('previous_callback_secret', text).execute();
      await db.schema.alterTable('workspaces').addColumn('previous_callback_secret_expires_at', 'bigint').execute();
      await db.schema.alterTable('spend_requests').addColumn('callback_url', text).execute();
      // Events written before this migration predate every endpoint: nothing to dispatch.
      await db.schema.alterTable('events').addColumn('dispatched', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      await db.schema.createIndex('events_undispatched').on('events').columns(['dispatched', 'id']).execute();
      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('url', text, (c) => c.notNull())
        .addColumn('description', text)
        .addColumn('events', text, (c) => c.notNull())
        .addColumn('status', text, (c) => c.notNull())
        .addColumn('disabled_reason', text)
        .addColumn('secret', text, (c) => c.notNull())
        .addColumn('previous_secret', text)
        .addColumn('previous_secret_expires_at', 'bigint')
        .addColumn('secret_rotated_at', 'bigint')
        .addColumn('failing_since', 'bigint')
        .addColumn('livemode', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('deleted_at', 'bigint')
        .execute();
      await db.schema.createIndex('webhook_endpoints_by_workspace').on('webhook_endpoints').columns(['workspace_id', 'id']).execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('endpoint_id', text)
        .addColumn('url', text)
        .addColumn('event_id', text, (c) => c.notNull().references('events.id'))
        .addColumn('status', text, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint')
        .addColumn('locked_until', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('webhook_deliveries_by_endpoint').on('webhook_deliveries').columns(['endpoint_id', 'event_id']).execute();
      await db.schema
        .createTable('webhook_attempts')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('delivery_id', text, (c) => c.notNull().references('webhook_deliveries.id'))
        .addColumn('endpoint_id', text)
        .addColumn('event_id', text, (c) => c.notNull())
        .addColumn('event_type', text, (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('succeeded', 'integer', (c) => c.notNull())
        .addColumn('latency_ms', 'integer', (c) => c.notNull())
        .addColumn('response_excerpt', text)
        .addColumn('error', text)
        .addColumn('next_retry_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_attempts_by_endpoint').on('webhook_attempts').columns(['endpoint_id', 'id']).execute();
    },
  },
  '0003_signing': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', text, (c) => c.primaryKey())
        .addColumn('public_jwk', text, (c) => c.notNull())
        // PKCS#8 PEM. Whoever can read the database can mint tokens: protect it like the keys it holds.
        .addColumn('private_key', text, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('retire_after', 'bigint')
        .execute();
      await db.schema.alterTable('spend_requests').addColumn('authorization_token', text).execute();
    },
  },
  '0004_control_plane': {
    async up(db: Kysely<any>) {
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
  },
  '0005_policy_api': {
    async up(db: Kysely<any>) {
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
  },
  '0006_dashboard': {
    async up(db: Kysely<any>) {
      // A dashboard sign-in: the cookie's SHA-256 as the id, so a leaked table opens nothing.
      await db.schema
        .createTable('dashboard_sessions')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('key_id', text, (c) => c.notNull().references('api_keys.id'))
        .addColumn('csrf_token', text, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0007_cards': {
    async up(db: Kysely<any>) {
      const money = 'bigint';
      // Proxy cards and just-in-time credentials; number and CVC sealed with AES-256-GCM, found by a keyed hash.
      await db.schema
        .createTable('cards')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('policy_id', text, (c) => c.notNull().references('policies.id'))
        .addColumn('agent_id', text, (c) => c.notNull().references('agents.id'))
        .addColumn('name', text)
        .addColumn('type', text, (c) => c.notNull())
        .addColumn('status', text, (c) => c.notNull())
        .addColumn('brand', text, (c) => c.notNull())
        .addColumn('last4', text, (c) => c.notNull())
        .addColumn('exp_month', 'integer', (c) => c.notNull())
        .addColumn('exp_year', 'integer', (c) => c.notNull())
        .addColumn('number_sealed', text, (c) => c.notNull())
        .addColumn('cvc_sealed', text, (c) => c.notNull())
        .addColumn('number_hash', text, (c) => c.notNull())
        .addColumn('spend_limit_cents', money)
        .addColumn('spent_cents', money, (c) => c.notNull().check(sql`spent_cents >= 0`))
        .addColumn('held_cents', money, (c) => c.notNull().check(sql`held_cents >= 0`))
        .addColumn('is_default', 'integer', (c) => c.notNull())
        .addColumn('checkout_intent_id', text)
        .addColumn('merchant_name', text)
        .addColumn('merchant_key', text)
        .addColumn('bound_amount_cents', money)
        .addColumn('issuer', text, (c) => c.notNull())
        .addColumn('issuer_card_id', text, (c) => c.notNull())
        .addColumn('revealed_at', 'bigint')
        .addColumn('used_at', 'bigint')
        .addColumn('expires_at', 'bigint')
        .addColumn('livemode', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('cards_by_workspace').on('cards').columns(['workspace_id', 'id']).execute();
      await db.schema.createIndex('cards_by_number').on('cards').column('number_hash').execute();
      await db.schema.createIndex('cards_by_checkout_intent').on('cards').column('checkout_intent_id').execute();
      // A checkout intent is a spend request of kind 'checkout'; this row adds its funding card and credential.
      await db.schema
        .createTable('checkout_intents')
        .addColumn('id', text, (c) => c.primaryKey().references('spend_requests.id'))
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('card_id', text)
        .addColumn('credential_card_id', text)
        // What the intent still counts against its funding card's spend limit, until it settles.
        .addColumn('funding_held_cents', money, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('card_authorizations')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('card_id', text, (c) => c.notNull().references('cards.id'))
        .addColumn('spend_request_id', text)
        .addColumn('merchant_name', text, (c) => c.notNull())
        .addColumn('merchant_key', text, (c) => c.notNull())
        .addColumn('mcc', text)
        .addColumn('amount_cents', money, (c) => c.notNull())
        .addColumn('currency', text, (c) => c.notNull())
        .addColumn('status', text, (c) => c.notNull())
        .addColumn('decline_code', text)
        .addColumn('decline_reason', text)
        .addColumn('captured_amount_cents', money)
        .addColumn('livemode', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('card_authorizations_by_workspace').on('card_authorizations').columns(['workspace_id', 'id']).execute();
      await db.schema.createIndex('card_authorizations_by_card').on('card_authorizations').columns(['card_id', 'id']).execute();
      // A transfer between two workspaces' wallets: one ledger transaction on each side.
      await db.schema
        .createTable('transfers')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('from_workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('to_workspace_id', text, (c) => c.notNull().references('workspaces.id'))
        .addColumn('from_wallet_id', text, (c) => c.notNull())
        .addColumn('to_wallet_id', text, (c) => c.notNull())
        .addColumn('amount_cents', money, (c) => c.notNull())
        .addColumn('currency', text, (c) => c.notNull())
        .addColumn('description', text, (c) => c.notNull())
        .addColumn('status', text, (c) => c.notNull())
        .addColumn('from_ledger_transaction_id', text, (c) => c.notNull())
        .addColumn('to_ledger_transaction_id', text, (c) => c.notNull())
        .addColumn('created_by', text)
        .addColumn('livemode', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('transfers_from').on('transfers').columns(['from_workspace_id', 'id']).execute();
      await db.schema.createIndex('transfers_to').on('transfers').columns(['to_workspace_id', 'id']).execute();
      // Instance operators: root management keys may create and list workspaces.
      await db.schema
        .createTable('root_keys')
        .addColumn('key_id', text, (c) => c.primaryKey().references('api_keys.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // An existing install: its first provisioned management key is the root key.
      const first = await db.selectFrom('workspaces').select('id').orderBy('id').limit(1).executeTakeFirst();
      if (first) {
        const key = await db
          .selectFrom('api_keys')
          .select(['id', 'created_at'])
          .where('workspace_id', '=', first.id)
          .where('type', '=', 'management')
          .orderBy('id')
          .limit(1)
          .executeTakeFirst();
        if (key) await db.insertInto('root_keys').values({ key_id: key.id, created_at: key.created_at }).execute();
      }
    },
  },
  '0008_audit': {
    async up(db: Kysely<any>) {
      // GET /v1/audit-log?object_id=…: one object's history without scanning the workspace's log.
      await db.schema.createIndex('audit_by_object').on('audit_log').columns(['workspace_id', 'object_id', 'id']).execute();
      // Append-only in the database itself: an entry can be written, never rewritten or removed.
      if (kind === 'postgres') {
        await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
          begin raise exception 'audit_log is append-only'; end $$`.execute(db);
        await sql`create trigger audit_log_no_update before update or delete on audit_log
          for each row execute function audit_log_append_only()`.execute(db);
      } else {
        await sql`create trigger audit_log_no_update before update on audit_log
          begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
        await sql`create trigger audit_log_no_delete before delete on audit_log
          begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
      }
    },
  },
  '0010_payments_execution': {
    async up(db: Kysely<any>) {
      // A payment approved by a human is executed after the approval commits: what to send the
      // rail is kept with it, and execution_due_at marks it queued until its rail has answered.
      await db.schema.alterTable('payments').addColumn('rail_params', text, (c) => c.notNull().defaultTo('{}')).execute();
      await db.schema.alterTable('payments').addColumn('execution_due_at', 'bigint').execute();
      await db.schema.createIndex('payments_execution_due').on('payments').columns(['execution_due_at']).execute();
      // An approval finds its payment by the spend request it decided.
      await db.schema.createIndex('payments_by_spend').on('payments').column('spend_request_id').execute();
    },
  },
  '0011_cancellation_reason': {
    async up(db: Kysely<any>) {
      // Why a hold was cancelled by Bursar rather than by its spender (an agent revoked, a lease
      // revoked with the agent that granted it); null when it was cancelled on request.
      await db.schema.alterTable('spend_requests').addColumn('cancellation_reason', text).execute();
    },
  },
  };
}

export function migrationProvider(kind: DatabaseKind): MigrationProvider {
  return {
    async getMigrations() {
      return buildMigrations(kind);
    },
  };
}
