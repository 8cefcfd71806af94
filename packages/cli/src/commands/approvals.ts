import type { Approval, BursarClient } from '@bursar/sdk';
import type { Command } from 'commander';
import { apiOptions, client, guarded, money, print, table } from '../api.js';

/** Accepts an approval id (apr_…) or the spend request id (req_…) it decides. */
async function approvalId(c: BursarClient, id: string): Promise<string> {
  if (!id.startsWith('req_')) return id;
  const s = await c.getSpend(id);
  return s.approval_id ?? id;
}

/** "1 of 2 approvals" when the policy asks several operators; nothing when one decides. */
const quorum = (a: Approval) => (a.approvals_required > 1 ? `  ${a.approvals.length} of ${a.approvals_required} approvals` : '');

const line = (a: Approval) =>
  `${a.id}  ${a.status}${quorum(a)}  ${money(a.amount_cents, a.currency)} to ${a.merchant_name} for ${a.agent_name} (${a.spend_request_id})${a.note ? ` — ${a.note}` : ''}`;

export function registerApprovals(program: Command): void {
  const approvals = program.command('approvals').description('Review and decide spend requests that need a human (management key)');

  apiOptions(approvals.command('list'))
    .description('List approvals, newest first (pending by default)')
    .option('--status <status>', 'pending, approved, declined, expired, or all', 'pending')
    .addHelpText('after', '\nExamples:\n  $ bursar approvals list\n  $ bursar approvals list --status all --json')
    .action((opts: { url?: string; key?: string; json?: boolean; status: string }) =>
      guarded(async () => {
        const page = await client(opts).approvals.list({ limit: 100, ...(opts.status === 'all' ? {} : { status: opts.status as Approval['status'] }) });
        print(opts, page, () =>
          table(
            page.data.map((a) => ({
              id: a.id, status: a.status, amount: money(a.amount_cents, a.currency), merchant: a.merchant_name, agent: a.agent_name,
              reason: a.reason, over_budget_by: a.exceeds_budget_by_cents > 0 ? money(a.exceeds_budget_by_cents, a.currency) : '',
            })),
            ['id', 'status', 'amount', 'merchant', 'agent', 'reason', 'over_budget_by'],
          ),
        );
      }),
    );

  apiOptions(approvals.command('approve'))
    .description('Approve a pending request (the budget is re-checked; 409 budget_exceeded if it no longer fits). A policy asking several operators keeps it pending until that many distinct keys approved')
    .argument('<id>', 'approval id (apr_…) or spend request id (req_…)')
    .option('--note <note>', 'recorded with the decision')
    .option('--override-budget', 'approve even though it exceeds the budget (audited)')
    .addHelpText('after', '\nExamples:\n  $ bursar approvals approve apr_… --note "ok for launch"\n  $ bursar approvals approve req_… --override-budget')
    .action((id: string, opts: { url?: string; key?: string; json?: boolean; note?: string; overrideBudget?: boolean }) =>
      guarded(async () => {
        const c = client(opts);
        const a = await c.approvals.approve(await approvalId(c, id), { ...(opts.note ? { note: opts.note } : {}), ...(opts.overrideBudget ? { override_budget: true } : {}) });
        print(opts, a, () => line(a));
      }),
    );

  apiOptions(approvals.command('decline'))
    .description('Decline a pending request')
    .argument('<id>', 'approval id (apr_…) or spend request id (req_…)')
    .option('--note <note>', 'recorded with the decision')
    .addHelpText('after', '\nExample:\n  $ bursar approvals decline apr_… --note "not in this quarter\'s plan"')
    .action((id: string, opts: { url?: string; key?: string; json?: boolean; note?: string }) =>
      guarded(async () => {
        const c = client(opts);
        const a = await c.approvals.decline(await approvalId(c, id), opts.note ? { note: opts.note } : {});
        print(opts, a, () => line(a));
      }),
    );
}
