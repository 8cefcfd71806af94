import { BursarError } from '@bursar/core';
import type { FastifyRequest } from 'fastify';
import type { DecisionKey } from '../db/database.js';
import type { ServiceContext } from '../services/context.js';
import { runService, type Caller } from '../services/run.js';
import type { Deps } from './types.js';
import type { Write } from '../db/prepared.js';

/** The authenticated caller; routes with auth 'none' have none. */
export function callerOf(req: FastifyRequest): Caller {
  if (!req.caller) throw new BursarError('invalid_api_key', 'No API key provided');
  return req.caller;
}

/**
 * The agent a deciding request decides for, as far as it can be told before the transaction:
 * the agent an id in the body names, else the key's own agent. Undefined when neither is an
 * agent id (an external name, a management key without one): the decision then runs alone.
 */
export function decisionOf(req: FastifyRequest, named?: string): { agentIds: string[] } | undefined {
  const actor = callerOf(req).actor;
  const id = named ?? ('agentId' in actor ? actor.agentId : undefined);
  return id?.startsWith('agt_') ? { agentIds: [id] } : undefined;
}

/**
 * Runs a service for this request in one transaction. `decision`: the service decides against
 * the budgets of these agents, and may share its transaction with other decisions (see runService).
 */
export function run<T>(deps: Deps, req: FastifyRequest, fn: (ctx: ServiceContext) => Promise<T>, decision?: Omit<DecisionKey, 'workspaceId'>): Promise<T> {
  return runService(deps.db, deps.config, callerOf(req), fn, decision);
}

/**
 * The answer to a decision the wallet could not cover: 402 funding_source_budget_exceeded, the
 * attempt recorded as declined and shown under its own name (`spend_request`, `reservation`,
 * `payment`, `checkout_intent`), the same for every kind decided like a spend request.
 */
export function recordedAsDeclined(
  req: FastifyRequest,
  name: 'spend_request' | 'reservation' | 'payment' | 'checkout_intent',
  object: { id: string; currency: string; amount_cents: number },
): Outcome {
  const noun = name === 'spend_request' ? 'request' : name.replace('_', ' ');
  return {
    status: 402,
    body: {
      error: {
        code: 'funding_source_budget_exceeded',
        message: `The ${object.currency} wallet cannot cover ${object.amount_cents} cents; the ${noun} was recorded as declined`,
        request_id: req.id,
        ...(name === 'spend_request' ? { spend_request_id: object.id } : {}),
        [name]: object,
      },
    },
  };
}

/** A response computed by a service: status and body, stored as-is for idempotent replays. */
export interface Outcome {
  status: number;
  body: unknown;
  /** Writes the service left to the caller: made with the idempotency record (one round trip on PostgreSQL), before the commit. */
  writes?: Write[];
}
