import { type Migration, sql } from 'kysely';
import type { DatabaseKind } from '../database.js';

/** The audit log: found by object, and append-only in the database itself. */
export function audit(kind: DatabaseKind): Migration {
  return {
    async up(db) {
      // GET /v1/audit-log?object_id=…: one object's history without scanning the workspace's log.
      await db.schema.createIndex('audit_by_object').on('audit_log').columns(['workspace_id', 'object_id', 'id']).execute();
      // Append-only in the database itself: an entry can be written, never rewritten or removed.
      if (kind === 'postgres') {
        await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
          begin raise exception 'audit_log is append-only'; end $$`.execute(db);
        await sql`create trigger audit_log_no_update before update or delete on audit_log
          for each row execute function audit_log_append_only()`.execute(db);
      } else {
        await sql`create trigger audit_log_no_update before update on audit_log
          begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
        await sql`create trigger audit_log_no_delete before delete on audit_log
          begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
      }
    },
  };
}
