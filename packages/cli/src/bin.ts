#!/usr/bin/env node
import { Command } from 'commander';
import { registerLedger } from './commands/ledger.js';
import { registerMigrate } from './commands/migrate.js';
import { registerServe } from './commands/serve.js';

const program = new Command()
  .name('bursar')
  .description('Bursar: the control plane for the money AI agents spend')
  .version('0.1.0')
  .showHelpAfterError()
  .addHelpText(
    'after',
    `
Examples:
  $ bursar serve                                  # API, docs and sandbox data in ./.bursar
  $ bursar serve --port 8080 --data-dir /var/lib/bursar
  $ BURSAR_API_KEY=bmk_test_… bursar ledger verify
  $ BURSAR_API_KEY=bmk_test_… bursar ledger export --format csv > ledger.csv

Exit codes: 0 ok, 1 failure (e.g. a broken ledger), 2 usage error, 3 API or network error.`,
  );

registerServe(program);
registerMigrate(program);
registerLedger(program);

program.exitOverride((err) => {
  process.exit(err.exitCode === 0 ? 0 : 2);
});
await program.parseAsync(process.argv);
