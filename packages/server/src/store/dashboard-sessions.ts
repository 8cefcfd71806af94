import type { Executor } from '../db/database.js';
import type { DB } from '../db/schema.js';

/** A stored dashboard sign-in. */
export type DashboardSessionRow = DB['dashboard_sessions'];

export async function insertDashboardSession(db: Executor, row: DashboardSessionRow): Promise<void> {
  await db.insertInto('dashboard_sessions').values(row).execute();
}

export async function getDashboardSession(db: Executor, id: string): Promise<DashboardSessionRow | undefined> {
  return db.selectFrom('dashboard_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function deleteDashboardSession(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('dashboard_sessions').where('id', '=', id).execute();
}

/** Drops the sessions that ended before `now` (called on sign-in, so the table stays small). */
export async function deleteExpiredDashboardSessions(db: Executor, now: number): Promise<void> {
  await db.deleteFrom('dashboard_sessions').where('expires_at', '<=', now).execute();
}
