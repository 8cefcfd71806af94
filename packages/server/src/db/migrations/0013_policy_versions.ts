import type { Migration } from 'kysely';
import type { DatabaseKind } from '../database.js';
import { textType } from './column-types.js';

/** Policy versions: a policy's version number, every version kept, and the version each decision was made under. */
export function policyVersions(kind: DatabaseKind): Migration {
  const text = textType(kind);
  return {
    async up(db) {
      // 1 at creation, +1 per change; existing policies start at 1.
      await db.schema.alterTable('policies').addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      // Null for decisions made before versions were recorded.
      await db.schema.alterTable('spend_requests').addColumn('policy_version', 'integer').execute();
      // Each version as the API showed it when it was made (JSON of the presented policy): what
      // an operator saw then, whatever columns later migrations add.
      await db.schema
        .createTable('policy_versions')
        .addColumn('policy_id', text, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('policy', text, (c) => c.notNull())
        .addColumn('changed_by', text)
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('policy_versions_pk', ['policy_id', 'version'])
        .execute();
    },
  };
}
