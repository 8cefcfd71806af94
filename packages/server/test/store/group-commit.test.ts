import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openSqlite, type Database } from '../../src/db/database.js';
import { GroupCommitter } from '../../src/db/group-commit.js';

describe('group commit on SQLite', () => {
  let db: Database;
  const dir = mkdtempSync(join(tmpdir(), 'bursar-gc-'));
  beforeAll(async () => {
    db = await openSqlite(dir, { groupCommit: true });
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const put = (key: string) => (tx: Parameters<Parameters<Database['transact']>[0]>[0]) => tx.insertInto('kv').values({ key, value: 'v' }).execute();

  it('rolls back a failing transaction alone, commits the others of its batch, and answers each', async () => {
    const results = await Promise.allSettled([
      db.transact(async (tx) => {
        await put('a')(tx);
        return 'a';
      }),
      db.transact(async (tx) => {
        await put('b')(tx);
        throw new Error('b fails after writing');
      }),
      db.transact(async (tx) => {
        await put('c')(tx);
        await put('c')(tx); // duplicate key: a database error inside the batch
        return 'c';
      }),
      db.transact(async (tx) => {
        await put('d')(tx);
        return 'd';
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const keys = (await db.db.selectFrom('kv').select('key').orderBy('key').execute()).map((r) => r.key);
    expect(keys).toEqual(['a', 'd']);
  });

  it('runs many concurrent transactions in order, each seeing the ones before it', async () => {
    await db.db.insertInto('kv').values({ key: 'counter', value: '0' }).execute();
    await Promise.all(
      Array.from({ length: 200 }, () =>
        db.transact(async (tx) => {
          const row = await tx.selectFrom('kv').select('value').where('key', '=', 'counter').executeTakeFirstOrThrow();
          await tx.updateTable('kv').set({ value: String(Number(row.value) + 1) }).where('key', '=', 'counter').execute();
        }),
      ),
    );
    const row = await db.db.selectFrom('kv').select('value').where('key', '=', 'counter').executeTakeFirstOrThrow();
    expect(row.value).toBe('200');
  });

  it('answers no transaction before an fsync that began after its commit, and runs the next batch meanwhile', async () => {
    const syncs: Array<() => void> = [];
    const group = new GroupCommitter(db.db, 256, () => new Promise<void>((resolve) => syncs.push(resolve)));
    const answered: string[] = [];
    const first = group.run((tx) => put('s1')(tx)).then(() => answered.push('s1'));
    await vi.waitFor(() => expect(syncs).toHaveLength(1));
    // Committed (visible) but not yet on disk: not answered.
    expect(await db.db.selectFrom('kv').select('key').where('key', '=', 's1').executeTakeFirst()).toBeDefined();
    const second = group.run((tx) => put('s2')(tx)).then(() => answered.push('s2'));
    await vi.waitFor(async () => expect(await db.db.selectFrom('kv').select('key').where('key', '=', 's2').executeTakeFirst()).toBeDefined());
    expect(answered).toEqual([]);
    // The first fsync began before s2 committed: it answers s1 only; the next one answers s2.
    syncs.shift()!();
    await first;
    expect(answered).toEqual(['s1']);
    await vi.waitFor(() => expect(syncs).toHaveLength(1));
    syncs.shift()!();
    await second;
    expect(answered).toEqual(['s1', 's2']);
  });

  it('fails every transaction waiting on an fsync that fails', async () => {
    const group = new GroupCommitter(db.db, 256, () => Promise.reject(new Error('EIO')));
    await expect(group.run((tx) => put('f1')(tx))).rejects.toThrow('EIO');
  });
});
