import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/receiver.js';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';

const example = fileURLToPath(new URL('../../../../examples/webhook-receiver/server.mjs', import.meta.url));

describe('examples/webhook-receiver', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ BURSAR_WEBHOOK_RETRY_SCHEDULE: '0.2' });
  });
  afterAll(() => s.close());

  it('verifies real deliveries, dedupes a replay and rejects a forgery', async () => {
    const port = await freePort();
    const ep = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: `http://127.0.0.1:${port}/webhooks`, events: ['spend_request.approved'] } });
    const child = spawn(process.execPath, [example], { env: { ...process.env, BURSAR_WEBHOOK_SECRET: ep.body.secret, PORT: String(port) } });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    const lines = () => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
    const until = async (pred: () => boolean) => {
      for (let i = 0; i < 300 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(pred()).toBe(true);
    };
    try {
      await until(() => out.includes('listening'));
      const spend = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(100) });
      await until(() => lines().some((l) => l.handled));
      expect(lines().find((l) => l.handled)).toMatchObject({ type: 'spend_request.approved', object: spend.body.id });
      // The receiver may print before Bursar has recorded the delivery's outcome.
      let log = await api(s.url, 'GET', `/v1/webhooks/${ep.body.id}/deliveries`, { key: s.mgmt });
      for (let i = 0; i < 200 && log.body.data.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 25));
        log = await api(s.url, 'GET', `/v1/webhooks/${ep.body.id}/deliveries`, { key: s.mgmt });
      }
      await api(s.url, 'POST', `/v1/webhooks/${ep.body.id}/deliveries/${log.body.data[0].delivery_id}/retry`, { key: s.mgmt });
      await until(() => lines().some((l) => l.duplicate));
      const forged = await fetch(`http://127.0.0.1:${port}/webhooks`, {
        method: 'POST',
        headers: { 'webhook-id': 'evt_x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' },
        body: '{}',
      });
      expect(forged.status).toBe(400);
      expect(lines().filter((l) => l.handled)).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
