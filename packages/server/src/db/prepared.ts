import { CompiledQuery } from 'kysely';
import { isPostgres, type Executor } from './database.js';
import type { DB } from './schema.js';

/**
 * SQL for the decision's hot path, written once instead of built by Kysely's query builder on
 * every call (building and compiling cost more than running the statement on SQLite). The text
 * uses `?` placeholders; PostgreSQL gets them numbered, once per text. Each text is also one
 * prepared statement on SQLite (see sqlite.ts), so a decision parses no SQL at all.
 */
const numbered = new Map<string, string>();

function forDialect(db: Executor, text: string): string {
  if (!isPostgres(db)) return text;
  let pg = numbered.get(text);
  if (pg === undefined) {
    let n = 0;
    pg = text.replace(/\?/g, () => `$${++n}`);
    numbered.set(text, pg);
  }
  return pg;
}

/** Runs `text` with `params`; the rows it returns (if any). */
export async function query<Row>(db: Executor, text: string, params: readonly unknown[]): Promise<Row[]> {
  const result = await db.executeQuery<Row>(CompiledQuery.raw(forDialect(db, text), params as unknown[]));
  return result.rows as Row[];
}

/** Runs `text`; the number of rows it changed. */
export async function execute(db: Executor, text: string, params: readonly unknown[]): Promise<number> {
  const result = await db.executeQuery(CompiledQuery.raw(forDialect(db, text), params as unknown[]));
  return Number(result.numAffectedRows ?? 0n);
}

const insertTexts = new Map<string, string>();

/** Inserts one row (its defined fields, as Kysely would), the SQL text made once per table and set of columns. */
export async function insertRow<T extends keyof DB & string>(db: Executor, table: T, row: { [K in keyof DB[T]]?: unknown }): Promise<void> {
  const columns: string[] = [];
  const values: unknown[] = [];
  for (const [column, value] of Object.entries(row)) {
    if (value === undefined) continue;
    columns.push(column);
    values.push(value);
  }
  const cacheKey = `${table}\u0000${columns.join('\u0000')}`;
  let text = insertTexts.get(cacheKey);
  if (text === undefined) {
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`;
    insertTexts.set(cacheKey, text);
  }
  await execute(db, text, values);
}
