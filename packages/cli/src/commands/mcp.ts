import { runStdioServer } from '@bursar/mcp';
import type { Command } from 'commander';
import { target, usage } from '../api.js';

export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description('Serve the MCP tools create_spend, get_spend and get_balance over stdio, with the agent\'s spending key from the environment')
    .option('--url <url>', 'API URL (env BURSAR_API_URL, default http://127.0.0.1:4242)')
    .option('--key <key>', 'spending key, bsk_… (env BURSAR_API_KEY; prefer the environment so the key stays out of process lists)')
    .addHelpText(
      'after',
      `
Examples:
  $ BURSAR_API_KEY=bsk_test_… bursar mcp
  MCP client configuration (Claude Desktop, Cursor, …):
    {"mcpServers": {"bursar": {"command": "npx", "args": ["bursar", "mcp"],
      "env": {"BURSAR_API_URL": "http://127.0.0.1:4242", "BURSAR_API_KEY": "bsk_test_…"}}}}
The key is never a tool argument and never appears in a tool result. stdout carries only MCP messages.`,
    )
    .action(async (opts: { url?: string; key?: string }) => {
      const t = target(opts);
      // The tools act as one agent: a management key would start and then fail every call.
      if (t.key.startsWith('bmk_')) {
        usage('bursar mcp needs an agent\'s spending key (bsk_…), not a management key (bmk_…): create one with `bursar keys create --agent <agent_id>`');
      }
      await runStdioServer({ apiKey: t.key, baseUrl: t.url });
    });
}
