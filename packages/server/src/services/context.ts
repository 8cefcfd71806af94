import type { Tx } from '../db/database.js';
import type { SecretBox } from '../crypto/encryption.js';
import type { TokenSigner } from '../tokens/signer.js';

/** Who is acting: an operator's management key, an agent's spending key, or Bursar itself. */
export type Actor =
  | { type: 'operator'; keyId: string }
  | { type: 'agent'; keyId: string; agentId: string }
  /** An execution token (keyId is `xtk_<jti>`): one agent, one mandate, one action, used once. */
  | { type: 'execution'; keyId: string; agentId: string; mandateId: string; jti: string; action: string }
  | { type: 'system' };

/** Settings the services read; parsed from the environment by the caller. */
export interface ServiceConfig {
  publicUrl: string;
  sandbox: boolean;
  approvalTtlMs: number;
  holdTtlMs: number;
  /** Seals secrets at rest (AES-256-GCM): card numbers and CVCs, webhook and callback secrets, token signing keys. */
  secrets: SecretBox;
  /** Signs authorization and execution tokens (Ed25519, keys shared through the database). */
  signer: TokenSigner;
  webhooks: {
    /** BURSAR_WEBHOOK_ALLOW_PRIVATE: deliver to private and loopback addresses in live mode too. */
    allowPrivate: boolean;
    /** Delays before each retry after the first attempt. */
    retryScheduleMs: number[];
    timeoutMs: number;
  };
}

/** Everything a service needs: the tenant, the actor, the caller's transaction and the clock. */
export interface ServiceContext {
  workspace: { id: string; livemode: boolean };
  actor: Actor;
  tx: Tx;
  now: number;
  config: ServiceConfig;
  /** Registers work to run once the transaction has committed (cache invalidation, wake-ups). */
  afterCommit(fn: () => void): void;
}

/** The actor's id as written into audit entries and `decided_by`. */
export function actorId(actor: Actor): string | null {
  return actor.type === 'system' ? null : actor.keyId;
}

/** Cascaded changes act as Bursar itself: the caller may not be allowed to see what they end. */
export function asSystem(ctx: ServiceContext): ServiceContext {
  return { ...ctx, actor: { type: 'system' } };
}
