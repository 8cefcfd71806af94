import type { Executor, Tx } from './database.js';
import type { Write } from './prepared.js';

/*
 * The writes of a decision batch (see DecisionBatcher), held back and sent together. Inside a
 * batch, a decision's writes (the request, its ledger transaction, the wallet's head, the
 * window counters, its event, audit entry and idempotency record) would cost a round trip each
 * decision while the batch holds the budget's locks; held back, the whole batch's writes go in
 * one statement just before the commit: the round trips per batch no longer grow with its size.
 *
 * Read-your-writes still holds: any other statement on the batch's transaction first sends the
 * writes waiting (see holdWritesBack), so whatever reads the database sees every write before it.
 */

interface Held {
  writes: Write[];
}

const held = new WeakMap<Executor, Held>();

/** Holds back the writes made in `tx` (executeWrites) until `send` gets them: before any other statement runs on `tx`, or at the end of the batch (takeHeldWrites). */
export function holdWritesBack(tx: Tx, send: (writes: Write[]) => Promise<void>): void {
  const state: Held = { writes: [] };
  held.set(tx, state);
  // Every statement on a transaction asks its executor for the connection, Kysely's query
  // builder and raw SQL alike: the writes waiting go first. Taken before they are sent, so the
  // send's own statement passes straight through.
  const executor = tx.getExecutor() as unknown as { provideConnection: (consumer: (c: unknown) => Promise<unknown>) => Promise<unknown> };
  const provide = executor.provideConnection.bind(executor);
  executor.provideConnection = async (consumer) => {
    if (state.writes.length > 0) await send(state.writes.splice(0));
    return provide(consumer);
  };
}

/** True (and `writes` kept for later) when `db` is a batch's transaction holding its writes back. */
export function heldBack(db: Executor, writes: readonly Write[]): boolean {
  const state = held.get(db);
  if (!state) return false;
  state.writes.push(...writes);
  return true;
}

/** The writes `tx` holds back, taken (none are held any more). */
export function takeHeldWrites(tx: Tx): Write[] {
  return held.get(tx)?.writes.splice(0) ?? [];
}

/**
 * `writes`, in order, as few writes as give the same result: runs of them such that none
 * changes a row another of its run changes, each run's inserts into one table (with the same
 * columns) as one multi-row insert, and a write to rows an earlier one of the run changed
 * combined with it where it says how (`merge`: the wallet's head, window counters). A change
 * names its rows as `table:…`, and starts a new run after inserts into its table. A write
 * that does not name the rows it changes runs alone, between runs. Each run is one statement of
 * executeWrites, whose writes see one snapshot and run in no defined order: that is why no two
 * of a run may touch one row.
 */
export function mergeWrites(writes: readonly Write[]): Write[][] {
  const runs: Write[][] = [];
  let inserts = new Map<string, { table: string; columns: readonly string[]; params: unknown[]; rows: number }>();
  let changes = new Map<string, Write>();
  let rowsTaken = new Set<string>();
  const tableOf = (row: string) => row.slice(0, row.indexOf(':'));
  const close = () => {
    if (inserts.size + changes.size > 0) runs.push([...changes.values(), ...[...inserts.values()].map(multiRowInsert)]);
    inserts = new Map();
    changes = new Map();
    rowsTaken = new Set();
  };
  for (const w of writes) {
    if (w.insert) {
      const key = `${w.insert.table}\u0000${w.insert.columns.join('\u0000')}`;
      const into = inserts.get(key);
      if (into) {
        into.params.push(...w.params);
        into.rows += w.insert.rows;
      } else {
        inserts.set(key, { table: w.insert.table, columns: w.insert.columns, params: [...w.params], rows: w.insert.rows });
      }
      continue;
    }
    if (!w.rows) {
      close();
      runs.push([w]);
      continue;
    }
    const key = w.rows.join('\u0000');
    const before = changes.get(key);
    const merged = before?.merge?.(w);
    if (merged) {
      changes.set(key, merged);
      continue;
    }
    // A row changed twice, or possibly one of the rows the run inserts (which its changes would not see): a new run.
    if (w.rows.some((r) => rowsTaken.has(r) || [...inserts.values()].some((i) => i.table === tableOf(r)))) close();
    changes.set(key, w);
    for (const r of w.rows) rowsTaken.add(r);
  }
  close();
  return runs;
}

/** One insert of every row gathered for a table and its columns. */
function multiRowInsert(i: { table: string; columns: readonly string[]; params: unknown[]; rows: number }): Write {
  const values = `(${i.columns.map(() => '?').join(', ')})`;
  return {
    text: `insert into "${i.table}" (${i.columns.map((c) => `"${c}"`).join(', ')}) values ${Array.from({ length: i.rows }, () => values).join(', ')}`,
    params: i.params,
    insert: { table: i.table, columns: i.columns, rows: i.rows },
  };
}
