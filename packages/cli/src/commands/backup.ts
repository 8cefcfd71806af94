import type { Command } from 'commander';
import { backupSqlite, parseEnv, restoreSqlite, settingsFromEnv, VERSION, type CopyCheck, type Env } from '@bursar/server';
import { usage } from '../api.js';

/** PostgreSQL is backed up with its own tools; Bursar adds only the key that goes with the dump. */
const POSTGRES_PLAN = `bursar: DATABASE_URL is set: this database is PostgreSQL, backed up with PostgreSQL's own tools.
  Back up:   pg_dump --format=custom --file=bursar-$(date +%F).dump "$DATABASE_URL"
             (consistent while servers run: pg_dump reads one snapshot)
  Restore:   stop the servers, create an empty database, then
             pg_restore --no-owner --dbname="$NEW_DATABASE_URL" bursar-….dump
             and point DATABASE_URL at it; \`bursar doctor\` then verifies the ledger.
  Also keep: BURSAR_ENCRYPTION_KEY (or the data dir's encryption.key): without it the dump's
             sealed secrets (card numbers, webhook and signing secrets) cannot be opened.
  For point-in-time recovery, enable WAL archiving (archive_mode=on) or use your provider's.
`;

function envWith(dataDir: string | undefined): Env {
  try {
    return parseEnv({ ...process.env, ...(dataDir !== undefined ? { BURSAR_DATA_DIR: dataDir } : {}) });
  } catch (err) {
    usage(err instanceof Error ? err.message : String(err));
  }
}

function describe(c: CopyCheck): string {
  const ledger = c.ledger.ok ? `ledger ok (${c.ledger.wallets} wallets, ${c.ledger.transactions} transactions)` : `ledger BROKEN: ${c.ledger.problem}`;
  const key = { match: 'this data dir\'s encryption key opens its secrets', mismatch: 'its secrets were sealed with ANOTHER encryption key', unknown: 'encryption key not compared' }[c.key];
  return `${c.bytes} bytes, integrity ${c.integrity}, ${ledger}; ${key}`;
}

function fatal(err: unknown, code: number): never {
  process.stderr.write(`bursar: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(code);
}

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('Copy the embedded database to <file>, consistent while the server runs (SQLite online backup API)')
    .argument('<file>', 'where to write the copy (must not exist)')
    .option('-d, --data-dir <dir>', 'data directory (env BURSAR_DATA_DIR, default ./.bursar)')
    .option('--json', 'print what was written as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ bursar backup /backups/bursar-$(date +%F).db --data-dir /var/lib/bursar
  $ DATABASE_URL=postgres://… bursar backup x     # prints how to back up PostgreSQL

The copy is one self-contained SQLite file, checked after writing (integrity and every ledger
chain). It does not hold the encryption key: keep BURSAR_ENCRYPTION_KEY or the data dir's
encryption.key with your backups, apart from them.`,
    )
    .action(async (file: string, opts: { dataDir?: string; json?: boolean }) => {
      const env = envWith(opts.dataDir);
      if (env.DATABASE_URL) {
        process.stderr.write(POSTGRES_PLAN);
        process.exit(2);
      }
      let copy: CopyCheck;
      try {
        copy = await backupSqlite({ dataDir: env.BURSAR_DATA_DIR, file, box: settingsFromEnv(env, VERSION).encryptionKey.box });
      } catch (err) {
        fatal(err, 1);
      }
      if (opts.json) process.stdout.write(`${JSON.stringify({ file, ...copy }, null, 2)}\n`);
      else process.stdout.write(`backed up ${env.BURSAR_DATA_DIR} to ${file}: ${describe(copy)}\nkeep the encryption key (BURSAR_ENCRYPTION_KEY or encryption.key) safe and apart from this file\n`);
      process.exitCode = copy.integrity === 'ok' && copy.ledger.ok ? 0 : 1;
    });

  program
    .command('restore')
    .description('Put a `bursar backup` copy in place of the data dir\'s database (the server must be stopped)')
    .argument('<file>', 'a file written by `bursar backup`')
    .option('-d, --data-dir <dir>', 'data directory (env BURSAR_DATA_DIR, default ./.bursar)')
    .option('--force', 'restore even a copy whose integrity, ledger or encryption key check fails')
    .addHelpText(
      'after',
      `
Example:
  $ bursar restore /backups/bursar-2025-01-31.db --data-dir /var/lib/bursar

Refuses while a server has the database open (SQLite then denies this command an exclusive
lock). The database it replaces is kept beside it as bursar.db.before-restore-<time>.`,
    )
    .action(async (file: string, opts: { dataDir?: string; force?: boolean }) => {
      const env = envWith(opts.dataDir);
      if (env.DATABASE_URL) {
        process.stderr.write(POSTGRES_PLAN);
        process.exit(2);
      }
      try {
        const r = await restoreSqlite({ dataDir: env.BURSAR_DATA_DIR, file, box: settingsFromEnv(env, VERSION).encryptionKey.box, force: opts.force ?? false });
        process.stdout.write(
          `restored ${file} into ${env.BURSAR_DATA_DIR}: ${describe(r)}\n${r.keptAside ? `the database it replaced is kept as ${r.keptAside}\n` : ''}`,
        );
      } catch (err) {
        fatal(err, 1);
      }
    });
}
