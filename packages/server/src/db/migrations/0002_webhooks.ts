import type { Migration } from 'kysely';
import type { DatabaseKind } from '../database.js';
import { textType } from './column-types.js';

/** Webhooks: callback secrets and URLs, endpoints, deliveries and their attempts; events marked once dispatched. */
export function webhooks(kind: DatabaseKind): Migration {
  const text = textType(kind);
  return {
    async up(db) {
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
  };
}
