import type { Migration } from 'kysely';
import type { DatabaseKind } from '../database.js';
import { textType } from './column-types.js';

/** Approval quorum: how many distinct operators a policy asks for, and each operator's approval. */
export function approvalQuorum(kind: DatabaseKind): Migration {
  const text = textType(kind);
  return {
    async up(db) {
      // Existing policies and pending approvals keep needing one approval.
      await db.schema.alterTable('policies').addColumn('approvals_required', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      await db.schema.alterTable('approvals').addColumn('approvals_required', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      // The primary key is the "distinct operators" rule: a key approves a request once.
      await db.schema
        .createTable('approval_votes')
        .addColumn('approval_id', text, (c) => c.notNull())
        .addColumn('approved_by', text, (c) => c.notNull())
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('note', text)
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('approval_votes_pk', ['approval_id', 'approved_by'])
        .execute();
    },
  };
}
