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
 *
 * With `sync`, the commit itself does not flush (SQLite `synchronous=NORMAL`) and `sync`
 * (an fsync of the write-ahead log on libuv's thread pool) does, off the event loop: the next
 * batch runs while the previous one reaches the disk, and one fsync covers every batch that
 * committed before it began. The log is sequential, so a batch is never durable without the
 * ones before it, and no job is answered before an fsync that began after its commit ended.
 */
export class GroupCommitter {
  private queue: Job[] = [];
  private flushing = false;
  private syncing = false;
  /** Batches committed and waiting for an fsync to begin. */
  private unsynced: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];

  constructor(
    private readonly db: Kysely<DB>,
    private readonly maxBatch = 256,
    private readonly sync: (() => Promise<void>) | null = null,
  ) {}

  /** Resolves once an fsync that began after this call has completed (at once without `sync`). */
  private durable(): Promise<void> {
    if (!this.sync) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.unsynced.push({ resolve, reject });
      if (!this.syncing) this.startSync();
    });
  }

  private startSync(): void {
    const waiting = this.unsynced;
    this.unsynced = [];
    this.syncing = true;
    this.sync!().then(
      () => waiting.forEach((w) => w.resolve()),
      (error: unknown) => waiting.forEach((w) => w.reject(error)),
    ).finally(() => {
      this.syncing = false;
      if (this.unsynced.length > 0) this.startSync();
    });
  }

  /** Answers a committed batch's jobs once their commit is on disk. */
  private settle(answer: () => void, batch: Job[]): void {
    this.durable().then(answer, (error: unknown) => batch.forEach((job) => job.reject(error)));
  }

  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.flushing) {
        // Start after this turn's I/O callbacks: every request that arrived with this one joins
        // its batch (on SQLite a transaction finishes within one turn, so it would run alone).
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
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
          let value: unknown;
          try {
            value = await this.db.transaction().execute(job.fn);
          } catch (error) {
            job.reject(error);
            continue;
          }
          this.settle(() => job.resolve(value), batch);
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
                // When SQLite has already rolled the whole transaction back (disk full, I/O error),
                // there is no savepoint left: the batch fails with the error that says why.
                await sql`rollback to ${name}`.execute(tx).catch(() => Promise.reject(error));
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
        this.settle(() => {
          batch.forEach((job, i) => {
            const o = outcomes[i]!;
            if (o.ok) job.resolve(o.value);
            else job.reject(o.error);
          });
        }, batch);
      }
    } finally {
      this.flushing = false;
    }
  }
}
