import { createHash } from 'node:crypto';
import { BursarError, InvalidRequestError } from '@bursar/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { tryTransactionLock, type DecisionKey } from '../db/database.js';
import { executeWrites, type Write } from '../db/prepared.js';
import type { ServiceContext } from '../services/context.js';
import { runService, type Caller } from '../services/run.js';
import { deleteIdempotency, getIdempotency, idempotencyInsert } from '../store/idempotency.js';
import type { Deps } from './types.js';

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

/** A response computed by a service: status and body, stored as-is for idempotent replays. */
export interface Outcome {
  status: number;
  body: unknown;
  /** Writes the service left to the caller: made with the idempotency record (one round trip on PostgreSQL), before the commit. */
  writes?: Write[];
}

/**
 * What an idempotent replay may show of a response that carried a secret: everything but the
 * secret. A secret is shown once and never stored in plaintext for replays.
 */
export function withoutSecret(body: unknown): unknown {
  const { key: _key, secret: _secret, ...shown } = body as Record<string, unknown>;
  return shown;
}

const inFlight = new Set<string>();

function inUse(): BursarError {
  return new BursarError('idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry shortly');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function fingerprint(req: FastifyRequest): string {
  return createHash('sha256')
    .update(`${req.method} ${req.routeOptions.url ?? ''}\n${canonical(req.params)}\n${canonical(req.body ?? null)}`)
    .digest('hex');
}

/**
 * Runs a money-moving service under the request's `Idempotency-Key`: the same key and body
 * replay the stored response (`Idempotent-Replayed: true`), a different body is a 422, a key
 * still in flight a 409. The key's record commits in the same transaction as the effect.
 * Without the header the service simply runs. `stored` trims what is kept for replays (a secret
 * shown once must not be stored or shown again).
 */
export async function runIdempotent(
  deps: Deps,
  req: FastifyRequest,
  reply: FastifyReply,
  fn: (ctx: ServiceContext) => Promise<Outcome>,
  /** `key`: an idempotency key from elsewhere than the header (the /api/v1 body's `idempotencyKey`). */
  opts: { stored?: (body: unknown) => unknown; key?: string | undefined; decision?: { agentIds: readonly string[] } | undefined } = {},
): Promise<void> {
  const header = opts.key ?? req.headers['idempotency-key'];
  if (header === undefined) {
    const out = await run(deps, req, async (ctx) => {
      const o = await fn(ctx);
      if (o.writes) await executeWrites(ctx.tx, o.writes);
      return o;
    }, opts.decision);
    reply.code(out.status).send(out.body);
    return;
  }
  const key = Array.isArray(header) ? header[0]! : header;
  if (key.length === 0 || key.length > 255) {
    throw new InvalidRequestError('Idempotency-Key must be 1 to 255 characters', 'Idempotency-Key');
  }
  const caller = callerOf(req);
  const scope = caller.actor.type === 'system' ? 'system' : caller.actor.keyId;
  const slot = `${scope}\u0000${key}`;
  if (inFlight.has(slot)) throw inUse();
  inFlight.add(slot);
  const lock = `idempotency:${scope}:${key}`;
  try {
    const hash = fingerprint(req);
    const result = await run(deps, req, async (ctx) => {
      // Across processes (PostgreSQL): the key is held for as long as this transaction runs.
      if (!(await tryTransactionLock(ctx.tx, lock))) throw inUse();
      const stored = await getIdempotency(ctx.tx, scope, key);
      if (stored && stored.expires_at > ctx.now) {
        if (stored.request_hash !== hash) {
          throw new BursarError('idempotency_key_reused', 'This Idempotency-Key was used with a different request; use a new key');
        }
        return { replayed: true, status: stored.status_code, body: JSON.parse(stored.response_body) as unknown };
      }
      if (stored) await deleteIdempotency(ctx.tx, scope, key);
      const out = await fn(ctx);
      const record = idempotencyInsert({
        scope,
        key,
        request_hash: hash,
        status_code: out.status,
        response_body: JSON.stringify(opts.stored ? opts.stored(out.body) : out.body),
        created_at: ctx.now,
        expires_at: ctx.now + deps.idempotencyTtlMs,
      });
      await executeWrites(ctx.tx, [...(out.writes ?? []), record]);
      return { replayed: false, status: out.status, body: out.body };
    }, opts.decision && { ...opts.decision, idempotency: { lock, scope, key } });
    if (result.replayed) reply.header('Idempotent-Replayed', 'true');
    reply.code(result.status).send(result.body);
  } finally {
    inFlight.delete(slot);
  }
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
