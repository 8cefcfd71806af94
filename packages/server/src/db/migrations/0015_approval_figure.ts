import type { Migration } from 'kysely';
import type { DatabaseKind } from '../database.js';
import { textType } from './column-types.js';

/** The budget figure an approval was decided with: what the operator was shown is what the history keeps. */
export function approvalFigure(kind: DatabaseKind): Migration {
  const text = textType(kind);
  return {
    async up(db) {
      // Null for approvals still pending and for those decided before figures were recorded.
      await db.schema.alterTable('approvals').addColumn('decided_budget', text).execute();
    },
  };
}
