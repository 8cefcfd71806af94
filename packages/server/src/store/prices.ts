import type { Executor } from '../db/database.js';
import type { DB } from '../db/schema.js';

export type PriceRow = DB['price_catalog'];

/** Inserts or replaces the entry for (kind, name, currency). */
export async function upsertPrice(db: Executor, row: PriceRow): Promise<void> {
  const { id: _id, workspace_id: _ws, kind: _k, name: _n, currency: _c, ...rest } = row;
  await db
    .insertInto('price_catalog')
    .values(row)
    .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'name', 'currency']).doUpdateSet(rest))
    .execute();
}

export async function findPrice(db: Executor, workspaceId: string, kind: string, name: string, currency?: string): Promise<PriceRow | undefined> {
  let q = db.selectFrom('price_catalog').selectAll().where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('name', '=', name);
  if (currency) q = q.where('currency', '=', currency);
  return q.orderBy('id').executeTakeFirst();
}

export async function listPrices(db: Executor, workspaceId: string): Promise<PriceRow[]> {
  return db.selectFrom('price_catalog').selectAll().where('workspace_id', '=', workspaceId).orderBy('kind').orderBy('name').execute();
}
