import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';

const FAST = { BURSAR_WEBHOOK_RETRY_SCHEDULE: '0.2,0.2,0.2', BURSAR_WEBHOOK_TIMEOUT_SECONDS: '1' };

function typeOf(r: { body: string }): string {
  return (JSON.parse(r.body) as { type: string }).type;
}

describe('signed webhook delivery', () => {
  let s: TestServer;
  let rx: Receiver;
  let secret: string;
  let endpointId: string;
  beforeAll(async () => {
    s = await startTestServer(FAST);
    rx = await startReceiver();
    const created = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: rx.url, events: ['spend_request.*', 'approval.*'], description: 'test' } });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    secret = created.body.secret;
    endpointId = created.body.id;
  });
  afterAll(async () => {
    await s.close();
    await rx.close();
  });

  it('delivers spend_request.approved after an operator approves, verifiable by standardwebhooks', async () => {
    const spend = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(30_000) });
    expect(spend.body.status).toBe('needs_approval');
    const approve = await api(s.url, 'POST', `/v1/approvals/${spend.body.approval_id}/approve`, { key: s.mgmt, body: { note: 'ok' } });
    expect(approve.status).toBe(200);
    await rx.waitFor((r) => r.some((x) => typeOf(x) === 'spend_request.approved'));
    const hit = rx.received.find((x) => typeOf(x) === 'spend_request.approved')!;
    const event = new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>) as {
      id: string; type: string; livemode: boolean; created_at: string; data: { object: { id: string; status: string } };
    };
    expect(event).toMatchObject({ type: 'spend_request.approved', livemode: false, data: { object: { id: spend.body.id, status: 'approved' } } });
    expect(hit.headers['webhook-id']).toBe(event.id);
    expect(event.id).toMatch(/^evt_/);
    // The same event is what GET /v1/events/:id answers.
    const polled = await api(s.url, 'GET', `/v1/events/${event.id}`, { key: s.mgmt });
    expect(polled.body).toMatchObject({ id: event.id, type: 'spend_request.approved', data: { object: { id: spend.body.id } } });
  });

  it('a tampered body or a wrong secret fails verification', async () => {
    const hit = rx.received[0]!;
    const headers = hit.headers as Record<string, string>;
    expect(() => new Webhook(secret).verify(hit.body.replace('"livemode":false', '"livemode":true'), headers)).toThrow();
    expect(() => new Webhook('whsec_' + Buffer.alloc(32, 1).toString('base64')).verify(hit.body, headers)).toThrow();
  });

  it('sends only subscribed types, and logs each attempt', async () => {
    await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 100 } });
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.received.some((x) => typeOf(x) === 'wallet.funded')).toBe(false);
    const log = await api(s.url, 'GET', `/v1/webhooks/${endpointId}/deliveries`, { key: s.mgmt });
    expect(log.status).toBe(200);
    expect(log.body.data.length).toBe(rx.received.length);
    expect(log.body.data[0]).toMatchObject({ object: 'webhook_delivery_attempt', endpoint_id: endpointId, attempt: 1, status_code: 200, succeeded: true, next_retry_at: null });
    expect(log.body.data[0].response_excerpt).toBe('ok');
    expect(typeof log.body.data[0].latency_ms).toBe('number');
  });

  it('emits approval.created when a request goes to a human, after its own event, and delivers it to approval.* subscribers', async () => {
    const spend = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(30_000) });
    expect(spend.body.status).toBe('needs_approval');
    const created = await api(s.url, 'GET', `/v1/events?type=approval.created&object_id=${spend.body.approval_id}`, { key: s.mgmt });
    expect(created.body.data).toHaveLength(1);
    const event = created.body.data[0];
    expect(event.data.object).toMatchObject({ object: 'approval', id: spend.body.approval_id, spend_request_id: spend.body.id, status: 'pending' });
    // The approval as GET /v1/approvals/:id presents it.
    const approval = await api(s.url, 'GET', `/v1/approvals/${spend.body.approval_id}`, { key: s.mgmt });
    expect(event.data.object).toEqual(approval.body);
    // Written with the decision, after the request's own event.
    const own = await api(s.url, 'GET', `/v1/events?object_id=${spend.body.id}`, { key: s.mgmt });
    expect(own.body.data.map((e: { type: string }) => e.type)).toEqual(['spend_request.needs_approval']);
    expect(own.body.data[0].id < event.id).toBe(true);
    expect(own.body.data[0].created_at).toBe(event.created_at);

    await rx.waitFor((r) => r.some((x) => x.headers['webhook-id'] === event.id));
    const hit = rx.received.find((x) => x.headers['webhook-id'] === event.id)!;
    const delivered = new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>);
    expect(delivered).toEqual(event);
  });

  it('lists events for reconciliation, filtered by type and object', async () => {
    const spend = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(100) });
    const byObject = await api(s.url, 'GET', `/v1/events?object_id=${spend.body.id}`, { key: s.mgmt });
    expect(byObject.body.data.map((e: { type: string }) => e.type)).toEqual(['spend_request.approved']);
    const byType = await api(s.url, 'GET', '/v1/events?type=wallet.funded&limit=1', { key: s.mgmt });
    expect(byType.body.data).toHaveLength(1);
    expect(byType.body.has_more).toBe(true);
    const unknown = await api(s.url, 'GET', '/v1/events/evt_nope', { key: s.mgmt });
    expect(unknown.status).toBe(404);
    const agentKey = await api(s.url, 'GET', '/v1/events', { key: s.spend });
    expect(agentKey.status).toBe(403);
  });
});
