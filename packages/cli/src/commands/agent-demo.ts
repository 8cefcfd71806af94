import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline/promises';
import { BursarApiError, BursarClient, type SpendRequest } from '@bursar/sdk';
import type { Command } from 'commander';
import { usage } from '../api.js';
import { startPaidEndpoint } from '../demo/paid-endpoint.js';

interface DemoOptions {
  key?: string;
  url?: string;
  browser: boolean;
}

/** Opens a URL with the OS helper, unless the user asked for printing only. */
function openInBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser helper: the URL is printed anyway
  }
}

/** Rewrites the approval link onto BURSAR_DASHBOARD_URL when set, so the tab hits the same environment. */
function dashboardLink(s: SpendRequest): string {
  const base = process.env.BURSAR_DASHBOARD_URL;
  if (!s.approval_url || !base) return s.approval_url ?? '';
  const u = new URL(s.approval_url);
  return `${base.replace(/\/+$/, '')}${u.pathname}${u.search}`;
}

async function machineSpendFlow(client: BursarClient, ask: (q: string) => Promise<string>, opts: DemoOptions): Promise<void> {
  const cents = Number((await ask('Price of the paid API call in cents [5]: ')).trim() || '5');
  if (!Number.isInteger(cents) || cents <= 0) {
    process.stdout.write('  The price must be a positive whole number of cents.\n');
    return;
  }
  const endpoint = await startPaidEndpoint({ priceAtomic: String(cents * 10_000) });
  try {
    const url = `${endpoint.url}/report`;
    process.stdout.write(`\n◆ Started a local paid API at ${url}\n◆ Probing it without payment…\n`);
    const probe = await fetch(url);
    process.stdout.write(`  HTTP ${probe.status}: it asks for ${(cents / 100).toFixed(2)} USD (x402 PAYMENT-REQUIRED)\n◆ Asking Bursar: POST /v1/spend-requests\n`);
    const res = await client.fetchWithSpend(url, {}, {
      reason: 'Agent demo: buy a market report from a paid API',
      intervalMs: 2000,
      onSpendRequest: (s) => {
        process.stdout.write(`  ${s.status}: ${s.decision_reason} [${s.id}]\n`);
        if (s.status === 'needs_approval') {
          const link = dashboardLink(s);
          process.stdout.write(`\n  A human must decide. Approve or decline here:\n    ${link}\n  (or: BURSAR_API_KEY=bmk_… bursar approvals approve ${s.id})\n  Waiting for the decision…\n`);
          if (opts.browser) openInBrowser(link);
        }
      },
    });
    const body = (await res.json()) as { report?: string; paid_with?: string };
    process.stdout.write(`◆ Paid and retried: HTTP ${res.status}\n  ${body.report ?? ''}\n  The spend request ${body.paid_with ?? ''} is completed; the ledger has the capture.\n\n`);
  } catch (err) {
    const spend = (err as { spend?: SpendRequest }).spend;
    process.stdout.write(`◆ Not paid: ${err instanceof Error ? err.message : String(err)}${spend ? ` [${spend.id}]` : ''}\n  Bursar never pays what the policy did not approve.\n\n`);
    if (err instanceof BursarApiError && (err.status === 401 || err.status === 403)) throw err;
  } finally {
    await endpoint.close();
  }
}

export function registerAgentDemo(program: Command): void {
  const agent = program.command('agent').description('Agent walkthroughs');
  agent
    .command('demo')
    .description('Interactive walkthrough of governed agent spend (needs a terminal): an HTTP 402 paid API, a Bursar decision, a human approval, the paid retry')
    .option('--key <key>', 'spending key, bsk_… (env BURSAR_SPEND_KEY or BURSAR_API_KEY)')
    .option('--url <url>', 'API URL (env BURSAR_API_URL, default http://127.0.0.1:4242)')
    .option('--no-browser', 'print approval links only (also BURSAR_DEMO_NO_BROWSER=1)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ BURSAR_SPEND_KEY=bsk_test_… bursar agent demo\n  $ bursar agent demo --key bsk_test_… --no-browser\nEnter a price over 250.00 USD (25000 cents) to see the approval path on the default policy.',
    )
    .action(async (opts: DemoOptions) => {
      if (!process.stdin.isTTY || !process.stdout.isTTY) usage('agent demo is interactive and needs a terminal (TTY); for scripts use `bursar spend create` or the SDK');
      const key = opts.key ?? process.env.BURSAR_SPEND_KEY ?? process.env.BURSAR_API_KEY;
      if (!key) usage('no spending key: set BURSAR_SPEND_KEY or pass --key');
      const browser = opts.browser && process.env.BURSAR_DEMO_NO_BROWSER !== '1';
      const client = new BursarClient({ apiKey: key, baseUrl: opts.url ?? process.env.BURSAR_API_URL ?? 'http://127.0.0.1:4242' });
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        process.stdout.write('\n┌  Bursar agent demo: the model proposes, Bursar decides\n');
        for (;;) {
          const choice = (await rl.question('\n  1) Machine spend: pay an HTTP 402 API through Bursar\n  2) Virtual card checkout (not available yet: cards are not in this server)\n  q) Quit\n› ')).trim();
          if (choice === 'q' || choice === '') break;
          if (choice === '1') await machineSpendFlow(client, (q) => rl.question(q), { ...opts, browser });
          else if (choice === '2') process.stdout.write('  Cards are not implemented on this server yet.\n');
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
