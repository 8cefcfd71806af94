import type { Migration } from 'kysely';
import type { DatabaseKind } from '../database.js';
import { textType } from './column-types.js';

/** Why Bursar cancelled a hold itself. */
export function cancellationReason(kind: DatabaseKind): Migration {
  const text = textType(kind);
  return {
    async up(db) {
      // Why a hold was cancelled by Bursar rather than by its spender (an agent revoked, a lease
      // revoked with the agent that granted it); null when it was cancelled on request.
      await db.schema.alterTable('spend_requests').addColumn('cancellation_reason', text).execute();
    },
  };
}
