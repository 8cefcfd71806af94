import type { Executor } from '../db/database.js';
import { toPage, type Page, type WalletRow } from './rows.js';

export async function insertWallet(db: Executor, row: WalletRow): Promise<void> {
  await db.insertInto('wallets').values(row).execute();
}

export async function getWallet(db: Executor, workspaceId: string, id: string): Promise<WalletRow | undefined> {
  return db.selectFrom('wallets').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function walletForCurrency(db: Executor, workspaceId: string, currency: string): Promise<WalletRow | undefined> {
  return db
    .selectFrom('wallets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('currency', '=', currency)
    .executeTakeFirst();
}

export async function listWallets(db: Executor, workspaceId: string, limit: number, cursor?: string): Promise<Page<WalletRow>> {
  let q = db.selectFrom('wallets').selectAll().where('workspace_id', '=', workspaceId);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}
