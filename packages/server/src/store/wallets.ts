import { isPostgres, type Executor } from '../db/database.js';
import { query } from '../db/prepared.js';
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

/** Reads a wallet and, on PostgreSQL, locks its row (always after the policy's) until the transaction ends. */
export async function lockWallet(db: Executor, workspaceId: string, id: string): Promise<WalletRow | undefined> {
  const q = db.selectFrom('wallets').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  return (isPostgres(db) ? q.forUpdate() : q).executeTakeFirst();
}

/** The workspace's wallet for a currency, locked like `lockWallet`. */
export async function lockWalletForCurrency(db: Executor, workspaceId: string, currency: string): Promise<WalletRow | undefined> {
  const lock = isPostgres(db) ? ' for update' : '';
  return (await query<WalletRow>(db, `select * from "wallets" where "workspace_id" = ? and "currency" = ?${lock}`, [workspaceId, currency]))[0];
}

export async function listWallets(db: Executor, workspaceId: string, limit: number, cursor?: string): Promise<Page<WalletRow>> {
  let q = db.selectFrom('wallets').selectAll().where('workspace_id', '=', workspaceId);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}
