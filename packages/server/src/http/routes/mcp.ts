import { BursarError, ForbiddenError } from '@bursar/core';
import { BursarClient } from '@bursar/sdk';
import { handleMcpHttpRequest } from '@bursar/mcp';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorHandler } from '../errors.js';
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

const originOf = (url: string) => new URL(url).origin;

/**
 * The origins this server is reached at: its public URL and the address the request came in
 * on (with localhost for a loopback address). Not the Host header: under DNS rebinding the
 * attacker's page and its Host header both carry the attacker's name, so they always agree.
 */
function ownOrigins(req: FastifyRequest, publicUrl: string): string[] {
  const address = (req.socket.localAddress ?? '').replace(/^::ffff:/, '');
  const port = req.socket.localPort;
  const hosts = [address.includes(':') ? `[${address}]` : address];
  if (/^(127\.|::1$)/.test(address)) hosts.push('localhost');
  // A link-local address with a zone (fe80::1%eth0) is no origin a browser sends.
  return [publicUrl, ...hosts.map((h) => `${req.protocol}://${h}:${port}`)].filter((u) => URL.canParse(u)).map(originOf);
}

/** True when the request has no Origin (not a browser) or one this server may be called from. */
function originAllowed(req: FastifyRequest, deps: Deps): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (!URL.canParse(origin)) return false;
  const o = originOf(origin);
  return (deps.mcpAllowedOrigins ?? []).includes(o) || ownOrigins(req, deps.config.publicUrl).includes(o);
}

const rpcError = (reply: FastifyReply, status: number, code: number, message: string) =>
  reply.code(status).header('content-type', 'application/json').send({ jsonrpc: '2.0', id: null, error: { code, message } });

/**
 * What MCP asks of the transport before a message is read: a foreign Origin is 403 (whatever
 * else is wrong, so a rebinding page learns nothing), a 401 names its scheme in
 * WWW-Authenticate, and a body that is not JSON is a JSON-RPC parse error. Everything else
 * answers as the rest of the API does.
 */
function mcpTransportRules(deps: Deps) {
  return {
    onRequest: async (req: FastifyRequest) => {
      if (!originAllowed(req, deps)) throw new ForbiddenError('Origin not allowed');
    },
    errorHandler: (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      if (!originAllowed(req, deps)) {
        return rpcError(reply, 403, -32000, 'Forbidden: this Origin may not call this MCP server (the operator can list it in BURSAR_MCP_ALLOWED_ORIGINS)');
      }
      if (err instanceof BursarError && err.code === 'invalid_request' && err.details.field === 'body') {
        return rpcError(reply, 400, -32700, `Parse error: ${err.message}`);
      }
      if (err instanceof BursarError && err.status === 401) {
        reply.header('www-authenticate', `Bearer realm="bursar"${req.headers.authorization ? ', error="invalid_token"' : ''}`);
      }
      return errorHandler(err, req, reply);
    },
  };
}

/** POST /mcp: the MCP tools (create_spend, get_spend, get_balance) over Streamable HTTP, with the caller's spending key. */
export function register(app: App, deps: Deps) {
  const rules = mcpTransportRules(deps);
  app.route({
    method: 'POST',
    url: '/mcp',
    config: { auth: 'agent' },
    ...rules,
    schema: {
      tags: ['MCP'],
      summary: 'MCP server (Streamable HTTP, stateless JSON): tools create_spend, get_spend, get_balance',
      description:
        'JSON-RPC 2.0 messages of the Model Context Protocol. Authenticate with the agent\'s spending key in Authorization: Bearer; the tools act as that agent and never see or return the key. ' +
        'A browser Origin other than the server\'s own is refused (403) unless listed in BURSAR_MCP_ALLOWED_ORIGINS.',
      security: [{ bearerAuth: [] }],
    },
    handler: async (req, reply) => {
      if (req.body === undefined) return rpcError(reply, 400, -32700, 'Parse error: the request body is empty');
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
      ...rules,
      schema: { hide: true },
      handler: async (_req, reply) =>
        rpcError(reply.header('allow', 'POST'), 405, -32000, 'Method not allowed: this MCP endpoint is stateless; send JSON-RPC with POST'),
    });
  }
}
