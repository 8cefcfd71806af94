import type { Command } from 'commander';
import { apiOptions, client, guarded, int, print, table, usage } from '../api.js';

type Opts = { url?: string; key?: string; json?: boolean };

export function registerWorkspaces(program: Command): void {
  const workspaces = program.command('workspaces').description("Workspaces on this server (the instance's root management key)");

  apiOptions(workspaces.command('list'), 'root management key (env BURSAR_API_KEY)')
    .description('List workspaces, newest first')
    .option('--limit <n>', '1–100', '20')
    .addHelpText('after', '\nExamples:\n  $ bursar workspaces list\n  $ bursar workspaces list --json | jq -r \'.data[].id\'')
    .action((opts: Opts & { limit: string }) =>
      guarded(async () => {
        const page = await client(opts).workspaces.list({ limit: int('--limit', opts.limit)! });
        print(opts, page, () =>
          table(page.data.map((w) => ({ id: w.id, name: w.name, mode: w.livemode ? 'live' : 'sandbox', created: w.created_at })), ['id', 'name', 'mode', 'created']),
        );
      }),
    );

  apiOptions(workspaces.command('plan'), 'root management key (env BURSAR_API_KEY); a workspace\'s own key to read its plan')
    .description("Show a workspace's plan, quotas and usage; with a plan name, put the workspace on it (root key)")
    .argument('<workspace_id>', 'the workspace (ws_…)')
    .argument('[plan]', 'free | pro | self_hosted')
    .addHelpText('after', '\nExamples:\n  $ bursar workspaces plan ws_01h…            # show\n  $ bursar workspaces plan ws_01h… free       # 100 evaluations a day, 1 policy, 1 management key')
    .action((id: string, plan: string | undefined, opts: Opts) =>
      guarded(async () => {
        if (plan !== undefined && !['free', 'pro', 'self_hosted'].includes(plan)) usage(`plan must be free, pro or self_hosted, not '${plan}'`);
        const api = client(opts);
        const p = plan === undefined ? await api.workspaces.plan(id) : await api.workspaces.setPlan(id, plan as 'free' | 'pro' | 'self_hosted');
        const limit = (n: number | null) => (n === null ? 'unlimited' : String(n));
        print(opts, p, () =>
          [
            `${p.workspace_id}: ${p.plan}${plan === undefined ? '' : ' (set)'}`,
            table(
              [
                { quota: 'evaluations per day', limit: limit(p.limits.evaluations_per_day), used: String(p.usage.evaluations_today) },
                { quota: 'policies', limit: limit(p.limits.policies), used: String(p.usage.policies) },
                { quota: 'management keys', limit: limit(p.limits.api_keys), used: String(p.usage.api_keys) },
              ],
              ['quota', 'limit', 'used'],
            ),
          ].join('\n'),
        );
      }),
    );

  apiOptions(workspaces.command('create'), 'root management key (env BURSAR_API_KEY)')
    .description("Create a workspace with its wallet, default policy, agent and card; its keys are shown once")
    .requiredOption('--name <name>', 'the workspace name')
    .addHelpText('after', '\nExamples:\n  $ bursar workspaces create --name "research team"\n  $ bursar workspaces create --name ci --json > ws.json   # the keys are in this output only')
    .action((opts: Opts & { name: string }) =>
      guarded(async () => {
        const w = await client(opts).workspaces.create({ name: opts.name });
        // The keys go to stdout once, in this answer only: nothing else (stderr, logs) repeats them.
        print(opts, w, () =>
          [
            `created workspace ${w.id} (${w.name}, ${w.livemode ? 'live' : 'sandbox'})`,
            `wallet ${w.wallet_id}, policy ${w.policy_id}, agent ${w.agent_id}, card ${w.card_id}`,
            ...(w.management_key ? ['', `  management key: ${w.management_key}`] : []),
            ...(w.spending_key ? [`  spending key (agent ${w.agent_id}): ${w.spending_key}`] : []),
            ...(w.management_key || w.spending_key ? ['', 'Store them now: they are not shown again.'] : []),
          ].join('\n'),
        );
      }),
    );
}
