import { createServer, type IncomingMessage } from 'node:http';
import type { BursarClient, CardAuthorization } from '@bursar/sdk';
import { listenLocally } from './local-server.js';

/**
 * A local shop for the demo and the tests, selling one thing at one price. Its checkout takes a
 * card (`POST /checkout {card_number, cvc, exp_month, exp_year}`) and charges it as a card
 * network would: an authorization through Bursar's sandbox network simulator, then a capture.
 */
export interface SandboxMerchant {
  url: string;
  name: string;
  close(): Promise<void>;
}

/** What the shop's checkout answers: 200 with the captured charge, 402 with why the card was declined. */
export interface CheckoutReceipt {
  paid: boolean;
  authorization_id?: string;
  status?: CardAuthorization['status'];
  amount_cents?: number;
  decline_code?: string | null;
  error?: string;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** `network` is a management-key client: the simulator's endpoints are the card network's side, not the agent's. */
export async function startSandboxMerchant(opts: { network: BursarClient; name: string; amountCents: number; currency: string }): Promise<SandboxMerchant> {
  const server = createServer((req, res) => {
    const answer = (status: number, body: CheckoutReceipt | Record<string, unknown>) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/') {
      answer(200, { merchant: opts.name, amount_cents: opts.amountCents, currency: opts.currency, checkout: '/checkout' });
      return;
    }
    if (req.method !== 'POST' || req.url !== '/checkout') {
      answer(404, { error: 'not found' });
      return;
    }
    void (async () => {
      const card = await readJson(req);
      if (typeof card.card_number !== 'string') return answer(400, { paid: false, error: 'card_number is required' });
      const auth = await opts.network.sandboxCardAuthorizations.create({
        card_number: card.card_number, merchant_name: opts.name, amount_cents: opts.amountCents, currency: opts.currency,
      });
      if (auth.status !== 'approved') {
        return answer(402, { paid: false, authorization_id: auth.id, status: auth.status, decline_code: auth.decline_code, error: auth.decline_reason ?? 'declined' });
      }
      const captured = await opts.network.sandboxCardAuthorizations.capture(auth.id);
      answer(200, { paid: true, authorization_id: captured.id, status: captured.status, amount_cents: captured.captured_amount_cents ?? opts.amountCents });
    })().catch((err: unknown) => answer(502, { paid: false, error: `the card network failed: ${err instanceof Error ? err.message : String(err)}` }));
  });
  const local = await listenLocally(server);
  return { url: local.url, name: opts.name, close: local.close };
}
