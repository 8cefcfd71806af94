import { SEALED_PREFIX } from '../crypto/encryption.js';
import type { Executor } from '../db/database.js';
import { toPage, type Page, type WorkspaceRow } from './rows.js';

export async function insertWorkspace(db: Executor, row: WorkspaceRow): Promise<void> {
  await db.insertInto('workspaces').values(row).execute();
}

export async function firstWorkspace(db: Executor): Promise<WorkspaceRow | undefined> {
  return db.selectFrom('workspaces').selectAll().orderBy('id').limit(1).executeTakeFirst();
}

export async function getWorkspace(db: Executor, id: string): Promise<WorkspaceRow | undefined> {
  return db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setCallbackSecret(
  db: Executor,
  id: string,
  changes: Partial<Pick<WorkspaceRow, 'callback_secret' | 'previous_callback_secret' | 'previous_callback_secret_expires_at'>>,
): Promise<void> {
  await db.updateTable('workspaces').set(changes).where('id', '=', id).execute();
}

/** Workspaces with a callback secret not yet sealed (written before secrets were sealed). */
export async function workspacesWithUnsealedCallbackSecrets(
  db: Executor,
): Promise<Pick<WorkspaceRow, 'id' | 'callback_secret' | 'previous_callback_secret'>[]> {
  return db
    .selectFrom('workspaces')
    .select(['id', 'callback_secret', 'previous_callback_secret'])
    .where((eb) =>
      eb.or([eb('callback_secret', 'not like', `${SEALED_PREFIX}%`), eb('previous_callback_secret', 'not like', `${SEALED_PREFIX}%`)]),
    )
    .execute();
}

export async function listWorkspaces(db: Executor, limit: number, cursor?: string): Promise<Page<WorkspaceRow>> {
  let q = db.selectFrom('workspaces').selectAll();
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}

/** Marks a management key as an instance operator's (root) key. */
export async function insertRootKey(db: Executor, keyId: string, now: number): Promise<void> {
  await db.insertInto('root_keys').values({ key_id: keyId, created_at: now }).execute();
}

export async function isRootKey(db: Executor, keyId: string): Promise<boolean> {
  return (await db.selectFrom('root_keys').select('key_id').where('key_id', '=', keyId).executeTakeFirst()) !== undefined;
}
