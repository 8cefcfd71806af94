import { createServer, type Server } from 'node:http';
import { listenLocally } from './local-server.js';

/**
 * A local paid API for the demo and the tests: answers HTTP 402 with x402 payment requirements
 * (v2 PAYMENT-REQUIRED header and, for v1 clients, the same requirements as a JSON body) until
 * a request carries a payment header (PAYMENT-SIGNATURE or X-PAYMENT) for the quoted amount.
 */
export interface PaidEndpoint {
  url: string;
  /** Payments accepted so far (decoded payment headers). */
  payments: Array<Record<string, unknown>>;
  /** Requests answered 402. */
  challenges: number;
  close(): Promise<void>;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
const unb64 = (s: string) => JSON.parse(Buffer.from(s, 'base64').toString('utf8')) as Record<string, unknown>;

/** `priceAtomic` is in USDC atomic units (6 decimals): 50000 is $0.05. `version` picks the 402 dialect. */
export async function startPaidEndpoint(opts: { priceAtomic: string; version?: 1 | 2; payTo?: string } = { priceAtomic: '50000' }): Promise<PaidEndpoint> {
  const version = opts.version ?? 2;
  const state: PaidEndpoint = { url: '', payments: [], challenges: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const resource = `http://${req.headers.host}${req.url}`;
    const requirement = {
      scheme: 'exact',
      network: 'sandbox',
      asset: 'USDC',
      payTo: opts.payTo ?? '0xBursarDemoMerchant',
      maxTimeoutSeconds: 600,
      extra: { name: 'Bursar demo data API', decimals: 6 },
      ...(version === 2 ? { amount: opts.priceAtomic } : { maxAmountRequired: opts.priceAtomic, resource, description: 'A market report', mimeType: 'application/json' }),
    };
    const header = req.headers['payment-signature'] ?? req.headers['x-payment'];
    if (typeof header === 'string') {
      try {
        const payment = unb64(header);
        const payload = payment.payload as Record<string, unknown> | undefined;
        if (payload?.sandbox === true && payload.amount === opts.priceAtomic && typeof payload.spend_request_id === 'string') {
          state.payments.push(payment);
          res.writeHead(200, { 'content-type': 'application/json', 'payment-response': b64({ success: true, transaction: `sandbox_${payload.spend_request_id}` }) });
          res.end(JSON.stringify({ report: 'GPU prices fell 3% this week', paid_with: payload.spend_request_id }));
          return;
        }
      } catch {
        // an unreadable payment is no payment
      }
    }
    state.challenges++;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (version === 2) headers['payment-required'] = b64({ x402Version: 2, error: 'payment required', resource: { url: resource, description: 'A market report' }, accepts: [requirement] });
    res.writeHead(402, headers);
    res.end(JSON.stringify(version === 2 ? { error: 'payment required' } : { x402Version: 1, error: 'X-PAYMENT header is required', accepts: [requirement] }));
  });
  const local = await listenLocally(server);
  state.url = local.url;
  state.close = local.close;
  return state;
}
