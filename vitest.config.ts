import { defineConfig } from 'vitest/config';

/** Files that also run against PostgreSQL (the `postgres` project): every endpoint, races, webhooks. */
const onBothDrivers = [
  'packages/server/test/http/**/*.test.ts',
  'packages/server/test/smoke.happy.test.ts',
  'packages/server/test/durability/{concurrency,kill9}.test.ts',
  'packages/server/test/webhooks/{delivery,retries,guards}.test.ts',
  // The reliability suites: the OpenAPI fuzzer, the authorization matrix, the audit trail.
  'packages/server/test/security/{fuzz,auth-matrix,audit-log}.test.ts',
];

export default defineConfig({
  test: {
    // Timeouts catch hangs, never slowness: a CLI test runs a dozen `bursar` processes, and on a
    // loaded two-core CI machine each can take seconds to start (a 30 s limit failed one CI run).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Tests start real servers on real databases; two cores, so keep parallelism modest.
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['test/setup/postgres.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'postgres', include: onBothDrivers, env: { BURSAR_TEST_DATABASE: 'postgres' } },
      },
    ],
  },
});
