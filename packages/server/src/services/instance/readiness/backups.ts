import { postgresArchiveMode, sqliteJournalMode } from '../../../store/readiness.js';
import { fail, pass, warn, type CheckDefinition } from './check.js';

const KEY_TOO = 'Back up the encryption key (BURSAR_ENCRYPTION_KEY or the data dir\'s encryption.key) separately: a database restored without it cannot open its secrets.';

/** Backups and rollback: SQLite in WAL for online copies; PostgreSQL archiving or dumps. */
export const backupChecks: CheckDefinition[] = [
  {
    id: 'backups.database',
    title: 'Backups possible while serving',
    async run({ db, kind }) {
      if (kind === 'sqlite') {
        const mode = await sqliteJournalMode(db);
        if (mode !== 'wal') return fail(`journal_mode=${mode}`, 'Start the server once (it switches the database to WAL), then copy with `bursar backup <file>`.');
        return pass(`journal_mode=wal: \`bursar backup <file>\` copies consistently while the server runs (SQLite online backup API), \`bursar restore <file>\` puts one back. ${KEY_TOO}`);
      }
      const archive = await postgresArchiveMode(db);
      if (archive === 'on' || archive === 'always') return pass(`archive_mode=${archive}: WAL archiving allows point-in-time recovery. ${KEY_TOO}`);
      return warn(
        `archive_mode=${archive}: nothing here shows a backup is taken`,
        `Take \`pg_dump --format=custom --file=bursar.dump "$DATABASE_URL"\` on a schedule (restore with pg_restore into an empty database), or enable WAL archiving for point-in-time recovery. ${KEY_TOO}`,
      );
    },
  },
];
