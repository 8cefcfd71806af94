import type { TestServer } from './server.js';

/**
 * Recorded history without a round trip per decision: `n` copies of a recorded spend request,
 * each a millisecond older than the one before (so a replay reads them before the original),
 * inserted in batches straight into the database, on either driver.
 */
export async function copiesOfDecision(s: TestServer, spendRequestId: string, n: number): Promise<void> {
  const db = s.server.db.db;
  const row = await db.selectFrom('spend_requests').selectAll().where('id', '=', spendRequestId).executeTakeFirstOrThrow();
  for (let i = 0; i < n; i += 500) {
    const rows = Array.from({ length: Math.min(500, n - i) }, (_, j) => {
      const at = row.created_at - (i + j + 1);
      return { ...row, id: `${row.id}c${i + j}`, created_at: at, decided_at: at, updated_at: at };
    });
    await db.insertInto('spend_requests').values(rows).execute();
  }
}
