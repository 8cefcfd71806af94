import type { Command } from 'commander';
import { apiOptions, client, guarded, int, print, table } from '../api.js';

export function registerWebhooks(program: Command): void {
  const webhooks = program.command('webhooks').description('Webhook endpoints and their delivery log (management key)');

  apiOptions(webhooks.command('list'))
    .description('List webhook endpoints (never their secrets)')
    .addHelpText('after', '\nExamples:\n  $ bursar webhooks list\n  $ bursar webhooks list --json')
    .action((opts: { url?: string; key?: string; json?: boolean }) =>
      guarded(async () => {
        const page = await client(opts).webhooks.list({ limit: 100 });
        print(opts, page, () =>
          table(page.data.map((w) => ({ id: w.id, status: w.status, url: w.url, events: w.events.join(',') })), ['id', 'status', 'url', 'events']),
        );
      }),
    );

  apiOptions(webhooks.command('deliveries'))
    .description('Delivery attempts of one endpoint, newest first')
    .argument('<webhook_id>', 'the endpoint (whk_…)')
    .option('--failed', 'only failed attempts')
    .option('--limit <n>', '1–100', '20')
    .addHelpText('after', '\nExamples:\n  $ bursar webhooks deliveries whk_…\n  $ bursar webhooks deliveries whk_… --failed --json')
    .action((id: string, opts: { url?: string; key?: string; json?: boolean; failed?: boolean; limit: string }) =>
      guarded(async () => {
        const page = await client(opts).webhooks.deliveries(id, { limit: int('--limit', opts.limit)!, ...(opts.failed ? { succeeded: false } : {}) });
        print(opts, page, () =>
          table(
            page.data.map((d) => ({
              delivery: d.delivery_id, event: d.event_type, attempt: d.attempt, status: d.status_code ?? d.error ?? '', ok: d.succeeded ? 'yes' : 'no', at: d.created_at,
            })),
            ['delivery', 'event', 'attempt', 'status', 'ok', 'at'],
          ),
        );
      }),
    );
}
