import { createHash } from 'node:crypto';
import { BursarError, InvalidRequestError } from '@bursar/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { tryTransactionLock } from '../db/database.js';
import { executeWrites } from '../db/prepared.js';
import type { ServiceContext } from '../services/context.js';
import { deleteIdempotency, getIdempotency, idempotencyInsert } from '../store/idempotency.js';
import type { Deps } from './types.js';
import { callerOf, run, type Outcome } from './call.js';

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
