import { sql } from 'kysely';
import type { DatabaseKind } from '../database.js';

/**
 * Text in byte order on both databases: ids double as pagination cursors, so `id < cursor`
 * must compare the way SQLite does, whatever the PostgreSQL server's default collation.
 */
export function textType(kind: DatabaseKind) {
  return kind === 'postgres' ? sql`text collate "C"` : sql`text`;
}
