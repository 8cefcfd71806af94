import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../../server/test/helpers/server.js';

const bin = fileURLToPath(new URL('../../cli/bin/bursar.js', import.meta.url));

function textOf(r: CallToolResult): string {
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const transports = {
  stdio: () =>
    new StdioClientTransport({
      command: process.execPath,
      args: [bin, 'mcp'],
      env: { PATH: process.env.PATH ?? '', BURSAR_API_URL: s.url, BURSAR_API_KEY: s.spend },
      stderr: 'pipe',
    }),
  http: () => new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${s.spend}` } } }),
};

describe.each(Object.keys(transports) as Array<keyof typeof transports>)('MCP over %s through the official client', (kind) => {
  let client: Client;
  const outputs: string[] = [];
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
    outputs.push(JSON.stringify(r));
    return r;
  };
  beforeAll(async () => {
    client = new Client({ name: 'bursar-test', version: '1.0.0' });
    await client.connect(transports[kind]());
  });
  afterAll(async () => {
    // The key never appears in any tool output, whatever happened.
    for (const o of outputs) {
      expect(o).not.toContain(s.spend);
      expect(o).not.toContain(s.mgmt);
    }
    expect(outputs.length).toBeGreaterThan(5);
    await client.close();
  });

  it('lists the three tools with precise schemas and no key argument', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['create_spend', 'get_balance', 'get_spend']);
    const create = tools.find((t) => t.name === 'create_spend')!;
    expect(create.inputSchema.required?.sort()).toEqual(['amount_cents', 'currency', 'merchant_name', 'reason']);
    expect(Object.keys(create.inputSchema.properties ?? {}).sort()).toEqual(['amount_cents', 'currency', 'idempotency_key', 'merchant_name', 'reason']);
    expect(create.description).toMatch(/needs_approval/);
    for (const t of tools) {
      for (const prop of Object.keys(t.inputSchema.properties ?? {})) expect(prop).not.toMatch(/^(api_?key|key|token|authorization|secret)$/i);
    }
    outputs.push(JSON.stringify(tools));
  });

  it('create_spend approves: one sentence, then the object as JSON, plus structuredContent', async () => {
    const r = await call('create_spend', { amount_cents: 1250, currency: 'USD', merchant_name: 'AWS', reason: `MCP ${kind} test`, idempotency_key: `mcp-${kind}-1` });
    expect(r.isError).toBeFalsy();
    const [sentence, ...rest] = textOf(r).split('\n');
    expect(sentence).toMatch(/^Approved: you may spend 12\.50 USD to AWS/);
    const obj = JSON.parse(rest.join('\n'));
    expect(obj).toMatchObject({ object: 'spend_request', status: 'approved', amount_cents: 1250, currency: 'usd' });
    expect(r.structuredContent).toEqual(obj);
    // Retrying with the same idempotency_key is the same request.
    const again = await call('create_spend', { amount_cents: 1250, currency: 'usd', merchant_name: 'AWS', reason: `MCP ${kind} test`, idempotency_key: `mcp-${kind}-1` });
    expect((again.structuredContent as { id: string }).id).toBe(obj.id);
    const got = await call('get_spend', { id: obj.id });
    expect((got.structuredContent as { status: string }).status).toBe('approved');
  });

  it('needs_approval is a normal result that says to wait and how to check', async () => {
    const r = await call('create_spend', { amount_cents: 30_000, currency: 'usd', merchant_name: 'OpenAI', reason: 'API credits' });
    expect(r.isError).toBeFalsy();
    const sc = r.structuredContent as { id: string; status: string };
    expect(sc.status).toBe('needs_approval');
    expect(textOf(r)).toMatch(new RegExp(`^Pending: .*Do not pay yet; wait and call get_spend with id "${sc.id}"`));
  });

  it('get_balance answers the agent\'s wallet and budgets', async () => {
    const r = await call('get_balance');
    expect(r.isError).toBeFalsy();
    expect(textOf(r)).toMatch(/^The wallet has [\d.]+ USD available; [\d.]+ USD left in the monthly budget\./);
    expect(r.structuredContent).toMatchObject({ object: 'balance', agent_id: s.agentId });
  });

  it('validation failures are isError results the model can correct', async () => {
    const bad = await call('create_spend', { amount_cents: 12.5, currency: 'usd', merchant_name: 'AWS', reason: 'x' });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/amount_cents/);
    const badCurrency = await call('create_spend', { amount_cents: 100, currency: 'zzz', merchant_name: 'AWS', reason: 'x' });
    expect(badCurrency.isError).toBe(true);
    expect(textOf(badCurrency)).toMatch(/^The request was invalid \(currency\).*Correct the arguments/);
    const missing = await call('get_spend', { id: 'req_nope' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/^No spend request has that id/);
  });
});

describe('MCP auth failures', () => {
  it('stdio with a revoked key tells the model to contact the operator, without echoing the key', async () => {
    const k = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: s.agentId } });
    await api(s.url, 'DELETE', `/v1/api-keys/${k.body.id}`, { key: s.mgmt });
    const client = new Client({ name: 'bursar-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [bin, 'mcp'], env: { PATH: process.env.PATH ?? '', BURSAR_API_URL: s.url, BURSAR_API_KEY: k.body.key }, stderr: 'pipe' }),
    );
    try {
      const r = (await client.callTool({ name: 'get_balance', arguments: {} })) as CallToolResult;
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/ask the operator/);
      expect(JSON.stringify(r)).not.toContain(k.body.key);
      // An error is not the tool's output shape: its object is in the text, not in structuredContent.
      expect(r.structuredContent).toBeUndefined();
      expect(textOf(r)).toMatch(/"code": "revoked_api_key"/);
    } finally {
      await client.close();
    }
  });

  it('/mcp refuses a missing or wrong key with 401 and a management key with 403', async () => {
    const body = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
    const headers = { accept: 'application/json, text/event-stream' };
    expect((await api(s.url, 'POST', '/mcp', { body, headers })).status).toBe(401);
    expect((await api(s.url, 'POST', '/mcp', { body, headers, key: 'bsk_test_wrongwrongwrongwrongwrongwrong' })).status).toBe(401);
    expect((await api(s.url, 'POST', '/mcp', { body, headers, key: s.mgmt })).status).toBe(403);
    expect((await api(s.url, 'GET', '/mcp', { headers, key: s.spend })).status).toBe(405);
  });
});
