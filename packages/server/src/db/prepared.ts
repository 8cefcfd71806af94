import { CompiledQuery } from 'kysely';
import { heldBack } from './batch-writes.js';
import { isPostgres, type Executor } from './database.js';
import type { DB } from './schema.js';

/**
 * SQL for the decision's hot path, written once instead of built by Kysely's query builder on
 * every call (building and compiling cost more than running the statement on SQLite). The text
 * uses `?` placeholders; PostgreSQL gets them numbered, once per text. Each text is also one
 * prepared statement on SQLite (see sqlite.ts), so a decision parses no SQL at all.
 */
const numbered = new Map<string, string>();

function forDialect(db: Executor, text: string, cache = true): string {
  if (!isPostgres(db)) return text;
  if (!cache) return numberPlaceholders(text);
  let pg = numbered.get(text);
  if (pg === undefined) {
    pg = numberPlaceholders(text);
    numbered.set(text, pg);
  }
  return pg;
}

function numberPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** Runs `text` with `params`; the rows it returns (if any). */
export async function query<Row>(db: Executor, text: string, params: readonly unknown[]): Promise<Row[]> {
  const result = await db.executeQuery<Row>(CompiledQuery.raw(forDialect(db, text), params as unknown[]));
  return result.rows as Row[];
}

/**
 * Runs a read as a named statement on PostgreSQL (see `named`): only for texts that list their
 * result columns by name, never `*`, so that a column added by a migration cannot change what
 * a prepared plan returns.
 */
export async function queryPrepared<Row>(db: Executor, text: string, params: readonly unknown[]): Promise<Row[]> {
  const result = await db.executeQuery<Row>(CompiledQuery.raw(named(forDialect(db, text)), params as unknown[]));
  return result.rows as Row[];
}

/** Runs `text`; the number of rows it changed. */
export async function execute(db: Executor, text: string, params: readonly unknown[]): Promise<number> {
  const result = await db.executeQuery(CompiledQuery.raw(named(forDialect(db, text)), params as unknown[]));
  return Number(result.numAffectedRows ?? 0n);
}

const names = new Map<string, string>();

/**
 * Marks a PostgreSQL text as one to run as a named (prepared) statement: parsed and planned
 * once per connection instead of on every call, which is most of the cost of a decision's
 * batch of writes. Only writes and reads that name their columns: what they return cannot
 * change with the schema, unlike a `select *`, whose prepared plan PostgreSQL refuses to run
 * once a migration has added a column ("cached plan must not change result type").
 */
function named(pgText: string): string {
  if (!names.has(pgText) && names.size < 1_000) names.set(pgText, `bursar_${names.size + 1}`);
  return pgText;
}

/** The statement name a write's PostgreSQL text runs under (see postgres.ts), if it has one. */
export function statementName(pgText: string): string | undefined {
  return names.get(pgText);
}

const insertTexts = new Map<string, string>();

/** One write of a batch: a statement, its parameters, and what must hold of the rows it changed. */
export interface Write {
  text: string;
  params: readonly unknown[];
  /** Throws when the number of rows changed is wrong (the batch's transaction must then roll back). */
  check?: (changed: number) => void;
  /** A plain insert of `rows` new rows (insertWrite): a batch sends its inserts into one table as one (see mergeWrites). */
  insert?: { table: string; columns: readonly string[]; rows: number };
  /** The rows this write changes, as `table:key` (a wallet's head, a window's counter), when it says: see mergeWrites. */
  rows?: readonly string[];
  /** This write and a `later` one to the same rows as one write with the effect of both in turn; undefined when they cannot be one. */
  merge?: (later: Write) => Write | undefined;
}

/** The insert of one row (its defined fields, as Kysely would), the SQL text made once per table and set of columns. */
export function insertWrite<T extends keyof DB & string>(table: T, row: { [K in keyof DB[T]]?: unknown }): Write {
  const columns: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of Object.entries(row)) {
    if (value === undefined) continue;
    columns.push(column);
    params.push(value);
  }
  const cacheKey = `${table}\u0000${columns.join('\u0000')}`;
  let text = insertTexts.get(cacheKey);
  if (text === undefined) {
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`;
    insertTexts.set(cacheKey, text);
  }
  return { text, params, insert: { table, columns, rows: 1 } };
}

/** Inserts one row (see insertWrite). */
export async function insertRow<T extends keyof DB & string>(db: Executor, table: T, row: { [K in keyof DB[T]]?: unknown }): Promise<void> {
  const w = insertWrite(table, row);
  await execute(db, w.text, w.params);
}

/**
 * Runs `writes` in the caller's transaction. SQLite runs them one by one (a statement costs
 * microseconds there). PostgreSQL gets them as one statement of data-modifying CTEs: one round
 * trip instead of one per write, which matters while a decision holds its policy's row lock.
 * The CTEs all see the snapshot the statement started with and run in no defined order, so a
 * batch must not write the same row twice nor read what another of its writes wrote; foreign
 * keys between its rows are checked at the end of the statement, as for separate statements.
 */
export async function executeWrites(db: Executor, writes: readonly Write[]): Promise<void> {
  // In a decision batch, sent with the rest of the batch's writes (see batch-writes.ts).
  if (heldBack(db, writes)) return;
  await sendWrites(db, writes);
}

/** executeWrites, now, even in a batch holding its writes back; `prepared: false` for a text unlikely to recur. */
export async function sendWrites(db: Executor, writes: readonly Write[], opts: { prepared?: boolean } = {}): Promise<void> {
  if (!isPostgres(db) || writes.length === 1) {
    for (const w of writes) {
      const text = opts.prepared === false ? forDialect(db, w.text, false) : named(forDialect(db, w.text));
      const result = await db.executeQuery(CompiledQuery.raw(text, w.params as unknown[]));
      w.check?.(Number(result.numAffectedRows ?? 0n));
    }
    return;
  }
  if (writes.length === 0) return;
  const ctes = writes.map((w, i) => `w${i} as (${w.text} returning 1)`).join(', ');
  const counts = writes.map((_, i) => `(select count(*) from w${i}) as "${i}"`).join(', ');
  const pgText = forDialect(db, `with ${ctes} select ${counts}`, opts.prepared !== false);
  // A batch's merged writes differ in text from one batch to the next: not worth a prepared statement each.
  const text = opts.prepared === false ? pgText : named(pgText);
  const result = await db.executeQuery<Record<string, number>>(CompiledQuery.raw(text, writes.flatMap((w) => w.params)));
  const row = result.rows[0]!;
  writes.forEach((w, i) => w.check?.(Number(row[String(i)])));
}
