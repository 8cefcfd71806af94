#!/usr/bin/env node
import { Command } from 'commander';
import { registerAgentDemo } from './commands/agent-demo.js';
import { registerApprovals } from './commands/approvals.js';
import { registerAudit } from './commands/audit.js';
import { registerBackup } from './commands/backup.js';
import { registerBalance } from './commands/balance.js';
import { registerCards } from './commands/cards.js';
import { registerDoctor } from './commands/doctor.js';
import { registerKeys } from './commands/keys.js';
import { registerLedger } from './commands/ledger.js';
import { registerMcp } from './commands/mcp.js';
import { registerMigrate } from './commands/migrate.js';
import { registerServe } from './commands/serve.js';
import { registerSpend } from './commands/spend.js';
import { registerTransfers } from './commands/transfers.js';
import { registerWebhooks } from './commands/webhooks.js';
import { registerWorkspaces } from './commands/workspaces.js';

// A reader that closed early (`bursar ledger export | head`) wants no more output: end quietly
// instead of dying on the unhandled EPIPE, whichever command was writing.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

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
  $ BURSAR_API_KEY=bmk_test_… bursar approvals list
  $ BURSAR_API_KEY=bsk_test_… bursar spend create --amount 12000 --merchant AWS --reason "GPU runtime"
  $ BURSAR_API_KEY=bsk_test_… bursar mcp          # MCP tools over stdio
  $ BURSAR_SPEND_KEY=bsk_test_… bursar agent demo  # interactive walkthrough
  $ BURSAR_API_KEY=bmk_test_… bursar ledger verify
  $ BURSAR_API_KEY=bmk_test_… bursar ledger export --format csv > ledger.csv
  $ BURSAR_API_KEY=bmk_live_… bursar doctor --markdown > go-live.md
  $ bursar backup /backups/bursar.db --data-dir /var/lib/bursar

Exit codes: 0 ok, 1 failure (e.g. a broken ledger), 2 usage error, 3 API or network error.`,
  );

// Before the commands are added, so every subcommand inherits it: usage errors exit 2.
program.exitOverride((err) => {
  process.exit(err.exitCode === 0 ? 0 : 2);
});

registerServe(program);
registerMigrate(program);
registerKeys(program);
registerSpend(program);
registerApprovals(program);
registerBalance(program);
registerLedger(program);
registerWebhooks(program);
registerCards(program);
registerTransfers(program);
registerWorkspaces(program);
registerAudit(program);
registerDoctor(program);
registerBackup(program);
registerMcp(program);
registerAgentDemo(program);

await program.parseAsync(process.argv);
