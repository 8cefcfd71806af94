#!/usr/bin/env node
// A Bursar webhook receiver: verifies every delivery (Standard Webhooks signature and
// timestamp) over the raw body, dedupes on webhook-id, and answers 2xx quickly.
//
//   BURSAR_WEBHOOK_SECRET=whsec_… PORT=8787 node examples/webhook-receiver/server.mjs
//
// Register it: POST /v1/webhooks {"url": "http://127.0.0.1:8787/webhooks", "events": ["*"]}
import { createServer } from 'node:http';
import { verifyWebhook, WebhookVerificationError } from '@bursar/core';

const secret = process.env.BURSAR_WEBHOOK_SECRET;
if (!secret) {
  console.error('set BURSAR_WEBHOOK_SECRET to the whsec_ secret Bursar showed when you created the endpoint');
  process.exit(2);
}
const port = Number(process.env.PORT ?? 8787);

// Bursar delivers at least once: a retry carries the same webhook-id. Keep the ids you have
// handled (in a database in production) and acknowledge repeats without acting twice.
const seen = new Set();

function handle(event) {
  // Act on the event here. It is the same object GET /v1/events/:id returns.
  console.log(JSON.stringify({ handled: event.id, type: event.type, object: event.data.object.id }));
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') return res.writeHead(405).end();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let event;
    try {
      event = verifyWebhook(secret, body, req.headers);
    } catch (err) {
      if (err instanceof WebhookVerificationError) {
        console.log(JSON.stringify({ rejected: err.message }));
        return res.writeHead(400).end('invalid signature');
      }
      throw err;
    }
    if (seen.has(event.id)) {
      console.log(JSON.stringify({ duplicate: event.id }));
      return res.writeHead(200).end('duplicate');
    }
    seen.add(event.id);
    handle(event);
    res.writeHead(200).end('ok');
  });
});
server.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ listening: `http://127.0.0.1:${server.address().port}/webhooks` })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
