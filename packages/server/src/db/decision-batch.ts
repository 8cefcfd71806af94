import { sql, type Kysely } from 'kysely';
import { holdWritesBack, mergeWrites, takeHeldWrites } from './batch-writes.js';
import type { Executor, Tx } from './database.js';
import { sendWrites, type Write } from './prepared.js';
import type { DB } from './schema.js';
import type { PlanRow } from '../store/policy-api.js';
import type { AgentRow, IdempotencyRow, PolicyRow } from '../store/rows.js';

/** What a decision's transaction will lock, known before it starts: its workspace and the agents it decides for. */
export interface DecisionKey {
  workspaceId: string;
  agentIds: readonly string[];
  /** The request's idempotency key and the advisory lock that holds it (see runIdempotent): the batch takes and reads them all at once. */
  idempotency?: { lock: string; scope: string; key: string } | undefined;
}

interface Job {
  key: DecisionKey;
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** The policy rows each batch's transaction locked, so that a decision's own lockPolicy costs no round trip. */
const lockedPolicies = new WeakMap<Executor, Map<string, PolicyRow>>();

/** The row of policy `id` if the batch running in `tx` holds its lock (decisions never change a policy). */
export function policyLockedByBatch(tx: Executor, id: string): PolicyRow | undefined {
  return lockedPolicies.get(tx)?.get(id);
}

/** Per batch transaction: the rows of the agents it decides for (none with a lease) and its workspace's plan, read at its start. */
const agentsRead = new WeakMap<Executor, { agents: Map<string, AgentRow>; plan: PlanRow | undefined }>();

/**
 * What the batch running in `tx` read at its start of agent `id` and its workspace's plan, if
 * it decides for that agent: a decision of the batch reads neither again. The agent has no
 * active lease (an agent with one runs alone); its status and the absence of a lease are read
 * again under the policy's lock (see decisionInputs).
 */
export function agentReadByBatch(tx: Executor, id: string): { agent: AgentRow; plan: PlanRow | undefined } | undefined {
  const read = agentsRead.get(tx);
  const agent = read?.agents.get(id);
  return agent && { agent, plan: read!.plan };
}

/** The policies the batch running in `tx` locked and the agents it decides for (none with a lease); undefined outside a batch. */
export function batchScope(tx: Executor): { policies: PolicyRow[]; agents: AgentRow[] } | undefined {
  const policies = lockedPolicies.get(tx);
  const read = agentsRead.get(tx);
  if (!policies || !read) return undefined;
  return { policies: [...policies.values()], agents: [...read.agents.values()] };
}

/** Per batch transaction: the idempotency locks it holds and the records it read under them. */
const heldKeys = new WeakMap<Executor, { locks: Set<string>; records: Map<string, IdempotencyRow | undefined> }>();

/** True when the batch running in `tx` already holds advisory lock `key`. */
export function lockHeldByBatch(tx: Executor, key: string): boolean {
  return heldKeys.get(tx)?.locks.has(key) === true;
}

/** The idempotency record the batch running in `tx` read under its lock: `null` when it read none for this key. */
export function idempotencyReadByBatch(tx: Executor, scope: string, key: string): IdempotencyRow | undefined | null {
  const records = heldKeys.get(tx)?.records;
  const id = `${scope}\u0000${key}`;
  if (!records?.has(id)) return null;
  return records.get(id);
}

/** `writes` as mergeWrites makes them: usually one statement for a whole batch. */
async function sendMerged(tx: Tx, writes: readonly Write[]): Promise<void> {
  for (const run of mergeWrites(writes)) await sendWrites(tx, run, { prepared: false });
}

/**
 * Decisions in batches on PostgreSQL. Every decision in a workspace locks its policy's row and
 * then the workspace's wallet row, and holds both until its commit is flushed: one at a time,
 * whatever the number of processes. Decisions that arrive together for one workspace are
 * therefore made together, in arrival order, in one transaction:
 *
 * 1. the policies of the batch's agents are locked at once, in id order (the one lock order);
 *    the requests for the same agents that arrived while it waited for them (another process's
 *    batch held them) join it then, in arrival order;
 * 2. each decision runs as it would alone, and sees the ones before it (same transaction);
 *    what it would lock or read again the batch holds already (batch-reads.ts), and its writes
 *    are held back (batch-writes.ts): a decision of a batch usually makes no round trip at all;
 * 3. the batch's writes, merged into as few statements as write no row twice (usually one), and
 *    one commit, one WAL flush (`synchronous_commit=on`), for the whole batch; only then is any
 *    of its requests answered.
 *
 * No savepoints: a batch in which anything throws (a refusal, a conflict, a deadlock) rolls back
 * whole, and each of its decisions is then made alone in a transaction of its own, exactly as
 * without batching, so a refusal costs its neighbours a retry and never a wrong answer. Agents
 * spending on a lease run alone: a lease is locked after its policy and before the wallet, which a
 * batch holds from its first decision on. (A card, locked by card authorizations and checkout
 * intents after its policy too, is only ever locked under that policy's lock, which the batch
 * holds: no other transaction can hold it, so a batch's decision may lock it after the wallet.)
 * Since a decision may run twice, it must have no effect
 * outside its transaction: a payment, which calls its rail, is never batched.
 */
export class DecisionBatcher {
  private readonly queues = new Map<string, Job[]>();
  private readonly running = new Set<string>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly maxBatch = 64,
  ) {}

