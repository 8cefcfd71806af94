import { BursarClient } from '@bursar/sdk';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createBursarMcpServer } from './tools.js';

/** Serves the tools over stdio until stdin closes. The key is the spending key the operator configured, never the model's. */
export async function runStdioServer(opts: { apiKey: string; baseUrl: string }): Promise<void> {
  const server = createBursarMcpServer(new BursarClient({ apiKey: opts.apiKey, baseUrl: opts.baseUrl }));
  const transport = new StdioServerTransport();
  await server.connect(transport);
  await new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.close();
}
