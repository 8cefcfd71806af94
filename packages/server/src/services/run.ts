import type { Database } from '../db/database.js';
import { decisionNow } from './clock.js';
import type { Actor, ServiceConfig, ServiceContext } from './context.js';

/** The caller of a service: its tenant and actor; the runner adds the transaction and clock. */
export interface Caller {
  workspace: { id: string; livemode: boolean };
  actor: Actor;
}

/**
 * Runs `fn` in one transaction with a fresh ServiceContext; after-commit hooks run only if it
 * committed. Every surface (HTTP, CLI, sweeper) enters the services through here.
 */
export async function runService<T>(
  db: Database,
  config: ServiceConfig,
  caller: Caller,
  fn: (ctx: ServiceContext) => Promise<T>,
): Promise<T> {
  const hooks: Array<() => void> = [];
  const result = await db.transact((tx) =>
    fn({ ...caller, tx, now: decisionNow(), config, afterCommit: (h) => hooks.push(h) }),
  );
  for (const h of hooks) h();
  return result;
}