  run<T>(key: DecisionKey, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const group = key.workspaceId;
      let queue = this.queues.get(group);
      if (!queue) this.queues.set(group, (queue = []));
      queue.push({ key, fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running.has(group)) {
        this.running.add(group);
        // After this turn's I/O callbacks, so that the requests that arrived together join.
        setImmediate(() => void this.drain(group));
      }
    });
  }

  private async drain(group: string): Promise<void> {
    try {
      for (;;) {
        const queue = this.queues.get(group);
        if (!queue || queue.length === 0) {
          this.queues.delete(group);
          return;
        }
        await this.runBatch(queue.splice(0, this.maxBatch), queue);
      }
    } finally {
      this.running.delete(group);
    }
  }

  private alone(job: Job): Promise<void> {
    return this.db.transaction().execute(job.fn).then(job.resolve, job.reject);
  }

  /**
   * The jobs at the head of `queue` that this batch can decide with no lock or read it has not
   * made (their agents read, unleased, their policies locked), up to the batch's size, taken off
   * the queue in arrival order: requests that arrived while the batch waited for its locks.
   */
  private joiners(queue: Job[], batch: Job[], agents: ReadonlyMap<string, AgentRow>): Job[] {
    let n = 0;
    while (n < queue.length && batch.length + n < this.maxBatch && queue[n]!.key.agentIds.every((id) => agents.has(id))) n++;
    return queue.splice(0, n);
  }

  /** Runs `batch`, taken off the head of `queue`; one job alone (then it took the whole queue). */
  private async runBatch(batch: Job[], queue: Job[]): Promise<void> {
    if (batch.length === 1) return this.alone(batch[0]!);
    const workspaceId = batch[0]!.key.workspaceId;
    const agentIds = [...new Set(batch.flatMap((j) => j.key.agentIds))];
    let leased = new Set<string>();
    const values: unknown[] = [];
    let together: Job[] = [...batch];
    let decided = false;
    try {
      await this.db.transaction().execute(async (tx) => {
        holdWritesBack(tx, (writes) => sendMerged(tx, writes));
        // The batch's agents (whether each spends from a lease) and the workspace's plan: what
        // each decision would otherwise read for itself, a round trip each.
        const agents = await sql<AgentRow & { leased: boolean }>`
          select a.*,
            exists (select 1 from budget_leases l where l.child_agent_id = a.id and l.status = 'active') as leased
          from agents a where a.workspace_id = ${workspaceId} and a.id in (${sql.join(agentIds)})`.execute(tx);
        const plan = await sql<PlanRow>`select * from workspace_plans where workspace_id = ${workspaceId}`.execute(tx);
        leased = new Set(agents.rows.filter((a) => a.leased).map((a) => a.id));
        const unleased = agents.rows.filter((a) => !a.leased).map(({ leased: _, ...agent }) => [agent.id, agent] as const);
        agentsRead.set(tx, { agents: new Map(unleased), plan: plan.rows[0] });
        together = batch.filter((j) => !j.key.agentIds.some((id) => leased.has(id)));
        const policyIds = [...new Set(agents.rows.filter((a) => !leased.has(a.id)).map((a) => a.policy_id))].sort();
        if (policyIds.length > 0) {
          const locked = await sql<PolicyRow>`select * from policies where workspace_id = ${workspaceId} and id in (${sql.join(policyIds)}) order by id for update`.execute(tx);
          lockedPolicies.set(tx, new Map(locked.rows.map((p) => [p.id, p])));
          // While this batch waited for those locks (another process's batch held them), more
          // requests for the same agents may have arrived: they join now, since this batch holds
          // all they need. The longer the wait, the bigger the batch the lock is held for.
          const more = this.joiners(queue, batch, agentsRead.get(tx)!.agents);
          batch.push(...more);
          together.push(...more);
        }
        // Each request's idempotency key: locked (without waiting) and read for the whole batch in
        // two statements; a key another transaction holds sends its request to run alone.
        const keyed = together.filter((j) => j.key.idempotency);
        if (keyed.length > 0) {
          const locks = keyed.map((j) => j.key.idempotency!.lock);
          const got = await sql<{ k: string; ok: boolean }>`select k, pg_try_advisory_xact_lock(hashtextextended(k, 0)) as ok from unnest(${locks}::text[]) as k`.execute(tx);
          const held = new Set(got.rows.filter((r) => r.ok).map((r) => r.k));
          together = together.filter((j) => !j.key.idempotency || held.has(j.key.idempotency.lock));
          const wanted = together.filter((j) => j.key.idempotency).map((j) => j.key.idempotency!);
          const records = new Map<string, IdempotencyRow | undefined>(wanted.map((w) => [`${w.scope}\u0000${w.key}`, undefined]));
          if (wanted.length > 0) {
            const found = await sql<IdempotencyRow>`select * from idempotency_keys where scope = any(${wanted.map((w) => w.scope)}::text[]) and key = any(${wanted.map((w) => w.key)}::text[])`.execute(tx);
            for (const r of found.rows) {
              const id = `${r.scope}\u0000${r.key}`;
              if (records.has(id)) records.set(id, r);
            }
          }
          heldKeys.set(tx, { locks: held, records });
        }
        for (const job of together) values.push(await job.fn(tx));
        // Every write of the batch, in as few statements as no row is written twice by one.
        await sendMerged(tx, takeHeldWrites(tx));
        decided = true;
      });
    } catch (error) {
      // The commit itself failed: whether it reached the disk is unknown, so nothing is tried
      // again here (the client retries with its idempotency key), as for a transaction alone.
      if (decided) {
        for (const job of together) job.reject(error);
        await Promise.all(batch.filter((j) => !together.includes(j)).map((job) => this.alone(job)));
        return;
      }
      // Nothing of the batch committed: each decision is made alone, as without batching, one
      // after another in arrival order, so each still sees the ones that arrived before it.
      for (const job of batch) await this.alone(job);
      return;
    }
    together.forEach((job, i) => job.resolve(values[i]));
    const apart = batch.filter((j) => !together.includes(j));
    await Promise.all(apart.map((job) => this.alone(job)));
  }
}
