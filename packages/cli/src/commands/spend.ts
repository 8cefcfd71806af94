import { newIdempotencyKey, type SpendRequest } from '@bursar/sdk';
import type { Command } from 'commander';
import { apiOptions, client, guarded, int, money, print, table, usage } from '../api.js';

/** One line per spend request, for people. */
export function spendLine(s: SpendRequest): string {
  const lines = [`${s.id}  ${s.status}  ${money(s.amount_cents, s.currency)} to ${s.merchant_name}: ${s.decision_reason}`];
  if (s.remaining_budget_cents !== null) lines.push(`remaining ${s.budget_period} budget: ${money(s.remaining_budget_cents, s.currency)}`);
  if (s.status === 'needs_approval' && s.approval_url) lines.push(`a human must decide: ${s.approval_url}`);
  return lines.join('\n');
}

export function registerSpend(program: Command): void {
  const spend = program.command('spend').description('Ask to spend and look up spend requests');

  apiOptions(spend.command('create'), 'spending key, bsk_… (env BURSAR_API_KEY)')
    .description('Ask to spend (spending key): prints the decision; exit 0 whatever the decision, 3 on an API error')
    .requiredOption('--amount <cents>', 'amount in cents (integer)')
    .requiredOption('--merchant <name>', 'merchant name or domain')
    .requiredOption('--reason <text>', 'why the money is needed')
    .option('--currency <code>', 'ISO 4217 code', 'usd')
    .option('--category <category>', 'spend category')
    .option('--idempotency-key <key>', 'reuse to retry the same intent safely (default: a new one)')
    .option('--wait', 'if it needs approval, wait for the decision')
    .option('--timeout <seconds>', 'with --wait, how long to wait', '600')
    .addHelpText(
      'after',
      '\nExamples:\n  $ BURSAR_API_KEY=bsk_test_… bursar spend create --amount 12000 --merchant AWS --reason "GPU runtime"\n  $ bursar spend create --amount 60000 --merchant OpenAI --reason "API credits" --wait --json',
    )
    .action(
      (opts: { url?: string; key?: string; json?: boolean; amount: string; merchant: string; reason: string; currency: string; category?: string; idempotencyKey?: string; wait?: boolean; timeout: string }) =>
        guarded(async () => {
          const amount = int('--amount', opts.amount)!;
          if (amount <= 0) usage('--amount must be positive');
          const c = client(opts);
          let s = await c.createSpend(
            { amount_cents: amount, currency: opts.currency, merchant_name: opts.merchant, reason: opts.reason, ...(opts.category ? { category: opts.category } : {}) },
            { idempotencyKey: opts.idempotencyKey ?? newIdempotencyKey() },
          );
          if (opts.wait && s.status === 'needs_approval') {
            if (!opts.json) process.stderr.write(`${spendLine(s)}\nwaiting for the decision…\n`);
            s = await c.waitForDecision(s.id, { timeoutMs: int('--timeout', opts.timeout)! * 1000 });
          }
          print(opts, s, () => spendLine(s));
        }),
    );

  apiOptions(spend.command('get'), 'spending or management key (env BURSAR_API_KEY)')
    .description('Show a spend request')
    .argument('<id>', 'the spend request id (req_…)')
    .option('--wait', 'wait until it is no longer needs_approval')
    .option('--timeout <seconds>', 'with --wait, how long to wait', '600')
    .addHelpText('after', '\nExamples:\n  $ bursar spend get req_…\n  $ bursar spend get req_… --wait --json | jq -r .status')
    .action((id: string, opts: { url?: string; key?: string; json?: boolean; wait?: boolean; timeout: string }) =>
      guarded(async () => {
        const c = client(opts);
        const s = opts.wait ? await c.waitForDecision(id, { timeoutMs: int('--timeout', opts.timeout)! * 1000 }) : await c.getSpend(id);
        print(opts, s, () => spendLine(s));
      }),
    );

  apiOptions(spend.command('list'), 'spending or management key (env BURSAR_API_KEY)')
    .description('List spend requests, newest first')
    .option('--status <status>', 'approved, declined, needs_approval, completed, cancelled, failed or expired')
    .option('--agent <agent_id>', 'only this agent (management key)')
    .option('--merchant <name>', 'only this merchant')
    .option('--limit <n>', '1–100', '20')
    .addHelpText('after', '\nExamples:\n  $ bursar spend list --status needs_approval\n  $ bursar spend list --merchant AWS --json | jq \'.data[].id\'')
    .action((opts: { url?: string; key?: string; json?: boolean; status?: string; agent?: string; merchant?: string; limit: string }) =>
      guarded(async () => {
        const page = await client(opts).listSpend({
          limit: int('--limit', opts.limit)!,
          ...(opts.status ? { status: opts.status as SpendRequest['status'] } : {}),
          ...(opts.agent ? { agent_id: opts.agent } : {}),
          ...(opts.merchant ? { merchant: opts.merchant } : {}),
        });
        print(opts, page, () =>
          table(
            page.data.map((s) => ({ id: s.id, status: s.status, amount: money(s.amount_cents, s.currency), merchant: s.merchant_name, agent: s.agent_id, created: s.created_at })),
            ['id', 'status', 'amount', 'merchant', 'agent', 'created'],
          ),
        );
      }),
    );
}
