import type { Database, DecisionKey } from '../db/database.js';
import { decisionNow } from './clock.js';
import type { Actor, ServiceConfig, ServiceContext } from './context.js';

/** The caller of a service: its tenant and actor; the runner adds the transaction and clock. */
export interface Caller {
  workspace: { id: string; livemode: boolean };
  actor: Actor;
}

/**
 * Runs `fn` in one transaction with a fresh ServiceContext; after-commit hooks run only if it
 * committed. Every surface (HTTP, CLI, sweeper) enters the services through here. With
 * `decision` (the agents it decides for), the transaction may be shared with other decisions
 * of the workspace (see Database.transactDecision), and `fn` may run a second time, alone, if
 * that batch rolled back: only the last run's hooks count.
 */
export async function runService<T>(
  db: Database,
  config: ServiceConfig,
  caller: Caller,
  fn: (ctx: ServiceContext) => Promise<T>,
  decision?: Omit<DecisionKey, 'workspaceId'>,
): Promise<T> {
  let hooks: Array<() => void> = [];
  const attempt = (tx: ServiceContext['tx']) => {
    const mine: Array<() => void> = [];
    hooks = mine;
    return fn({ ...caller, tx, now: decisionNow(), config, afterCommit: (h) => mine.push(h) });
  };
  const result = decision
    ? await db.transactDecision({ ...decision, workspaceId: caller.workspace.id }, attempt)
    : await db.transact(attempt);
  for (const h of hooks) h();
  return result;
}
