import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { webhookHeaders } from '@bursar/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../../packages/server/test/helpers/server.js';
import { createWrapper } from '../../examples/agent-spend-wrapper/src/wrapper.js';
import { createReceiver, type SpendEvent } from '../../examples/agent-spend-wrapper/src/receiver-example.js';

const dir = fileURLToPath(new URL('../../examples/agent-spend-wrapper/', import.meta.url));

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('examples/agent-spend-wrapper', () => {
  let s: TestServer;
  let wrapper: Server;
  let url: string;
  const bodies: string[] = [];
  const tool = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    bodies.push(text);
    return { status: r.status, body: JSON.parse(text) };
  };
  beforeAll(async () => {
    s = await startTestServer();
    wrapper = createWrapper({ bursarUrl: s.url, apiKey: s.spend });
    url = await listen(wrapper);
  });
  afterAll(async () => {
    for (const b of bodies) expect(b).not.toContain(s.spend);
    wrapper.close();
    await s.close();
  });

  it('the OpenAPI file is OpenAPI 3.x with the three operations', () => {
    const doc = JSON.parse(readFileSync(`${dir}openapi.json`, 'utf8'));
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toEqual(expect.any(String));
    expect(doc.servers[0].url).toMatch(/^https?:\/\//);
    const ops = Object.entries(doc.paths as Record<string, Record<string, { operationId: string; responses: object }>>).flatMap(([p, m]) =>
      Object.entries(m).map(([method, op]) => `${method.toUpperCase()} ${p} ${op.operationId}`),
    );
    expect(ops.sort()).toEqual(['GET /tools/get_balance getBalance', 'GET /tools/get_spend/{id} getSpend', 'POST /tools/create_spend createSpend']);
    // Every $ref resolves inside the document.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    for (const r of refs) expect(doc.components.schemas[r]).toBeDefined();
    const create = doc.paths['/tools/create_spend'].post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(['amount_cents', 'currency', 'merchant_name', 'reason']);
  });

  it('create_spend forwards with the injected key; a retried call of the same intent is the same spend', async () => {
    const intent = { amount_cents: 1500, currency: 'usd', merchant_name: 'AWS', reason: 'wrapper test' };
    const a = await tool('POST', '/tools/create_spend', intent, { 'x-conversation-id': 'conv-1' });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ status: 'approved', amount_cents: 1500 });
    const retry = await tool('POST', '/tools/create_spend', intent, { 'x-conversation-id': 'conv-1' });
    expect(retry.body.id).toBe(a.body.id);
    const other = await tool('POST', '/tools/create_spend', { ...intent, idempotency_key: 'second-purchase' }, { 'x-conversation-id': 'conv-1' });
    expect(other.body.id).not.toBe(a.body.id);
    const got = await tool('GET', `/tools/get_spend/${a.body.id}`);
    expect(got.body.id).toBe(a.body.id);
    const balance = await tool('GET', '/tools/get_balance');
    expect(balance.body).toMatchObject({ object: 'balance', agent_id: s.agentId });
  });

  it('passes Bursar\'s errors through without internals, and drops fields the tool does not allow', async () => {
    const bad = await tool('POST', '/tools/create_spend', { amount_cents: -1, currency: 'usd', merchant_name: 'AWS', reason: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', field: 'amount_cents' });
    const sneaky = await tool('POST', '/tools/create_spend', { amount_cents: 100, currency: 'usd', merchant_name: 'AWS', reason: 'x', callback_url: 'http://evil.example/' });
    expect(sneaky.body.callback_url).toBeNull();
    expect((await tool('GET', '/tools/get_spend/req_missing')).status).toBe(404);
    expect((await tool('GET', '/tools/nope')).status).toBe(404);
  });

  it('the receiver verifies signatures and dedupes on webhook-id', async () => {
    const secret = 'whsec_' + Buffer.from('receiver-example-secret-32-bytes').toString('base64');
    const events: SpendEvent[] = [];
    const receiver = createReceiver(secret, (e) => void events.push(e));
    const rurl = await listen(receiver);
    try {
      const body = JSON.stringify({ id: 'evt_1', type: 'spend_request.approved', created_at: new Date().toISOString(), livemode: false, data: { object: { id: 'req_1', status: 'approved' } } });
      const headers = webhookHeaders([secret], 'evt_1', Math.floor(Date.now() / 1000), body);
      const post = (h: Record<string, string>, b = body) => fetch(`${rurl}/webhooks`, { method: 'POST', headers: h, body: b });
      expect((await post(headers)).status).toBe(204);
      expect((await post(headers)).status).toBe(204);
      expect((await post(headers, body.replace('approved', 'declined'))).status).toBe(400);
      expect(events.map((e) => e.id)).toEqual(['evt_1']);
    } finally {
      receiver.close();
    }
  });

  it('runs with one command (the built server) and refuses to start without a key', async () => {
    const run = (env: Record<string, string>) =>
      spawn(process.execPath, ['dist/server.js'], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const noKey = run({});
    expect(await new Promise((r) => noKey.once('exit', r))).toBe(2);
    const child = run({ BURSAR_API_KEY: s.spend, BURSAR_API_URL: s.url, PORT: '0' });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let buf = '';
        child.stdout!.on('data', (d) => {
          buf += String(d);
          if (buf.includes('listening on')) resolve(buf);
        });
        child.once('exit', (c) => reject(new Error(`exited ${c}`)));
      });
      const wurl = /listening on (http:\/\/\S+)/.exec(out)![1]!;
      const r = await fetch(`${wurl}/tools/get_balance`);
      expect(r.status).toBe(200);
      expect(out).not.toContain(s.spend);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('webhook registration end to end with the example receiver', () => {
  it('receives a real spend_request event from Bursar', async () => {
    const s = await startTestServer();
    const events: SpendEvent[] = [];
    let receiver: Server | undefined;
    try {
      const hook = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: 'http://127.0.0.1:1/placeholder', events: ['spend_request.*'] } });
      receiver = createReceiver(hook.body.secret, (e) => void events.push(e));
      const rurl = await listen(receiver);
      await api(s.url, 'PUT', `/v1/webhooks/${hook.body.id}`, { key: s.mgmt, body: { url: `${rurl}/webhooks` } });
      const spend = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: { amount_cents: 100, currency: 'usd', merchant_name: 'AWS', reason: 'x' }, headers: { 'idempotency-key': 'hook-1' } });
      const deadline = Date.now() + 15_000;
      while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(events[0]).toMatchObject({ type: 'spend_request.approved', data: { object: { id: spend.body.id } } });
    } finally {
      receiver?.close();
      await s.close();
    }
  });
});
