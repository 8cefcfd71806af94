import type { Card } from '@bursar/sdk';
import type { Command } from 'commander';
import { apiOptions, client, guarded, int, print, table, usage } from '../api.js';

const cardStatuses = ['active', 'frozen', 'cancelled', 'used'] as const;

/** A card's amounts are in its policy's currency, which the card does not carry: 12000 → "120.00". */
const amount = (cents: number) => (cents / 100).toFixed(2);

/** One line for people: never the number or CVC, which the API does not show either. */
export function cardLine(c: Card): string {
  const limit = c.spend_limit_cents === null ? 'no card limit' : `limit ${amount(c.spend_limit_cents)}`;
  return `${c.id}  ${c.status}  ${c.brand} •••• ${c.last4}  ${c.type}  ${limit}, held ${amount(c.held_cents)}, spent ${amount(c.spent_cents)}`;
}

type Opts = { url?: string; key?: string; json?: boolean };

export function registerCards(program: Command): void {
  const cards = program.command('cards').description('Proxy cards under policies (management key)');

  apiOptions(cards.command('list'))
    .description('List cards, newest first (last4 and expiry only)')
    .option('--policy <policy_id>', 'only cards under this policy')
    .option('--status <status>', cardStatuses.join(', '))
    .option('--limit <n>', '1–100', '20')
    .addHelpText('after', '\nExamples:\n  $ bursar cards list\n  $ bursar cards list --status frozen --json | jq -r \'.data[].id\'')
    .action((opts: Opts & { policy?: string; status?: string; limit: string }) =>
      guarded(async () => {
        if (opts.status !== undefined && !(cardStatuses as readonly string[]).includes(opts.status)) usage(`--status must be one of ${cardStatuses.join(', ')}`);
        const page = await client(opts).cards.list({
          limit: int('--limit', opts.limit)!,
          ...(opts.policy ? { policy_id: opts.policy } : {}),
          ...(opts.status ? { status: opts.status as (typeof cardStatuses)[number] } : {}),
        });
        print(opts, page, () =>
          table(
            page.data.map((c) => ({
              id: c.id, status: c.status, type: c.type, card: `${c.brand} ${c.last4}`, expiry: `${String(c.exp_month).padStart(2, '0')}/${c.exp_year}`,
              limit: c.spend_limit_cents === null ? '' : amount(c.spend_limit_cents), held: amount(c.held_cents), policy: c.policy_id, name: c.name,
            })),
            ['id', 'status', 'type', 'card', 'expiry', 'limit', 'held', 'policy', 'name'],
          ),
        );
      }),
    );

  apiOptions(cards.command('create'))
    .description('Issue a card under a policy (its number and CVC are never shown: checkout intents use just-in-time credentials)')
    .requiredOption('--policy <policy_id>', 'the policy it spends under')
    .option('--type <type>', 'multi_use or single_use', 'multi_use')
    .option('--spend-limit <cents>', "the card's own limit in cents (the policy's budgets apply as well)")
    .option('--agent <agent_id>', 'the agent it spends as (default: a new cardholder agent under the policy)')
    .option('--name <name>', 'a label')
    .addHelpText('after', '\nExamples:\n  $ bursar cards create --policy pol_… --spend-limit 50000 --name "travel"\n  $ bursar cards create --policy pol_… --type single_use --json | jq -r .id')
    .action((opts: Opts & { policy: string; type: string; spendLimit?: string; agent?: string; name?: string }) =>
      guarded(async () => {
        if (opts.type !== 'multi_use' && opts.type !== 'single_use') usage('--type must be multi_use or single_use');
        const limit = int('--spend-limit', opts.spendLimit);
        const c = await client(opts).cards.create({
          policy_id: opts.policy,
          type: opts.type,
          ...(limit !== undefined ? { spend_limit_cents: limit } : {}),
          ...(opts.agent ? { agent_id: opts.agent } : {}),
          ...(opts.name ? { name: opts.name } : {}),
        });
        print(opts, c, () => `created ${cardLine(c)}`);
      }),
    );

  const transitions = {
    freeze: 'Freeze a card: its authorizations are declined until unfrozen (checkout intents it funds keep their holds)',
    unfreeze: 'Unfreeze a frozen card',
    cancel: 'Cancel a card for good: checkout intents it funds are cancelled and release their holds',
  } as const;
  for (const action of ['freeze', 'unfreeze', 'cancel'] as const) {
    apiOptions(cards.command(action))
      .description(transitions[action])
      .argument('<card_id>', 'the card (card_…)')
      .addHelpText('after', `\nExample:\n  $ bursar cards ${action} card_…`)
      .action((id: string, opts: Opts) =>
        guarded(async () => {
          const c = await client(opts).cards[action](id);
          print(opts, c, () => cardLine(c));
        }),
      );
  }
}
