import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/env.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

/** What the MCP specification asks of a Streamable HTTP server, checked with the official client over real HTTP. */

const ALLOWED = 'https://inspector.example.com';
const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
};
const accept = 'application/json, text/event-stream';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ BURSAR_MCP_ALLOWED_ORIGINS: `${ALLOWED}, http://127.0.0.1:6274` });
});
afterAll(() => s.close());

/** POSTs JSON with a Host header of our choosing (fetch always sends the real one), as a rebinding page's browser does. */
function postAs(host: string, origin: string, body: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${s.url}/mcp`, { method: 'POST', headers: { host, origin, accept, 'content-type': 'application/json', authorization: `Bearer ${s.spend}` } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** An official MCP client over Streamable HTTP, sending `headers` on every request. */
async function connect(headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'bursar-spec-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers } }));
  return client;
}

describe('Origin (the guard against DNS rebinding)', () => {
  it.each([
    ['no Origin (not a browser)', undefined],
    ["the server's own origin", 'own'],
    ['localhost on the same port', 'localhost'],
    ['an origin in BURSAR_MCP_ALLOWED_ORIGINS', ALLOWED],
    ['a listed origin, spelled in capitals', 'HTTP://127.0.0.1:6274'],
  ])('allows %s', async (_name, origin) => {
    const o = origin === 'own' ? s.url : origin === 'localhost' ? s.url.replace('127.0.0.1', 'localhost') : origin;
    const client = await connect({ authorization: `Bearer ${s.spend}`, ...(o ? { origin: o } : {}) });
    try {
      expect((await client.listTools()).tools).toHaveLength(3);
    } finally {
      await client.close();
    }
  });

  it.each([
    ['a foreign page', 'https://evil.example'],
    ['another port of this host', 'http://127.0.0.1:1'],
    ['the opaque origin', 'null'],
  ])('refuses %s with 403 and a JSON-RPC error, whatever the key', async (_name, origin) => {
    for (const key of [s.spend, undefined, 'bsk_test_wrongwrongwrongwrongwrongwrong', s.mgmt]) {
      const r = await api(s.url, 'POST', '/mcp', { key, body: initialize, headers: { accept, origin } });
      expect(r.status, `${origin} ${key}`).toBe(403);
      expect(r.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000, message: expect.stringMatching(/origin/i) } });
    }
    expect((await api(s.url, 'GET', '/mcp', { key: s.spend, headers: { accept, origin } })).status).toBe(403);
  });

  it('refuses a rebinding page on our port, whose Host header agrees with its Origin', async () => {
    const host = `attacker.example:${new URL(s.url).port}`;
    const r = await postAs(host, `http://${host}`, initialize);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
    // The same request without an Origin is a non-browser client and goes through.
    expect((await postAs(host, s.url, initialize)).status).toBe(200);
  });

  it('the official client sees the refusal as HTTP 403', async () => {
    await expect(connect({ authorization: `Bearer ${s.spend}`, origin: 'https://evil.example' })).rejects.toMatchObject({ code: 403 });
  });

  it('BURSAR_MCP_ALLOWED_ORIGINS takes origins only', () => {
    expect(parseEnv({ BURSAR_MCP_ALLOWED_ORIGINS: 'https://A.example.com , http://localhost:6274' }).BURSAR_MCP_ALLOWED_ORIGINS).toEqual([
      'https://a.example.com',
      'http://localhost:6274',
    ]);
    expect(parseEnv({}).BURSAR_MCP_ALLOWED_ORIGINS).toEqual([]);
    for (const bad of ['https://a.example.com/path', 'a.example.com', 'ftp://a.example.com', 'https://a.example.com,,']) {
      expect(() => parseEnv({ BURSAR_MCP_ALLOWED_ORIGINS: bad }), bad).toThrow(/BURSAR_MCP_ALLOWED_ORIGINS: must be comma-separated origins/);
    }
  });
});

