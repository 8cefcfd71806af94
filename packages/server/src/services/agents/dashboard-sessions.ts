import { randomBytes, timingSafeEqual } from 'node:crypto';
import { BursarError, ForbiddenError, newId } from '@bursar/core';
import type { Executor } from '../../db/database.js';
import { insertAudit } from '../../store/events.js';
import { getKey } from '../../store/keys.js';
import {
  deleteDashboardSession, deleteExpiredDashboardSessions, getDashboardSession, insertDashboardSession, type DashboardSessionRow,
} from '../../store/dashboard-sessions.js';
import type { ApiKeyRow } from '../../store/rows.js';
import { hashSecret, keyCache, looksLikeKey } from './keys.js';

/** How long a dashboard sign-in lasts; after that the operator signs in again with the key. */
export const DASHBOARD_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** A signed-in dashboard: the cookie value (shown once, stored hashed) and the CSRF token. */
export interface DashboardSignIn {
  token: string;
  session: DashboardSessionRow;
  key: ApiKeyRow;
}

/** Exchanges a management key for a dashboard session. Spending keys, revoked keys and live keys on a sandbox server are refused. */
export async function signInDashboard(db: Executor, input: { key: string; sandbox: boolean; now: number }): Promise<DashboardSignIn> {
  const secret = input.key.trim();
  const key = looksLikeKey(secret) ? await keyCache.lookup(db, secret, input.now) : undefined;
  if (!key) throw new BursarError('invalid_api_key', 'Invalid API key provided');
  if (key.revoked_at !== null) throw new BursarError('revoked_api_key', 'This API key has been revoked');
  if (input.sandbox && key.livemode === 1) throw new BursarError('invalid_api_key', 'Live keys are refused: this server runs in sandbox mode');
  if (key.type !== 'management') throw new ForbiddenError('The dashboard needs a management key (bmk_…); a spending key cannot sign in');
  await deleteExpiredDashboardSessions(db, input.now);
  const token = randomBytes(32).toString('base64url');
  const session: DashboardSessionRow = {
    id: hashSecret(token),
    workspace_id: key.workspace_id,
    key_id: key.id,
    csrf_token: randomBytes(24).toString('base64url'),
    created_at: input.now,
    expires_at: input.now + DASHBOARD_SESSION_TTL_MS,
  };
  await insertDashboardSession(db, session);
  await insertAudit(db, {
    id: newId('aud', input.now), workspace_id: key.workspace_id, actor_type: 'operator', actor_id: key.id,
    action: 'dashboard.signed_in', object_type: 'api_key', object_id: key.id,
    before: null, after: JSON.stringify({ expires_at: new Date(session.expires_at).toISOString() }), created_at: input.now,
  });
  return { token, session, key };
}

/** The live session behind a cookie value and its key, or undefined when it expired or its key was revoked. */
export async function resolveDashboardSession(db: Executor, token: string, now: number): Promise<{ session: DashboardSessionRow; key: ApiKeyRow } | undefined> {
  const session = await getDashboardSession(db, hashSecret(token));
  if (!session || session.expires_at <= now) return undefined;
  const key = await getKey(db, session.workspace_id, session.key_id);
  if (!key || key.revoked_at !== null) return undefined;
  return { session, key };
}

/** Ends a session (sign-out). */
export async function signOutDashboard(db: Executor, token: string): Promise<void> {
  await deleteDashboardSession(db, hashSecret(token));
}

/** Constant-time comparison of the CSRF header with the session's token. */
export function csrfMatches(session: DashboardSessionRow, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(session.csrf_token);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
