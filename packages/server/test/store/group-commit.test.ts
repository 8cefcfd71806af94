import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite, type Database } from '../../src/db/database.js';

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
});
