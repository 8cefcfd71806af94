import { BursarError, ForbiddenError } from '@bursar/core';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { csrfMatches, DASHBOARD_SESSION_TTL_MS, resolveDashboardSession, signInDashboard, signOutDashboard } from '../../services/agents/dashboard-sessions.js';
import type { DashboardSessionRow } from '../../store/dashboard-sessions.js';
import type { ApiKeyRow } from '../../store/rows.js';
import { CSRF_HEADER, readCookie, SESSION_COOKIE, writeSessionCookie } from '../cookies.js';
import { responses } from '../responses.js';
import type { App, Deps } from '../types.js';

const sessionSchema = z.object({
  workspace_id: z.string(),
  livemode: z.boolean(),
  key_id: z.string().describe('The management key that signed in: what decided_by and approvals[].by name'),
  key_prefix: z.string().describe('The shown part of the management key that signed in'),
  csrf_token: z.string().describe(`Send it as the ${CSRF_HEADER} header on every POST, PUT and DELETE made with the cookie`),
  expires_at: z.string().describe('ISO 8601; sign in again after it'),
});

function present(session: DashboardSessionRow, key: ApiKeyRow) {
  return {
    workspace_id: session.workspace_id,
    livemode: key.livemode === 1,
    key_id: key.id,
    key_prefix: key.prefix,
    csrf_token: session.csrf_token,
    expires_at: new Date(session.expires_at).toISOString(),
  };
}

async function current(deps: Deps, req: FastifyRequest) {
  const token = readCookie(req, SESSION_COOKIE);
  const found = token === undefined ? undefined : await resolveDashboardSession(deps.db.db, token, Date.now());
  if (!found) throw new BursarError('invalid_api_key', 'Not signed in to the dashboard (or the session has ended): sign in with a management key');
  return { token: token!, ...found };
}

/** POST, GET and DELETE /v1/dashboard/session: the dashboard's sign-in, who is signed in, sign-out. */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/dashboard/session',
    config: { auth: 'none' },
    schema: {
      tags: ['Dashboard'],
      summary: 'Sign in to the dashboard: exchange a management key for an httpOnly session cookie (12 h)',
      body: z.object({ key: z.string().min(1).max(300).describe('A management key (bmk_…)') }),
      response: responses({ 201: sessionSchema }),
    },
    handler: async (req, reply) => {
      const { token, session, key } = await signInDashboard(deps.db.db, { key: req.body.key, sandbox: deps.config.sandbox, now: Date.now() });
      writeSessionCookie(req, reply, token, Math.floor(DASHBOARD_SESSION_TTL_MS / 1000), deps.config.publicUrl);
      return reply.code(201).send(present(session, key));
    },
  });
  app.route({
    method: 'GET',
    url: '/v1/dashboard/session',
    config: { auth: 'none' },
    schema: {
      tags: ['Dashboard'],
      summary: 'The dashboard session of the cookie, with its CSRF token',
      response: responses({ 200: sessionSchema }),
    },
    handler: async (req) => {
      const { session, key } = await current(deps, req);
      return present(session, key);
    },
  });
  app.route({
    method: 'DELETE',
    url: '/v1/dashboard/session',
    config: { auth: 'none' },
    schema: {
      tags: ['Dashboard'],
      summary: `Sign out: ends the session (needs the ${CSRF_HEADER} header)`,
      response: responses({ 204: z.null() }),
    },
    handler: async (req, reply) => {
      const { token, session } = await current(deps, req);
      const presented = req.headers[CSRF_HEADER];
      if (!csrfMatches(session, typeof presented === 'string' ? presented : undefined)) {
        throw new ForbiddenError(`Signing out needs the ${CSRF_HEADER} header of the session`);
      }
      await signOutDashboard(deps.db.db, token);
      writeSessionCookie(req, reply, '', 0, deps.config.publicUrl);
      return reply.code(204).send(null);
    },
  });
}
