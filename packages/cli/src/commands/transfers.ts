import { newIdempotencyKey, type Transfer } from '@bursar/sdk';
import type { Command } from 'commander';
import { apiOptions, client, guarded, int, money, print, table, usage } from '../api.js';

function transferLine(t: Transfer): string {
  const other = t.direction === 'outgoing' ? `to ${t.to_workspace_id}` : `from ${t.from_workspace_id}`;
  return `${t.id}  ${t.status}  ${t.direction} ${money(t.amount_cents, t.currency)} ${other}: ${t.description}`;
}

type Opts = { url?: string; key?: string; json?: boolean };

export function registerTransfers(program: Command): void {
  const transfers = program.command('transfers').description('Money between workspaces on this server (management key)');

  apiOptions(transfers.command('list'))
    .description("Transfers this workspace sent or received, newest first")
    .option('--direction <direction>', 'outgoing or incoming')
    .option('--limit <n>', '1–100', '20')
    .addHelpText('after', '\nExamples:\n  $ bursar transfers list\n  $ bursar transfers list --direction incoming --json')
    .action((opts: Opts & { direction?: string; limit: string }) =>
      guarded(async () => {
        if (opts.direction !== undefined && opts.direction !== 'outgoing' && opts.direction !== 'incoming') usage('--direction must be outgoing or incoming');
        const page = await client(opts).transfers.list({
          limit: int('--limit', opts.limit)!,
          ...(opts.direction ? { direction: opts.direction as 'outgoing' | 'incoming' } : {}),
        });
        print(opts, page, () =>
          table(
            page.data.map((t) => ({
              id: t.id, direction: t.direction, amount: money(t.amount_cents, t.currency),
              workspace: t.direction === 'outgoing' ? t.to_workspace_id : t.from_workspace_id, description: t.description, created: t.created_at,
            })),
            ['id', 'direction', 'amount', 'workspace', 'description', 'created'],
          ),
        );
      }),
    );

  apiOptions(transfers.command('create'))
    .description("Move money from this workspace's wallet to another workspace's, in one ledger transaction on each side")
    .requiredOption('--to <workspace_id>', 'the receiving workspace (ws_…)')
    .requiredOption('--amount <cents>', 'amount in cents (integer)')
    .requiredOption('--description <text>', 'what it is for')
    .option('--currency <code>', 'ISO 4217 code', 'usd')
    .option('--idempotency-key <key>', 'reuse to retry the same transfer safely (default: a new one)')
    .addHelpText('after', '\nExamples:\n  $ bursar transfers create --to ws_… --amount 50000 --description "Q3 budget for research"\n  $ bursar transfers create --to ws_… --amount 100 --description test --idempotency-key t-1 --json')
    .action((opts: Opts & { to: string; amount: string; description: string; currency: string; idempotencyKey?: string }) =>
      guarded(async () => {
        const amount = int('--amount', opts.amount)!;
        if (amount <= 0) usage('--amount must be positive');
        const t = await client(opts).transfers.create(
          { to_workspace_id: opts.to, amount_cents: amount, currency: opts.currency, description: opts.description },
          { idempotencyKey: opts.idempotencyKey ?? newIdempotencyKey() },
        );
        print(opts, t, () => transferLine(t));
      }),
    );
}
