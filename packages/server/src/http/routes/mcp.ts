import { BursarClient } from '@bursar/sdk';
import { handleMcpHttpRequest } from '@bursar/mcp';
import type { App, Deps } from '../types.js';

/**
 * A fetch that answers through this app's own routes in process (Fastify inject), so each MCP
 * tool call goes through the same authentication, idempotency and validation as /v1.
 */
function inProcessFetch(app: App): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const r = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers,
      ...(typeof init?.body === 'string' ? { payload: init.body } : {}),
    });
    const out = new Headers();
    for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : String(v));
    const empty = r.statusCode === 204 || r.statusCode === 304 || r.body === '';
    return new Response(empty ? null : r.body, { status: r.statusCode, headers: out });
  };
}

/** POST /mcp: the MCP tools (create_spend, get_spend, get_balance) over Streamable HTTP, with the caller's spending key. */
export function register(app: App, _deps: Deps) {
  app.route({
    method: 'POST',
    url: '/mcp',
    config: { auth: 'agent' },
    schema: {
      tags: ['MCP'],
      summary: 'MCP server (Streamable HTTP, stateless JSON): tools create_spend, get_spend, get_balance',
      description:
        'JSON-RPC 2.0 messages of the Model Context Protocol. Authenticate with the agent\'s spending key in Authorization: Bearer; the tools act as that agent and never see or return the key.',
      security: [{ bearerAuth: [] }],
    },
    handler: async (req, reply) => {
      const apiKey = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')![1]!;
      const client = new BursarClient({ apiKey, baseUrl: 'http://bursar.internal', fetch: inProcessFetch(app), retry: { maxRetries: 1 } });
      reply.hijack();
      reply.raw.setHeader('request-id', req.id);
      await handleMcpHttpRequest(req.raw, reply.raw, req.body, client);
    },
  });
  // Stateless: no standalone SSE stream and no sessions to delete.
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method,
      url: '/mcp',
      config: { auth: 'agent' },
      schema: { hide: true },
      handler: async (_req, reply) =>
        reply
          .code(405)
          .header('allow', 'POST')
          .send({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this MCP endpoint is stateless; send JSON-RPC with POST' }, id: null }),
    });
  }
}
