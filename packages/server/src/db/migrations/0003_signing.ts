import type { Migration } from 'kysely';
import type { DatabaseKind } from '../database.js';
import { textType } from './column-types.js';

/** Token signing: the signing keys, and the authorization token a spend request was issued. */
export function signing(kind: DatabaseKind): Migration {
  const text = textType(kind);
  return {
    async up(db) {
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
  };
}
