import type { Executor } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { toPage, type Page } from './rows.js';

export type LedgerRow = DB['ledger_transactions'];

export async function listLedger(
  db: Executor,
  workspaceId: string,
  filter: { wallet_id?: string | undefined; spend_request_id?: string | undefined },
  limit: number,
  cursor?: string,
): Promise<Page<LedgerRow>> {
  let q = db.selectFrom('ledger_transactions').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.wallet_id) q = q.where('wallet_id', '=', filter.wallet_id);
  if (filter.spend_request_id) q = q.where('spend_request_id', '=', filter.spend_request_id);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}
