import type { Command } from 'commander';
import { apiOptions, client, guarded, int, print, table } from '../api.js';

type Opts = { url?: string; key?: string; json?: boolean };

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('The append-only audit log (management key)');

  apiOptions(audit.command('list'))
    .description('Who did what to which object, newest first (bursar ledger export --audit writes all of it, oldest first)')
    .option('--action <action>', 'only this action, such as key.revoked or card.cancelled')
    .option('--object <object_id>', "only entries about this object (its history)")
    .option('--actor <key_id>', 'only entries by this key')
    .option('--limit <n>', '1–100', '20')
    .addHelpText('after', '\nExamples:\n  $ bursar audit list\n  $ bursar audit list --object card_… --json\n  $ bursar audit list --action approval.approved_with_override')
    .action((opts: Opts & { action?: string; object?: string; actor?: string; limit: string }) =>
      guarded(async () => {
        const page = await client(opts).auditLog.list({
          limit: int('--limit', opts.limit)!,
          ...(opts.action ? { action: opts.action } : {}),
          ...(opts.object ? { object_id: opts.object } : {}),
          ...(opts.actor ? { actor_id: opts.actor } : {}),
        });
        print(opts, page, () =>
          table(
            page.data.map((e) => ({ id: e.id, at: e.created_at, actor: e.actor_id ? `${e.actor_type} ${e.actor_id}` : e.actor_type, action: e.action, object: e.object_id })),
            ['id', 'at', 'actor', 'action', 'object'],
          ),
        );
      }),
    );
}
