import type { Command } from 'commander';
import { migrateOnly, parseEnv } from '@bursar/server';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Bring the database schema up to date and exit (DATABASE_URL for PostgreSQL, else the SQLite file in the data dir)')
    .option('-d, --data-dir <dir>', 'data directory (env BURSAR_DATA_DIR, default ./.bursar)')
    .addHelpText('after', '\nExamples:\n  $ bursar migrate\n  $ DATABASE_URL=postgres://bursar@db/bursar bursar migrate')
    .action(async (opts: { dataDir?: string }) => {
      let env;
      try {
        env = parseEnv({ ...process.env, ...(opts.dataDir !== undefined ? { BURSAR_DATA_DIR: opts.dataDir } : {}) });
      } catch (err) {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(2);
      }
      try {
        const { kind, applied } = await migrateOnly(env);
        process.stdout.write(
          applied.length === 0 ? `${kind}: schema already up to date\n` : `${kind}: applied ${applied.length} migration(s): ${applied.join(', ')}\n`,
        );
      } catch (err) {
        process.stderr.write(`bursar: migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      }
    });
}
