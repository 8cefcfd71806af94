import type { Executor } from '../db/database.js';
import type { WorkspaceRow } from './rows.js';

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
  changes: Pick<WorkspaceRow, 'callback_secret' | 'previous_callback_secret' | 'previous_callback_secret_expires_at'>,
): Promise<void> {
  await db.updateTable('workspaces').set(changes).where('id', '=', id).execute();
}
