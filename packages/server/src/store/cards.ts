import { isPostgres, type Executor } from '../db/database.js';
import type { CardRowStatus } from '../db/schema.js';
import type { DB } from '../db/schema.js';
import { toPage, type Page } from './rows.js';

export type CardRow = DB['cards'];
export type CheckoutIntentRow = DB['checkout_intents'];
export type CardAuthorizationRow = DB['card_authorizations'];

export async function insertCard(db: Executor, row: CardRow): Promise<void> {
  await db.insertInto('cards').values(row).execute();
}

export async function getCard(db: Executor, workspaceId: string, id: string): Promise<CardRow | undefined> {
  return db.selectFrom('cards').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** Reads a card and, on PostgreSQL, locks it (after its policy's lock, before any lease or wallet). */
export async function lockCard(db: Executor, workspaceId: string, id: string): Promise<CardRow | undefined> {
  const q = db.selectFrom('cards').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  return (isPostgres(db) ? q.forUpdate() : q).executeTakeFirst();
}

/** A workspace's card with this number's keyed hash. */
export async function cardByNumberHash(db: Executor, workspaceId: string, numberHash: string): Promise<CardRow | undefined> {
  return db.selectFrom('cards').selectAll().where('workspace_id', '=', workspaceId).where('number_hash', '=', numberHash).executeTakeFirst();
}

export async function updateCard(db: Executor, id: string, changes: Partial<Omit<CardRow, 'id' | 'workspace_id'>>): Promise<void> {
  await db.updateTable('cards').set(changes).where('id', '=', id).execute();
}

export async function listCards(
  db: Executor,
  workspaceId: string,
  filter: { policy_id?: string | undefined; status?: CardRowStatus | undefined },
  limit: number,
  cursor?: string,
): Promise<Page<CardRow>> {
  let q = db.selectFrom('cards').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.policy_id) q = q.where('policy_id', '=', filter.policy_id);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}

export async function insertCheckoutIntent(db: Executor, row: CheckoutIntentRow): Promise<void> {
  await db.insertInto('checkout_intents').values(row).execute();
}

export async function getCheckoutIntent(db: Executor, workspaceId: string, id: string): Promise<CheckoutIntentRow | undefined> {
  return db.selectFrom('checkout_intents').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function setCredentialCard(db: Executor, id: string, cardId: string): Promise<void> {
  await db.updateTable('checkout_intents').set({ credential_card_id: cardId }).where('id', '=', id).execute();
}

/** Zeroes an intent's funding-card hold if it is still `amount`; false when someone settled it first. */
export async function clearFundingHold(db: Executor, id: string, amount: number): Promise<boolean> {
  const r = await db.updateTable('checkout_intents').set({ funding_held_cents: 0 }).where('id', '=', id).where('funding_held_cents', '=', amount).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Intents still counting against a funding card although their spend request has settled. */
export async function staleFundingHolds(db: Executor, limit: number): Promise<Array<{ id: string; workspace_id: string; livemode: number }>> {
  return db
    .selectFrom('checkout_intents')
    .innerJoin('spend_requests', 'spend_requests.id', 'checkout_intents.id')
    .select(['checkout_intents.id as id', 'checkout_intents.workspace_id as workspace_id', 'spend_requests.livemode as livemode'])
    .where('checkout_intents.funding_held_cents', '>', 0)
    .where('spend_requests.status', 'not in', ['approved', 'needs_approval'])
    .limit(limit)
    .execute();
}

/** Ids of the open (approved or pending) checkout intents a card funds or is the credential of, oldest first. */
export async function openIntentsOfCard(db: Executor, workspaceId: string, cardId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('checkout_intents')
    .innerJoin('spend_requests', 'spend_requests.id', 'checkout_intents.id')
    .select('checkout_intents.id as id')
    .where('checkout_intents.workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('checkout_intents.card_id', '=', cardId), eb('checkout_intents.credential_card_id', '=', cardId)]))
    .where('spend_requests.status', 'in', ['approved', 'needs_approval'])
    .orderBy('checkout_intents.id')
    .execute();
  return rows.map((r) => r.id);
}

export async function insertCardAuthorization(db: Executor, row: CardAuthorizationRow): Promise<void> {
  await db.insertInto('card_authorizations').values(row).execute();
}

export async function getCardAuthorization(db: Executor, workspaceId: string, id: string): Promise<CardAuthorizationRow | undefined> {
  return db.selectFrom('card_authorizations').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** Moves an authorization on from `from`; false when another writer got there first. */
export async function transitionCardAuthorization(
  db: Executor,
  id: string,
  from: CardAuthorizationRow['status'],
  changes: Partial<Omit<CardAuthorizationRow, 'id' | 'workspace_id'>>,
): Promise<boolean> {
  const r = await db.updateTable('card_authorizations').set(changes).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The open (approved, not yet captured or reversed) authorization on a card, if any. */
export async function openAuthorizationOnCard(db: Executor, cardId: string): Promise<CardAuthorizationRow | undefined> {
  return db.selectFrom('card_authorizations').selectAll().where('card_id', '=', cardId).where('status', '=', 'approved').executeTakeFirst();
}

/** Approved (open) card authorizations drawn on a spend request's hold. */
export async function openAuthorizationsOfSpend(db: Executor, spendRequestId: string): Promise<CardAuthorizationRow[]> {
  return db.selectFrom('card_authorizations').selectAll().where('spend_request_id', '=', spendRequestId).where('status', '=', 'approved').orderBy('id').execute();
}

export async function listCardAuthorizations(
  db: Executor,
  workspaceId: string,
  filter: { card_id?: string | undefined; status?: CardAuthorizationRow['status'] | undefined },
  limit: number,
  cursor?: string,
): Promise<Page<CardAuthorizationRow>> {
  let q = db.selectFrom('card_authorizations').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.card_id) q = q.where('card_id', '=', filter.card_id);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}
