import { InvalidStateError, type IdPrefix, type SpendKind } from '@bursar/core';
import type { CardRow } from '../../store/cards.js';
import type { SpendRow } from '../../store/rows.js';
import type { ServiceContext } from '../context.js';

export type { SpendKind };

/** How a hold is ended by `settleSpend`. */
export type Settlement = 'complete' | 'cancel' | 'fail' | 'expire';

/** A hook the shared lifecycle calls for a request of one kind, in the caller's transaction. */
type Hook = (ctx: ServiceContext, row: SpendRow) => Promise<void>;

/**
 * What one kind of hold adds to the shared lifecycle (decide, hold, approve, settle, end with
 * its agent). The lifecycle never asks which kind it holds; it asks the kind.
 */
export interface KindDefinition {
  kind: SpendKind;
  /** The prefix of its ids (`req`, `res`, `ci`). */
  prefix: IdPrefix;
  /** Listed by GET /v1/spend-requests: kinds with ids of another prefix have lists of their own (mixed in, they would break newest-first order). */
  listedAsRequest: boolean;
  /** Cancelled while it waits for a human, the request is withdrawn (otherwise cancelling settles it). */
  withdrawnWhilePending: boolean;
  /** The outbox event of a transition, in the dialect of the kind (its event family and presenter). */
  event(row: SpendRow, publicUrl: string): { type: string; object: { id: string } };
  /** The refusal to settle a request that is no longer approved, in the words of its kind. */
  unsettleable?(row: SpendRow, action: Settlement): InvalidStateError;
  /** After an operator (or the sweeper) decided its approval: approved, declined or expired. */
  onApprovalDecided?: Hook;
  /** After its approved hold was cancelled because its agent was revoked. */
  onAgentRevoked?: Hook;
  /** After its pending approval closed, declined, because its agent was revoked. */
  onDeclinedWithAgent?: Hook;
  /** After a card authorization drawn on its hold was captured, reversed or expired (`credential`: the card it was made on). */
  onCardAuthorizationResolved?(ctx: ServiceContext, row: SpendRow, credential: CardRow): Promise<void>;
}

const registry = new Map<string, KindDefinition>();

/** Registers a kind; services/wiring.ts registers every kind, once, where they are wired. */
export function registerKind(def: KindDefinition): void {
  if (registry.has(def.kind)) throw new Error(`spend kind '${def.kind}' is registered twice`);
  registry.set(def.kind, def);
}

/** The definition of a request's kind. */
export function kindOf(kind: string): KindDefinition {
  const def = registry.get(kind);
  if (!def) throw new Error(`spend kind '${kind}' is not registered (import services/wiring.js at the entry point)`);
  return def;
}

/** The kinds listed as spend requests. */
export function requestKinds(): SpendKind[] {
  return [...registry.values()].filter((d) => d.listedAsRequest).map((d) => d.kind);
}

/** The outbox event of a spend request's transition, in the dialect of its kind. */
export function transitionEvent(row: SpendRow, publicUrl: string): { type: string; object: { id: string } } {
  return kindOf(row.kind).event(row, publicUrl);
}

/** The refusal to settle a request that is no longer approved. */
export function unsettleable(row: SpendRow, action: Settlement): InvalidStateError {
  const own = kindOf(row.kind).unsettleable;
  if (own) return own(row, action);
  return new InvalidStateError(`Spend request ${row.id} is ${row.status}; only an approved request can ${action}`, { status: row.status });
}
