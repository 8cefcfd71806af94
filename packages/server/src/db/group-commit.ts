import { sql, type Kysely } from 'kysely';
import type { Tx } from './database.js';
import type { DB } from './schema.js';

interface Job {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * Group commit for the embedded database: transactions that arrive while one is committing
 * are run together in the next transaction, each inside its own savepoint, and committed with
 * one fsync. A job that throws is rolled back to its savepoint alone; every job is answered
 * only after the commit is on disk, so durability is exactly that of one transaction each.
 */
export class GroupCommitter {
  private queue: Job[] = [];
  private flushing = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly maxBatch = 256,
  ) {}

  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        if (batch.length === 1) {
          // Alone: no savepoint needed.
          const job = batch[0]!;
          await this.db.transaction().execute(job.fn).then(job.resolve, job.reject);
          continue;
        }
        const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
        try {
          await this.db.transaction().execute(async (tx) => {
            for (const [i, job] of batch.entries()) {
              const name = sql.raw(`g${i}`);
              await sql`savepoint ${name}`.execute(tx);
              try {
                const value = await job.fn(tx);
                await sql`release ${name}`.execute(tx);
                outcomes.push({ ok: true, value });
              } catch (error) {
                await sql`rollback to ${name}`.execute(tx);
                await sql`release ${name}`.execute(tx);
                outcomes.push({ ok: false, error });
              }
            }
          });
        } catch (error) {
          // The commit itself failed: nothing of this batch is on disk.
          for (const job of batch) job.reject(error);
          continue;
        }
        batch.forEach((job, i) => {
          const o = outcomes[i]!;
          if (o.ok) job.resolve(o.value);
          else job.reject(o.error);
        });
      }
    } finally {
      this.flushing = false;
    }
  }
}
