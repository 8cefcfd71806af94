import { sql, type Migration } from 'kysely';

/**
 * When a signing key may start to sign. A rotation writes the new key first with none (it is
 * published, and signs nothing), then, once that write is committed and every process can load
 * it, the time it signs from. Keys written before this column existed sign from their creation.
 */
export function signingKeyActivation(): Migration {
  return {
    async up(db) {
      await db.schema.alterTable('signing_keys').addColumn('signs_from', 'bigint').execute();
      await sql`update signing_keys set signs_from = created_at`.execute(db);
    },
  };
}