describe('401 names its scheme', () => {
  it.each([
    ['no key', undefined, 'Bearer realm="bursar"'],
    ['a wrong key', 'bsk_test_wrongwrongwrongwrongwrongwrong', 'Bearer realm="bursar", error="invalid_token"'],
  ])('%s: 401 with WWW-Authenticate', async (_name, key, challenge) => {
    const r = await api(s.url, 'POST', '/mcp', { key, body: initialize, headers: { accept } });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe(challenge);
  });

  it('the official client sees HTTP 401', async () => {
    await expect(connect({})).rejects.toMatchObject({ code: 401 });
  });

  it('a management key is 403 without a challenge', async () => {
    const r = await api(s.url, 'POST', '/mcp', { key: s.mgmt, body: initialize, headers: { accept } });
    expect(r.status).toBe(403);
    expect(r.headers.get('www-authenticate')).toBeNull();
  });
});

describe('a body that is not JSON is a JSON-RPC parse error', () => {
  it.each([
    ['malformed JSON', '{"jsonrpc": "2.0", "id": 1, "method":'],
    ['JSON nested too deep', `${'['.repeat(200)}${']'.repeat(200)}`],
    ['an empty body', ''],
  ])('%s: 400 with code -32700 and id null', async (_name, rawBody) => {
    const r = await api(s.url, 'POST', '/mcp', { key: s.spend, rawBody, headers: { accept, 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringMatching(/^Parse error/) } });
  });
});

describe('every tool declares an outputSchema and answers structuredContent that matches it', () => {
  let client: Client;
  let tools: Tool[];
  const validator = new AjvJsonSchemaValidator();
  /** Calls a tool and checks its structuredContent against the declared outputSchema here, not only in the client. */
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
    const schema = tools.find((t) => t.name === name)!.outputSchema!;
    const check = validator.getValidator(schema)(r.structuredContent);
    expect(check.valid, `${name}: ${check.errorMessage}`).toBe(true);
    // Text stays for older clients: one sentence, then the same object.
    const text = (r.content[0] as { text: string }).text;
    expect(JSON.parse(text.slice(text.indexOf('\n') + 1))).toEqual(r.structuredContent);
    return r;
  };
  beforeAll(async () => {
    client = await connect({ authorization: `Bearer ${s.spend}` });
    tools = (await client.listTools()).tools;
  });
  afterAll(() => client.close());

  it('declares an object outputSchema on each of the three tools', () => {
    expect(tools).toHaveLength(3);
    for (const t of tools) {
      expect(t.outputSchema?.type, t.name).toBe('object');
      expect(t.outputSchema?.required?.length, t.name).toBeGreaterThan(3);
    }
  });

  it('create_spend (approved and needs_approval), get_spend and get_balance match their schemas', async () => {
    const approved = await call('create_spend', { amount_cents: 700, currency: 'usd', merchant_name: 'AWS', reason: 'spec test' });
    expect(approved.structuredContent).toMatchObject({ object: 'spend_request', status: 'approved' });
    const pending = await call('create_spend', { amount_cents: 30_000, currency: 'usd', merchant_name: 'OpenAI', reason: 'spec test' });
    expect(pending.structuredContent).toMatchObject({ status: 'needs_approval' });
    const got = await call('get_spend', { id: (pending.structuredContent as { id: string }).id });
    expect(got.structuredContent).toMatchObject({ status: 'needs_approval', approval_id: expect.stringMatching(/^apr_/) });
    const balance = await call('get_balance');
    expect(balance.structuredContent).toMatchObject({ object: 'balance', agent_id: s.agentId });
  });

  it('errors are isError results without structuredContent (their object is in the text)', async () => {
    const r = (await client.callTool({ name: 'get_spend', arguments: { id: 'req_nope' } })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toBeUndefined();
    const text = (r.content[0] as { text: string }).text;
    expect(JSON.parse(text.slice(text.indexOf('\n') + 1))).toMatchObject({ error: { code: 'not_found' } });
  });
});
