import { migrationProvider } from '../../../db/migrations/index.js';
import { appliedMigrationNames, databaseClockMs } from '../../../store/readiness.js';
import { duration, fail, pass, warn, type CheckDefinition } from './check.js';

const SKEW_WARN_MS = 1_000;
const SKEW_FAIL_MS = 30_000;

/** The server itself: what runs, its schema, and its clock against the database's. */
export const serverChecks: CheckDefinition[] = [
  {
    id: 'server.version',
    title: 'Server version and uptime',
    async run({ kind, settings }) {
      const up = settings.uptimeSeconds === null ? 'inspected directly (no running server asked)' : `up ${duration(settings.uptimeSeconds * 1000)}`;
      return pass(`bursar ${settings.version}, ${up}; the ${kind} database answers`);
    },
  },
  {
    id: 'server.migrations',
    title: 'Database migrations current',
    async run({ db, kind }) {
      const known = Object.keys(await migrationProvider(kind).getMigrations());
      const applied = await appliedMigrationNames(db);
      const pending = known.filter((m) => !applied.includes(m));
      const unknown = applied.filter((m) => !known.includes(m));
      if (unknown.length > 0) {
        return fail(`the database has migrations this bursar does not know: ${unknown.join(', ')}`, 'Upgrade bursar to the version that migrated this database; never run an older server on a newer schema.');
      }
      if (pending.length > 0) {
        return fail(`${pending.length} pending: ${pending.join(', ')}`, 'Run `bursar migrate` (or start the new server once) before going live.');
      }
      return pass(`${applied.length} migrations applied, latest ${applied.at(-1) ?? 'none'}`);
    },
  },
  {
    id: 'server.clock',
    title: 'Clock skew against the database',
    async run({ db, kind }) {
      if (kind === 'sqlite') return pass('embedded SQLite: the database runs on this machine\'s clock');
      const before = Date.now();
      const theirs = await databaseClockMs(db);
      const after = Date.now();
      const skew = Math.abs(theirs - (before + after) / 2);
      const evidence = `PostgreSQL's clock is ${skew < 1000 ? `${Math.round(skew)} ms` : duration(skew)} ${theirs >= (before + after) / 2 ? 'ahead' : 'behind'} (round trip ${after - before} ms)`;
      const fix = 'Run NTP (chrony or systemd-timesyncd) on the application and database hosts: expiries and budget windows assume one time.';
      if (skew > SKEW_FAIL_MS) return fail(evidence, fix);
      if (skew > SKEW_WARN_MS) return warn(evidence, fix);
      return pass(evidence);
    },
  },
];
