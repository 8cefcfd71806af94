import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BursarClient } from '@bursar/sdk';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createBursarMcpServer } from './tools.js';

/**
 * Handles one Streamable HTTP request statelessly: a fresh MCP server per request, bound to a
 * client that carries the caller's own key. JSON responses (no SSE stream) keep it simple.
 */
export async function handleMcpHttpRequest(req: IncomingMessage, res: ServerResponse, parsedBody: unknown, client: BursarClient): Promise<void> {
  const server = createBursarMcpServer(client);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, parsedBody);
}
