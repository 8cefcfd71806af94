import type { Executor } from '../db/database.js';
import type { DB } from '../db/schema.js';

export type PolicyVersionRow = DB['policy_versions'];

/**
 * Records versions of a policy; one already recorded is left as it is. A change writes the
 * version it replaces along with its own, so that a policy made before versions were kept
 * gains its first one the first time it changes (in the same statement).
 */
export async function insertPolicyVersions(db: Executor, rows: readonly PolicyVersionRow[]): Promise<void> {
  await db.insertInto('policy_versions').values([...rows]).onConflict((oc) => oc.columns(['policy_id', 'version']).doNothing()).execute();
}

/** A policy's versions, newest first, below version `before` when given; `limit + 1` rows to tell whether more follow. */
export async function listPolicyVersions(db: Executor, policyId: string, limit: number, before?: number): Promise<PolicyVersionRow[]> {
  let q = db.selectFrom('policy_versions').selectAll().where('policy_id', '=', policyId);
  if (before !== undefined) q = q.where('version', '<', before);
  return q.orderBy('version', 'desc').limit(limit + 1).execute();
}
