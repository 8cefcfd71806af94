import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, freshAgent } from './support.js';

/** GET /v1/mandates: the list the dashboard's Mandates page reads. */
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

async function mandate(agentId: string, extra: Record<string, unknown> = {}) {
  const r = await api(s.url, 'POST', '/v1/mandates', { key: s.mgmt, body: { agent_id: agentId, description: 'cloud bills', currency: 'usd', ...extra } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string };
}

describe('GET /v1/mandates', () => {
  it('lists mandates newest first, pages, and filters by agent and presented status', async () => {
    const other = await freshAgent(s, {}, 'mandate-lister');
    const a = await mandate(s.agentId);
    const b = await mandate(s.agentId, { expires_at: new Date(Date.now() + 1500).toISOString() });
    const c = await mandate(other.agentId);
    const revoked = await api(s.url, 'PUT', `/v1/mandates/${a.id}`, { key: s.mgmt, body: { status: 'revoked' } });
    expect(revoked.status).toBe(200);

    const all = await api(s.url, 'GET', '/v1/mandates', { key: s.mgmt });
    expect(all.status).toBe(200);
    expect(all.body.data.map((m: { id: string }) => m.id)).toEqual([c.id, b.id, a.id]);
    expect(all.body.data[0]).toMatchObject({ object: 'mandate', agent_id: other.agentId, status: 'active' });

    const first = await api(s.url, 'GET', '/v1/mandates?limit=2', { key: s.mgmt });
    expect(first.body).toMatchObject({ has_more: true, next_cursor: b.id });
    const second = await api(s.url, 'GET', `/v1/mandates?limit=2&cursor=${first.body.next_cursor}`, { key: s.mgmt });
    expect(second.body.data.map((m: { id: string }) => m.id)).toEqual([a.id]);

    const mine = await api(s.url, 'GET', `/v1/mandates?agent_id=${other.agentId}`, { key: s.mgmt });
    expect(mine.body.data.map((m: { id: string }) => m.id)).toEqual([c.id]);
    const gone = await api(s.url, 'GET', '/v1/mandates?status=revoked', { key: s.mgmt });
    expect(gone.body.data.map((m: { id: string }) => m.id)).toEqual([a.id]);

    await new Promise((r) => setTimeout(r, 1600));
    const expired = await api(s.url, 'GET', '/v1/mandates?status=expired', { key: s.mgmt });
    expect(expired.body.data.map((m: { id: string }) => m.id)).toEqual([b.id]);
    const active = await api(s.url, 'GET', '/v1/mandates?status=active', { key: s.mgmt });
    expect(active.body.data.map((m: { id: string }) => m.id)).toEqual([c.id]);
  });

  it('names the bad filter, and refuses a spending key', async () => {
    expectError(await api(s.url, 'GET', '/v1/mandates?status=paused', { key: s.mgmt }), 400, 'invalid_request', 'status');
    expectError(await api(s.url, 'GET', '/v1/mandates?limit=0', { key: s.mgmt }), 400, 'invalid_request', 'limit');
    expectError(await api(s.url, 'GET', '/v1/mandates', { key: s.spend }), 403, 'forbidden');
    expectError(await api(s.url, 'GET', '/v1/mandates'), 401, 'invalid_api_key');
  });
});
