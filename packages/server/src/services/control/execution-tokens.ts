import { InvalidRequestError, InvalidStateError, NotFoundError } from '@bursar/core';
import { getAgent } from '../../store/agents.js';
import { getMandate } from '../../store/mandates.js';
import type { ServiceContext } from '../context.js';
import { assertUsable } from './mandates.js';
import { audit, emitEvent } from '../events/outbox.js';
import { iso } from '../iso.js';

/**
 * Mints a short-lived execution token for one agent, mandate, action and audience: an Ed25519
 * JWS (claims sub, mandate, act, aud, exp, jti) verifiable offline against the JWKS. The token
 * itself is never stored; its jti is recorded when it is used.
 */
export async function mintExecutionToken({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { agent_id: string; mandate_id: string; action: string; audience: string; ttl_seconds: number };
}) {
  const agent = await getAgent(ctx.tx, ctx.workspace.id, input.agent_id);
  if (!agent) throw new NotFoundError('agent', input.agent_id);
  if (agent.status !== 'active') throw new InvalidStateError(`Agent ${agent.id} is ${agent.status}; it cannot be given tokens`, { status: agent.status });
  const mandate = await getMandate(ctx.tx, ctx.workspace.id, input.mandate_id);
  if (!mandate || mandate.agent_id !== agent.id) throw new InvalidRequestError(`No mandate '${input.mandate_id}' for agent ${agent.id}`, 'mandate_id');
  assertUsable(mandate, ctx.now);
  const expiresAt = ctx.now + input.ttl_seconds * 1000;
  const { token, jti } = await ctx.config.signer.sign('execution', { mandate: mandate.id, act: input.action }, { subject: agent.id, audience: input.audience, expiresAt });
  const out = {
    object: 'execution_token' as const,
    token,
    jti,
    agent_id: agent.id,
    mandate_id: mandate.id,
    action: input.action,
    audience: input.audience,
    // exp is whole seconds; report what the token says.
    expires_at: iso(Math.floor(expiresAt / 1000) * 1000),
  };
  const { token: _secret, ...shown } = out;
  await emitEvent(ctx, 'execution_token.created', { ...shown, id: jti });
  await audit(ctx, 'execution_token.created', 'mandate', mandate.id, null, shown);
  return out;
}
