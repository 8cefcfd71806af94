import { BursarError, PAYMENT_ACTION, PAYMENTS_AUDIENCE } from '@bursar/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TokenError } from '../tokens/signer.js';
import type { RateLimiter } from './rate-limit.js';
import type { Deps } from './types.js';

function tokenFrom(req: FastifyRequest): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) throw new BursarError('invalid_execution_token', 'Send an execution token as: Authorization: Bearer <token> (mint one with POST /v1/agents/:id/execution-tokens)');
  return match[1]!;
}

/**
 * Authenticates a payment by its execution token: signature, expiry, audience and action here,
 * before the body is read; the agent's status here and again in the paying transaction, the
 * mandate and single use (jti) in that transaction.
 */
export async function authenticateExecution(deps: Deps, req: FastifyRequest, reply: FastifyReply, limiter: RateLimiter): Promise<void> {
  const token = tokenFrom(req);
  let claims: Record<string, unknown>;
  try {
    // Use before audience: another kind of token is not an execution token for the wrong audience.
    claims = await deps.config.signer.verify(token, 'execution');
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    if (err.reason === 'expired') throw new BursarError('execution_token_expired', 'The execution token has expired; mint a new one');
    if (err.reason === 'wrong_audience') {
      throw new BursarError('execution_token_audience_mismatch', `The execution token is for another audience; POST /v1/payments accepts '${PAYMENTS_AUDIENCE}'`);
    }
    throw new BursarError('invalid_execution_token', `Invalid execution token (${err.reason.replace('_', ' ')})`);
  }
  const { sub, mandate, act, jti } = claims;
  const aud = claims.aud;
  if (!(aud === PAYMENTS_AUDIENCE || (Array.isArray(aud) && aud.includes(PAYMENTS_AUDIENCE)))) {
    throw new BursarError('execution_token_audience_mismatch', `The execution token is for another audience; POST /v1/payments accepts '${PAYMENTS_AUDIENCE}'`);
  }
  if (typeof sub !== 'string' || typeof mandate !== 'string' || typeof act !== 'string' || typeof jti !== 'string') {
    throw new BursarError('invalid_execution_token', 'Invalid execution token (missing claims)');
  }
  if (act !== PAYMENT_ACTION) throw new BursarError('execution_token_action_mismatch', `The execution token is for '${act}', not '${PAYMENT_ACTION}'`);
  const agent = await deps.db.db.selectFrom('agents').select(['id', 'workspace_id', 'status', 'livemode']).where('id', '=', sub).executeTakeFirst();
  if (!agent) throw new BursarError('invalid_execution_token', 'Invalid execution token (unknown agent)');
  // Revoking or pausing an agent kills its tokens in flight: they are checked at use.
  if (agent.status === 'revoked') throw new BursarError('agent_revoked', `Agent ${agent.id} is revoked`);
  if (agent.status === 'paused') throw new BursarError('agent_paused', `Agent ${agent.id} is paused`);
  if (deps.config.sandbox && agent.livemode === 1) throw new BursarError('invalid_execution_token', 'Live tokens are refused: this server runs in sandbox mode');
  if (limiter.enabled) {
    const r = limiter.take(`agent:${agent.id}`);
    if (!r.allowed) {
      reply.header('Retry-After', String(r.retryAfterSeconds));
      throw new BursarError('rate_limited', 'Rate limit exceeded', { retry_after_seconds: r.retryAfterSeconds });
    }
  }
  req.caller = {
    workspace: { id: agent.workspace_id, livemode: agent.livemode === 1 },
    actor: { type: 'execution', keyId: `xtk_${jti}`, agentId: agent.id, mandateId: mandate, jti, action: act },
  };
}
