import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

const example = fileURLToPath(new URL('../../../../examples/spendguard-llm/run.mjs', import.meta.url));

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

it('examples/spendguard-llm estimates, reserves, calls and captures the actual cost', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [example], { env: { ...process.env, BURSAR_API_URL: s.url, BURSAR_API_KEY: s.spend, BURSAR_ADMIN_KEY: s.mgmt } });
  const steps = stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(steps.map((x) => x.step)).toEqual(['estimate', 'reserve', 'capture']);
  expect(steps[0]).toMatchObject({ decision: 'allow' });
  expect(steps[2]).toMatchObject({ status: 'captured' });
  expect(steps[2].captured_cents + steps[2].released_cents).toBe(steps[0].cost_cents);
  expect(steps[2].captured_cents).toBeLessThan(steps[0].cost_cents);
  const r = await api(s.url, 'GET', `/v1/spend-guard/reservations/${steps[1].id}`, { key: s.mgmt });
  expect(r.body.status).toBe('captured');
});
