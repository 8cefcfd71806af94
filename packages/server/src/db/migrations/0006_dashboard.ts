import type { Migration } from 'kysely';
import type { DatabaseKind } from '../database.js';
import { textType } from './column-types.js';

/** Dashboard sign-in sessions. */
export function dashboard(kind: DatabaseKind): Migration {
  const text = textType(kind);
  return {
    async up(db) {
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
  };
}
