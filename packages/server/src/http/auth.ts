import { BursarError, ForbiddenError } from '@bursar/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfMatches, resolveDashboardSession } from '../services/agents/dashboard-sessions.js';
import { keyCache, looksLikeKey } from '../services/agents/keys.js';
import { touchKey } from '../store/keys.js';
import type { ApiKeyRow } from '../store/rows.js';
import { CSRF_HEADER, readCookie, SESSION_COOKIE } from './cookies.js';
import { isPolicyApi } from './errors.js';
import { authenticateExecution } from './execution-auth.js';
import type { RateLimiter } from './rate-limit.js';
import type { AuthMode, Deps } from './types.js';

const TOUCH_EVERY_MS = 60_000;

function bearer(req: FastifyRequest): string {
  if (isPolicyApi(req)) {
    // The policy-evaluation dialect sends the key as x-api-key (Bearer works too).
    const apiKey = req.headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey.trim() !== '') return apiKey.trim();
    if (!req.headers.authorization) throw new BursarError('invalid_api_key', 'Missing API key: send it in the x-api-key header');
  }
  const header = req.headers.authorization;
  if (!header) throw new BursarError('invalid_api_key', 'No API key provided. Send it as: Authorization: Bearer <key>');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new BursarError('invalid_api_key', 'Malformed Authorization header. Send it as: Authorization: Bearer <key>');
  return match[1]!;
}

async function bearerKey(deps: Deps, req: FastifyRequest): Promise<ApiKeyRow> {
  const secret = bearer(req);
  if (!looksLikeKey(secret)) throw new BursarError('invalid_api_key', 'Invalid API key provided');
  const key = await keyCache.lookup(deps.db.db, secret);
  if (!key) throw new BursarError('invalid_api_key', 'Invalid API key provided');
  if (key.revoked_at !== null) throw new BursarError('revoked_api_key', 'This API key has been revoked');
  return key;
}

/** The dashboard's cookie stands in for a management key on /v1, and only when no key is sent. */
function sessionApplies(req: FastifyRequest, mode: AuthMode): boolean {
  if (mode !== 'management' && mode !== 'any') return false;
  if (!req.url.startsWith('/v1/') || req.headers.authorization || req.headers['x-api-key']) return false;
  return readCookie(req, SESSION_COOKIE) !== undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function sessionKey(deps: Deps, req: FastifyRequest): Promise<ApiKeyRow> {
  const found = await resolveDashboardSession(deps.db.db, readCookie(req, SESSION_COOKIE)!, Date.now());
  if (!found) throw new BursarError('invalid_api_key', 'Your dashboard session has ended: sign in again');
  if (!SAFE_METHODS.has(req.method)) {
    const presented = req.headers[CSRF_HEADER];
    if (!csrfMatches(found.session, typeof presented === 'string' ? presented : undefined)) {
      throw new ForbiddenError(`A state-changing request made with the dashboard cookie needs the ${CSRF_HEADER} header of its session`);
    }
  }
  return found.key;
}

/**
 * Authenticates the request for its route's `auth` mode, before the body is read: a wrong key
 * is a 401 whatever the body, and the rate limit counts per key.
 */
export function authenticate(deps: Deps, limiter: RateLimiter) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const mode = req.routeOptions.config.auth ?? 'none';
    if (mode === 'none') return;
    if (mode === 'execution') return authenticateExecution(deps, req, reply, limiter);
    const key = sessionApplies(req, mode) ? await sessionKey(deps, req) : await bearerKey(deps, req);
    if (deps.config.sandbox && key.livemode === 1) {
      throw new BursarError('invalid_api_key', 'Live keys are refused: this server runs in sandbox mode');
    }
    if (limiter.enabled) {
      const r = limiter.take(key.id);
      reply.header('RateLimit-Limit', String(limiter.burst));
      reply.header('RateLimit-Remaining', String(r.remaining));
      reply.header('RateLimit-Reset', String(r.resetSeconds));
      if (!r.allowed) {
        reply.header('Retry-After', String(r.retryAfterSeconds));
        throw new BursarError('rate_limited', 'Rate limit exceeded', { retry_after_seconds: r.retryAfterSeconds });
      }
    }
    if (mode === 'management' && key.type !== 'management') {
      throw new ForbiddenError('This endpoint needs a management key (bmk_…); a spending key cannot call it');
    }
    if (mode === 'agent' && key.type !== 'spending') {
      throw new ForbiddenError('This endpoint needs a spending key (bsk_…) for an agent');
    }
    req.apiKey = key;
    req.caller = {
      workspace: { id: key.workspace_id, livemode: key.livemode === 1 },
      actor: key.type === 'spending' && key.agent_id !== null ? { type: 'agent', keyId: key.id, agentId: key.agent_id } : { type: 'operator', keyId: key.id },
    };
    const now = Date.now();
    if (key.last_used_at === null || now - key.last_used_at > TOUCH_EVERY_MS) {
      key.last_used_at = now;
      touchKey(deps.db.db, key.id, now).catch((err: unknown) => req.log.warn({ err }, 'could not record key use'));
    }
  };
}
