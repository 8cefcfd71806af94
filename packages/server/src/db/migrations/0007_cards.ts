import { type Migration, sql } from 'kysely';
import type { DatabaseKind } from '../database.js';
import { textType } from './column-types.js';

/** Cards, checkout intents and card authorizations; transfers between workspaces; root keys. */
export function cards(kind: DatabaseKind): Migration {
  const text = textType(kind);
  return {
    async up(db) {
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
  };
}
