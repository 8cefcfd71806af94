import type { Executor } from '../db/database.js';

/** The newest spend request's id (ids sort by creation time), or undefined on an empty database. */
export async function newestSpendRequestId(db: Executor): Promise<string | undefined> {
  const row = await db.selectFrom('spend_requests').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.id;
}
