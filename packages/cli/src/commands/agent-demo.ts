import { createInterface } from 'node:readline/promises';
import { BursarApiError, BursarClient } from '@bursar/sdk';
import type { Command } from 'commander';
import { usage } from '../api.js';
import { cardCheckoutFlow } from '../demo/card-checkout.js';
import { machineSpendFlow } from '../demo/machine-spend.js';

interface DemoOptions {
  key?: string;
  merchantKey?: string;
  url?: string;
  browser: boolean;
}

/** The sandbox merchant's management key: --merchant-key, else BURSAR_API_KEY when that holds one. */
function merchantKeyOf(opts: DemoOptions): string | undefined {
  if (opts.merchantKey !== undefined) {
    if (!opts.merchantKey.startsWith('bmk_')) usage('--merchant-key must be a management key (bmk_…): the sandbox card network takes no spending key');
    return opts.merchantKey;
  }
  const env = process.env.BURSAR_API_KEY;
  return env?.startsWith('bmk_') ? env : undefined;
}

export function registerAgentDemo(program: Command): void {
  const agent = program.command('agent').description('Agent walkthroughs');
  agent
    .command('demo')
    .description(
      'Interactive walkthrough of governed agent spend (needs a terminal): an HTTP 402 paid API, or a virtual card checkout at a sandbox merchant; a Bursar decision, a human approval, the payment',
    )
    .option('--key <key>', 'spending key, bsk_… (env BURSAR_SPEND_KEY or BURSAR_API_KEY)')
    .option('--merchant-key <key>', 'management key, bmk_…, the sandbox merchant charges cards with (default: BURSAR_API_KEY when it is one)')
    .option('--url <url>', 'API URL (env BURSAR_API_URL, default http://127.0.0.1:4242)')
    .option('--no-browser', 'print approval links only (also BURSAR_DEMO_NO_BROWSER=1)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ BURSAR_SPEND_KEY=bsk_test_… bursar agent demo\n  $ BURSAR_SPEND_KEY=bsk_test_… BURSAR_API_KEY=bmk_test_… bursar agent demo   # the card flow too\n  $ bursar agent demo --key bsk_test_… --merchant-key bmk_test_… --no-browser\nEnter a price over 250.00 USD (25000 cents) to see the approval path on the default policy.',
    )
    .action(async (opts: DemoOptions) => {
      if (!process.stdin.isTTY || !process.stdout.isTTY) usage('agent demo is interactive and needs a terminal (TTY); for scripts use `bursar spend create` or the SDK');
      const key = opts.key ?? process.env.BURSAR_SPEND_KEY ?? process.env.BURSAR_API_KEY;
      if (!key) usage('no spending key: set BURSAR_SPEND_KEY or pass --key');
      const merchantKey = merchantKeyOf(opts);
      const browser = opts.browser && process.env.BURSAR_DEMO_NO_BROWSER !== '1';
      const baseUrl = opts.url ?? process.env.BURSAR_API_URL ?? 'http://127.0.0.1:4242';
      const client = new BursarClient({ apiKey: key, baseUrl });
      const network = merchantKey === undefined ? undefined : new BursarClient({ apiKey: merchantKey, baseUrl });
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      const ask = (q: string) => rl.question(q);
      try {
        process.stdout.write('\n┌  Bursar agent demo: the model proposes, Bursar decides\n');
        for (;;) {
          const choice = (
            await ask('\n  1) Machine spend: pay an HTTP 402 API through Bursar\n  2) Virtual card checkout: a single-use card for one merchant and amount\n  q) Quit\n› ')
          ).trim();
          if (choice === 'q' || choice === '') break;
          if (choice === '1') await machineSpendFlow(client, ask, { browser });
          else if (choice === '2') await cardCheckoutFlow(client, network, ask, { browser });
          else process.stdout.write('  Choose 1, 2 or q.\n');
        }
        process.stdout.write('└  Bye.\n');
      } catch (err) {
        if (err instanceof BursarApiError) {
          process.stderr.write(`bursar: ${err.code}: ${err.message}\n`);
          process.exitCode = 3;
        } else throw err;
      } finally {
        rl.close();
      }
    });
}
