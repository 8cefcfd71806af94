import { createHash, randomBytes } from 'node:crypto';
import { ForbiddenError, InvalidRequestError, NotFoundError, newId, type KeyType } from '@bursar/core';
import type { Executor } from '../../db/database.js';
import { getAgent } from '../../store/agents.js';
import { announceRevocation, getKey, insertKey, keyByHash, listKeys as listKeyRows, revokeKey as revokeKeyRow } from '../../store/keys.js';
import type { ApiKeyRow } from '../../store/rows.js';
import type { ServiceContext } from '../context.js';
import { audit, emitEvent } from '../events/outbox.js';
import { assertPlanAllows } from '../workspace/plans.js';
import { presentKey } from './present.js';

const KEY_SHAPE = /^b(sk|mk)_(test|live)_[A-Za-z0-9_-]{24,200}$/;

/** SHA-256 of a key: what is stored, and what a presented key is looked up by. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** True when a string has the shape of a Bursar key (cheap check before any lookup). */
export function looksLikeKey(secret: string): boolean {
  return KEY_SHAPE.test(secret);
}

/** A new secret: the type and mode prefix, then 32 random bytes in base64url. */
export function generateSecret(type: KeyType, livemode: boolean): string {
  const head = `${type === 'spending' ? 'bsk' : 'bmk'}_${livemode ? 'live' : 'test'}_`;
  return head + randomBytes(32).toString('base64url');
}

/** The shown part of a key: its mode prefix and eight characters of the secret. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, 17);
}

/** Builds the stored row for a secret (used by provisioning with a configured admin key). */
export function keyRow(
  secret: string,
  fields: { workspaceId: string; type: KeyType; agentId: string | null; name: string | null; livemode: boolean; now: number },
): ApiKeyRow {
  return {
    id: newId('key', fields.now),
    workspace_id: fields.workspaceId,
    type: fields.type,
    name: fields.name,
    agent_id: fields.agentId,
    prefix: displayPrefix(secret),
    secret_hash: hashSecret(secret),
    livemode: fields.livemode ? 1 : 0,
    created_at: fields.now,
    last_used_at: null,
    revoked_at: null,
  };
}

/** Stored keys by hash, so a request costs no query; revocation evicts at once. */
export class KeyCache {
  private readonly byHash = new Map<string, { row: ApiKeyRow; at: number }>();
  private readonly hashById = new Map<string, string>();

  constructor(private readonly ttlMs = 5_000, private readonly maxEntries = 10_000) {}

  async lookup(db: Executor, secret: string, now = Date.now()): Promise<ApiKeyRow | undefined> {
    const hash = hashSecret(secret);
    const hit = this.byHash.get(hash);
    if (hit && now - hit.at < this.ttlMs) return hit.row;
    const row = await keyByHash(db, hash);
    if (row) {
      if (this.byHash.size >= this.maxEntries) this.clear();
      this.byHash.set(hash, { row, at: now });
      this.hashById.set(row.id, hash);
    }
    return row;
  }

  evict(keyId: string): void {
    const hash = this.hashById.get(keyId);
    if (hash) this.byHash.delete(hash);
    this.hashById.delete(keyId);
  }

  clear(): void {
    this.byHash.clear();
    this.hashById.clear();
  }
}

/** The process-wide key cache. */
export const keyCache = new KeyCache();

export async function createKey({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { type?: KeyType | undefined; agent_id?: string | undefined; name?: string | undefined };
}) {
  // A body naming neither an agent nor a type must not fall through to the most powerful key.
  if (input.type === undefined && !input.agent_id) {
    throw new InvalidRequestError('send agent_id for a spending key, or "type": "management" for a management key', 'agent_id');
  }
  const type: KeyType = input.type ?? 'spending';
  if (type === 'spending' && !input.agent_id) throw new InvalidRequestError('agent_id is required for a spending key', 'agent_id');
  if (type === 'management' && input.agent_id) {
    throw new InvalidRequestError('a management key belongs to no agent; leave out agent_id', 'agent_id');
  }
  if (input.agent_id) {
    const agent = await getAgent(ctx.tx, ctx.workspace.id, input.agent_id);
    if (!agent) throw new InvalidRequestError(`No such agent: '${input.agent_id}'`, 'agent_id');
    if (agent.status === 'revoked') throw new ForbiddenError(`Agent ${agent.id} is revoked; it can have no new keys`);
  }
  if (type === 'management') await assertPlanAllows(ctx, 'api_keys');
  const secret = generateSecret(type, ctx.workspace.livemode);
  const row = keyRow(secret, {
    workspaceId: ctx.workspace.id,
    type,
    agentId: input.agent_id ?? null,
    name: input.name ?? null,
    livemode: ctx.workspace.livemode,
    now: ctx.now,
  });
  await insertKey(ctx.tx, row);
  const key = presentKey(row);
  await emitEvent(ctx, 'key.created', key);
  await audit(ctx, 'key.created', 'api_key', row.id, null, key);
  return { ...key, key: secret };
}

export async function listKeys({ ctx, input }: { ctx: ServiceContext; input: { limit: number; cursor?: string | undefined; agent_id?: string | undefined } }) {
  const page = await listKeyRows(ctx.tx, ctx.workspace.id, { agent_id: input.agent_id }, input.limit, input.cursor);
  return { ...page, data: page.data.map(presentKey) };
}

export async function revokeKey({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const row = await getKey(ctx.tx, ctx.workspace.id, input.id);
  if (!row) throw new NotFoundError('api key', input.id);
  if (row.revoked_at !== null) return presentKey(row);
  await revokeKeyRow(ctx.tx, row.id, ctx.now);
  await announceRevocation(ctx.tx, [row.id]);
  const revoked = presentKey({ ...row, revoked_at: ctx.now });
  await emitEvent(ctx, 'key.revoked', revoked);
  await audit(ctx, 'key.revoked', 'api_key', row.id, presentKey(row), revoked);
  ctx.afterCommit(() => keyCache.evict(row.id));
  return revoked;
}
