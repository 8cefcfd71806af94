import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, openSqlite, type Database } from '../../src/db/database.js';
import { createPgDatabase } from '../helpers/pg.js';

/** What a column holds, as both sides can say it: a JS type, and whether it may be null. */
type Columns = Record<string, string>;
type Tables = Record<string, Columns>;

const schemaFile = fileURLToPath(new URL('../../src/db/schema.ts', import.meta.url));

/** The name each migration is recorded under: a database that has run one must find it again. */
const shippedMigrations = [
  '0001_foundation', '0002_webhooks', '0003_signing', '0004_control_plane', '0005_policy_api',
  '0006_dashboard', '0007_cards', '0008_audit', '0010_payments_execution', '0011_cancellation_reason',
  '0012_budget_alerts', '0013_policy_versions', '0014_approval_quorum', '0015_approval_figure',
  '0016_signing_key_activation',
];

/** One column's JS type as `string`, `number` (or what else it is), with ` | null` when it may be null. */
function shape(base: string, nullable: boolean): string {
  return nullable ? `${base} | null` : base;
}

let declared: Tables | undefined;

/** The tables of the `DB` interface, read by the compiler from schema.ts: an interface leaves nothing at run time. */
function declaredTables(): Tables {
  if (declared) return declared;
  const program = ts.createProgram([schemaFile], { strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const db = program.getSourceFile(schemaFile)?.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'DB',
  );
  if (!db) throw new Error('schema.ts declares no DB interface');
  const base = (t: ts.Type) =>
    t.flags & ts.TypeFlags.StringLike ? 'string' : t.flags & ts.TypeFlags.NumberLike ? 'number' : checker.typeToString(t);
  const tables: Tables = {};
  for (const table of checker.getPropertiesOfType(checker.getTypeAtLocation(db))) {
    const columns: Columns = {};
    for (const column of checker.getPropertiesOfType(checker.getTypeOfSymbol(table))) {
      const type = checker.getTypeOfSymbol(column);
      const parts = type.isUnion() ? type.types : [type];
      const bases = new Set(parts.filter((p) => !(p.flags & ts.TypeFlags.Null)).map(base));
      columns[column.name] = shape([...bases].join(' | '), parts.some((p) => p.flags & ts.TypeFlags.Null));
    }
    tables[table.name] = columns;
  }
  declared = tables;
  return tables;
}

/** What each database calls its column types, as the JS type Bursar reads them as. */
const jsType: Record<string, string> = {
  text: 'string',
  integer: 'number', bigint: 'number', 'double precision': 'number',
  int4: 'number', int8: 'number', float8: 'number',
};

/** The tables a migrated database holds; Kysely's introspection leaves out its own migration tables. */
async function migratedTables(db: Database): Promise<Tables> {
  const tables: Tables = {};
  for (const table of await db.db.introspection.getTables()) {
    // SQLite lets a primary key that is not an integer hold null (a quirk it keeps for old files); Bursar never writes one.
    const keys = db.kind === 'sqlite'
      ? (await sql<{ name: string }>`select name from pragma_table_info(${table.name}) where pk > 0`.execute(db.db)).rows.map((r) => r.name)
      : [];
    tables[table.name] = Object.fromEntries(table.columns.map((c) => [
      c.name,
      shape(jsType[c.dataType.toLowerCase()] ?? c.dataType, c.isNullable && !keys.includes(c.name)),
    ]));
  }
  return tables;
}

const drivers: Array<[string, () => Promise<{ db: Database; cleanup: () => void }>]> = [
  ['sqlite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bursar-schema-'));
    return { db: await openSqlite(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }],
  ['postgres', async () => ({ db: await openPostgres(await createPgDatabase(), { poolSize: 2, statementTimeoutMs: 5000 }), cleanup: () => {} })],
];

describe.each(drivers)('schema.ts against a database migrated on %s', (_name, open) => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ db, cleanup } = await open());
  });
  afterAll(async () => {
    await db.close();
    cleanup();
  });

  it('records every migration under the name it shipped with', () => {
    expect(db.appliedMigrations).toEqual(shippedMigrations);
  });

  it('declares every table and column the migrations create, with its type and nullability, and no other', async () => {
    expect(await migratedTables(db)).toEqual(declaredTables());
  });
});
