import type { Command } from 'commander';
import { apiOptions, client, guarded, money, print } from '../api.js';

export function registerBalance(program: Command): void {
  apiOptions(program.command('balance'), 'spending key, or management key with --agent (env BURSAR_API_KEY)')
    .description("An agent's wallet and remaining budgets")
    .option('--agent <agent_id>', 'the agent (needed with a management key)')
    .addHelpText('after', '\nExamples:\n  $ BURSAR_API_KEY=bsk_test_… bursar balance\n  $ bursar balance --agent agt_… --json')
    .action((opts: { url?: string; key?: string; json?: boolean; agent?: string }) =>
      guarded(async () => {
        const b = await client(opts).getBalance(opts.agent ? { agent_id: opts.agent } : {});
        print(opts, b, () =>
          [
            `agent ${b.agent_id}: ${money(b.wallet.available_cents, b.currency)} available, ${money(b.wallet.held_cents, b.currency)} held`,
            ...b.budgets.map((x) => `  ${x.period.padEnd(8)} ${money(x.remaining_cents, b.currency)} left of ${money(x.limit_cents, b.currency)}${x.resets_at ? ` (resets ${x.resets_at})` : ''}`),
          ].join('\n'),
        );
      }),
    );
}
