import type { Executor } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { toPage, type Page } from './rows.js';

export type TransferRow = DB['transfers'];

export async function insertTransfer(db: Executor, row: TransferRow): Promise<void> {
  await db.insertInto('transfers').values(row).execute();
}

/** A transfer either side of it may see. */
export async function getTransfer(db: Executor, workspaceId: string, id: string): Promise<TransferRow | undefined> {
  return db
    .selectFrom('transfers')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => eb.or([eb('from_workspace_id', '=', workspaceId), eb('to_workspace_id', '=', workspaceId)]))
    .executeTakeFirst();
}

export async function listTransfers(
  db: Executor,
  workspaceId: string,
  filter: { direction?: 'outgoing' | 'incoming' | undefined },
  limit: number,
  cursor?: string,
): Promise<Page<TransferRow>> {
  let q = db.selectFrom('transfers').selectAll();
  if (filter.direction === 'outgoing') q = q.where('from_workspace_id', '=', workspaceId);
  else if (filter.direction === 'incoming') q = q.where('to_workspace_id', '=', workspaceId);
  else q = q.where((eb) => eb.or([eb('from_workspace_id', '=', workspaceId), eb('to_workspace_id', '=', workspaceId)]));
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}
