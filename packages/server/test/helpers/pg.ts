import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** Creates a fresh database on the test run's PostgreSQL server and returns its URL. */
export async function createPgDatabase(): Promise<string> {
  const base = inject('pgUrl');
  const name = `bursar_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return `${base}/${name}`;
}
