import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keysFrom, kill9, spawnServer, terminate } from '../helpers/process.js';
import { freePort, startReceiver } from '../helpers/receiver.js';
import { api, spendBody } from '../helpers/server.js';

describe('kill -9 with deliveries pending', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bursar-wh-kill9-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('delivers every event after a restart', async () => {
    const env = { BURSAR_WEBHOOK_RETRY_SCHEDULE: '0.3,0.3,0.3,0.5,0.5,1,1,1,1,1,1,1,1,1,1', BURSAR_WEBHOOK_TIMEOUT_SECONDS: '1' };
    const port = await freePort();
    let server = await spawnServer(dataDir, env);
    const { mgmt, spend } = keysFrom(server.stdout());
    const ep = await api(server.url, 'POST', '/v1/webhooks', { key: mgmt, body: { url: `http://127.0.0.1:${port}/hooks`, events: ['spend_request.approved'] } });
    expect(ep.status).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await api(server.url, 'POST', '/v1/spend-requests', { key: spend, body: spendBody(10) });
      ids.push(r.body.id);
    }
    await kill9(server);
    const rx = await startReceiver(() => 200, port);
    try {
      server = await spawnServer(dataDir, env);
      await rx.waitFor((r) => new Set(r.map((x) => JSON.parse(x.body).data.object.id)).size >= ids.length, 30_000);
      expect(new Set(rx.received.map((x) => JSON.parse(x.body).data.object.id))).toEqual(new Set(ids));
      expect(await terminate(server)).toBe(0);
    } finally {
      await rx.close();
    }
  }, 60_000);
});
