import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type Database, type Tx } from '../../src/db/database.js';
import { DecisionBatcher } from '../../src/db/decision-batch.js';
import { executeWrites, type Write } from '../../src/db/prepared.js';
import { createPgDatabase } from '../helpers/pg.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The batching mechanics on PostgreSQL; the decisions themselves are covered by the HTTP suites on both drivers. */
describe('DecisionBatcher on PostgreSQL', () => {
  let db: Database;
  let batcher: DecisionBatcher;
  beforeAll(async () => {
    db = await openPostgres(await createPgDatabase(), { poolSize: 8, statementTimeoutMs: 5000 });
    // A unique key checked at commit, so that a test can make a batch's commit itself fail.
    await sql`create table probe (k text, unique (k) deferrable initially deferred)`.execute(db.db);
    batcher = new DecisionBatcher(db.db);
  });
  afterAll(() => db.close());

  const key = (workspaceId = 'ws_a') => ({ workspaceId, agentIds: ['agt_none'] });
  const txid = async (tx: Tx) => (await sql<{ id: string }>`select txid_current()::text as id`.execute(tx)).rows[0]!.id;
  const insert = (tx: Tx, k: string) => sql`insert into probe (k) values (${k})`.execute(tx);
  const stored = async () => (await sql<{ k: string }>`select k from probe order by k`.execute(db.db)).rows.map((r) => r.k);

  it('decides what arrives together in one transaction, in arrival order, answering each its own', async () => {
    const order: number[] = [];
    const out = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => batcher.run(key(), async (tx) => {
        order.push(i);
        return { i, tx: await txid(tx) };
      })),
    );
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(out.map((o) => o.i)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(out.map((o) => o.tx)).size).toBe(1);
  });

  it('keeps workspaces apart: their decisions lock different wallets', async () => {
    const [a, b] = await Promise.all([batcher.run(key('ws_a'), txid), batcher.run(key('ws_b'), txid)]);
    expect(a).not.toBe(b);
  });

  it('a decision that throws rolls its batch back, is answered with its own error, and the others are made alone', async () => {
    await sql`delete from probe`.execute(db.db);
    const runs = new Map<string, number>();
    const job = (k: string, fail = false) => batcher.run(key(), async (tx) => {
      runs.set(k, (runs.get(k) ?? 0) + 1);
      await insert(tx, k);
      if (fail) throw new Error(`refused ${k}`);
      return k;
    });
    const results = await Promise.allSettled([job('a'), job('b', true), job('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('refused b'));
    expect(await stored()).toEqual(['a', 'c']);
    // a and b once in the batch that rolled back at b, then each alone; c never ran in the batch.
    expect(Object.fromEntries(runs)).toEqual({ a: 2, b: 2, c: 1 });
  });

  it('a failed commit answers every decision of the batch with the error and runs none again (it may have reached the disk)', async () => {
    await sql`delete from probe`.execute(db.db);
    let runs = 0;
    const job = () => batcher.run(key(), async (tx) => {
      runs += 1;
      await insert(tx, 'same');
      return 'ok';
    });
    const results = await Promise.allSettled([job(), job()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/duplicate key/);
    expect(runs).toBe(2);
    expect(await stored()).toEqual([]);
  });

  it('a decision alone takes no batch machinery: its error is its own', async () => {
    await expect(batcher.run(key(), async () => {
      throw new Error('alone');
    })).rejects.toThrow('alone');
  });
});

describe('a decision batch holds its writes back', () => {
  let db: Database;
  let batcher: DecisionBatcher;
  beforeAll(async () => {
    db = await openPostgres(await createPgDatabase(), { poolSize: 8, statementTimeoutMs: 5000 });
    await sql`create table probe (k text primary key)`.execute(db.db);
    batcher = new DecisionBatcher(db.db);
  });
  afterAll(() => db.close());

  const key = { workspaceId: 'ws_a', agentIds: ['agt_none'] };
  const write = (k: string): Write => ({ text: 'insert into "probe" ("k") values (?)', params: [k], insert: { table: 'probe', columns: ['k'], rows: 1 } });
  const stored = async () => (await sql<{ k: string }>`select k from probe order by k`.execute(db.db)).rows.map((r) => r.k);

  it('sends them together at the end of the batch', async () => {
    await sql`delete from probe`.execute(db.db);
    await Promise.all(['a', 'b', 'c'].map((k) => batcher.run(key, (tx) => executeWrites(tx, [write(k)]))));
    expect(await stored()).toEqual(['a', 'b', 'c']);
  });

  it('sends them before any statement that could read them: a decision sees the writes before it', async () => {
    await sql`delete from probe`.execute(db.db);
    const seen = await Promise.all(['a', 'b', 'c'].map((k) => batcher.run(key, async (tx) => {
      await executeWrites(tx, [write(k)]);
      // Kysely's query builder and raw SQL alike.
      const built = await tx.selectFrom('probe' as never).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow() as { n: number };
      const raw = (await sql<{ n: number }>`select count(*)::int as n from probe`.execute(tx)).rows[0]!.n;
      return [built.n, raw];
    })));
    expect(seen).toEqual([[1, 1], [2, 2], [3, 3]]);
  });

  it('a write that fails when sent at the end fails the batch, whose decisions are then made alone', async () => {
    await sql`delete from probe`.execute(db.db);
    const runs = new Map<string, number>();
    const results = await Promise.allSettled(['a', 'a', 'b'].map((k, i) => batcher.run(key, async (tx) => {
      runs.set(`${k}${i}`, (runs.get(`${k}${i}`) ?? 0) + 1);
      await executeWrites(tx, [write(k)]);
      return k;
    })));
    // Held back, the duplicate failed only at the end of the batch: all three ran in it, then each alone.
    expect(Object.fromEntries(runs)).toEqual({ a0: 2, a1: 2, b2: 2 });
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await stored()).toEqual(['a', 'b']);
  });
});

describe('a decision batch waiting for its policy lock', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ DATABASE_URL: await createPgDatabase() });
  });
  afterAll(() => s?.close());

  it('takes in the requests for the same agents that arrived while it waited, in arrival order', async () => {
    const db = s.server.db;
    const key = { workspaceId: s.server.provisioned!.workspaceId, agentIds: [s.agentId] };
    const order: number[] = [];
    const decide = (i: number) => db.transactDecision(key, async (tx) => {
      order.push(i);
      return (await sql<{ id: string }>`select txid_current()::text as id`.execute(tx)).rows[0]!.id;
    });
    // Another process's batch, as it were, holds the policy's lock.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    const other = db.transact(async (tx) => {
      await sql`select id from policies where id = ${s.policyId} for update`.execute(tx);
      holding();
      await released;
    });
    await held;
    const first = [decide(0), decide(1)];
    await new Promise((r) => setTimeout(r, 150));
    const later = [decide(2), decide(3), decide(4)];
    await new Promise((r) => setTimeout(r, 150));
    release();
    await other;
    const txids = await Promise.all([...first, ...later]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(txids).size).toBe(1);
  });
});
