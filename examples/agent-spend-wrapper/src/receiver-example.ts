// A verified webhook receiver: Bursar pushes spend_request.approved / .declined when a human
// decides, so the agent resumes without polling. Verifies the Standard Webhooks signature over
// the raw body and dedupes on webhook-id (deliveries are at least once).
//
//   BURSAR_WEBHOOK_SECRET=whsec_… PORT=8789 npm run receiver
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { verifyWebhook, WebhookVerificationError } from '@bursar/sdk';

/** What a receiver hands to your code: the verified event. */
export interface SpendEvent {
  id: string;
  type: string;
  created_at: string;
  livemode: boolean;
  data: { object: { id: string; status?: string; [k: string]: unknown } };
}

/** A receiver on POST /webhooks; `onEvent` runs once per event id. */
export function createReceiver(secret: string, onEvent: (event: SpendEvent) => void | Promise<void>): Server {
  const seen = new Set<string>(); // a database table in production
  return createServer((req, res) => {
    if (req.method !== 'POST') return res.writeHead(405).end();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let event: SpendEvent;
      try {
        event = verifyWebhook<SpendEvent>(secret, raw, req.headers);
      } catch (err) {
        res.writeHead(err instanceof WebhookVerificationError ? 400 : 500).end();
        return;
      }
      if (!seen.has(event.id)) {
        seen.add(event.id);
        await onEvent(event);
      }
      res.writeHead(204).end();
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const secret = process.env.BURSAR_WEBHOOK_SECRET;
  if (!secret) {
    console.error('Set BURSAR_WEBHOOK_SECRET to the whsec_ secret shown when you registered the endpoint');
    process.exit(2);
  }
  const port = Number(process.env.PORT ?? 8789);
  createReceiver(secret, (e) => {
    if (e.type === 'spend_request.approved') console.log(`approved: ${e.data.object.id}; the agent may proceed`);
    else if (e.type === 'spend_request.declined') console.log(`declined: ${e.data.object.id}; tell the agent not to pay`);
    else console.log(`${e.type}: ${e.data.object.id}`);
  }).listen(port, '127.0.0.1', () => console.log(`receiver on http://127.0.0.1:${port}/webhooks`));
}
