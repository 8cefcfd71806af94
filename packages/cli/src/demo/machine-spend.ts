import { BursarApiError, type BursarClient, type SpendRequest } from '@bursar/sdk';
import { announceApproval, notPaid, type FlowOptions } from './approval-link.js';
import { startPaidEndpoint } from './paid-endpoint.js';

/** The 402 flow: a local paid API quotes a price, Bursar decides, a human approves if the policy says so, the agent pays and retries. */
export async function machineSpendFlow(client: BursarClient, ask: (q: string) => Promise<string>, opts: FlowOptions): Promise<void> {
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
        if (s.status === 'needs_approval') announceApproval(s, opts);
      },
    });
    const body = (await res.json()) as { report?: string; paid_with?: string };
    process.stdout.write(`◆ Paid and retried: HTTP ${res.status}\n  ${body.report ?? ''}\n  The spend request ${body.paid_with ?? ''} is completed; the ledger has the capture.\n\n`);
  } catch (err) {
    notPaid(err, (err as { spend?: SpendRequest }).spend?.id);
    if (err instanceof BursarApiError && (err.status === 401 || err.status === 403)) throw err;
  } finally {
    await endpoint.close();
  }
}
