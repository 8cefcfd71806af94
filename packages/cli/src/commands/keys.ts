import type { Command } from 'commander';
import { apiOptions, client, guarded, print, table, usage } from '../api.js';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Create, list and revoke API keys (management key)');

  apiOptions(keys.command('create'))
    .description('Create a spending key for an agent (--agent) or a management key (--management); the key is shown once')
    .option('--agent <agent_id>', 'the agent the spending key spends for')
    .option('--management', 'create a management key instead')
    .option('--name <name>', 'a label')
    .addHelpText('after', '\nExamples:\n  $ bursar keys create --agent agt_… --name "research bot"\n  $ bursar keys create --management --name ci --json | jq -r .key')
    .action((opts: { url?: string; key?: string; json?: boolean; agent?: string; management?: boolean; name?: string }) =>
      guarded(async () => {
        if (!opts.agent === !opts.management) usage('pass either --agent <agent_id> or --management');
        const k = await client(opts).apiKeys.create({
          ...(opts.management ? { type: 'management' as const } : { agent_id: opts.agent! }),
          ...(opts.name ? { name: opts.name } : {}),
        });
        print(opts, k, () => `created ${k.type} key ${k.id}${k.agent_id ? ` for ${k.agent_id}` : ''}\n\n  ${k.key}\n\nStore it now: it is not shown again.`);
      }),
    );

  apiOptions(keys.command('list'))
    .description('List keys, newest first (never their secrets)')
    .option('--agent <agent_id>', 'only this agent\'s keys')
    .addHelpText('after', '\nExamples:\n  $ bursar keys list\n  $ bursar keys list --agent agt_… --json')
    .action((opts: { url?: string; key?: string; json?: boolean; agent?: string }) =>
      guarded(async () => {
        const page = await client(opts).apiKeys.list({ limit: 100, ...(opts.agent ? { agent_id: opts.agent } : {}) });
        print(opts, page, () =>
          table(
            page.data.map((k) => ({ id: k.id, type: k.type, prefix: k.prefix, agent: k.agent_id, name: k.name, status: k.revoked_at ? 'revoked' : 'active' })),
            ['id', 'type', 'prefix', 'agent', 'name', 'status'],
          ),
        );
      }),
    );

  apiOptions(keys.command('revoke'))
    .description('Revoke a key at once')
    .argument('<key_id>', 'the key id (key_…)')
    .addHelpText('after', '\nExample:\n  $ bursar keys revoke key_…')
    .action((id: string, opts: { url?: string; key?: string; json?: boolean }) =>
      guarded(async () => {
        const k = await client(opts).apiKeys.revoke(id);
        print(opts, k, () => `revoked ${k.id} (${k.prefix}…)`);
      }),
    );
}
