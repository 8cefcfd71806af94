import type { Command } from 'commander';
import { parseEnv, startServer, type RunningServer } from '@bursar/server';

function banner(server: RunningServer): string {
  const lines = [
    '',
    `  Bursar is running at ${server.url}`,
    `  Dashboard:   ${server.url}/   (sign in with the management key)`,
    `  API docs:    ${server.url}/docs   (OpenAPI: ${server.url}/openapi.json)`,
    `  Data:        ${server.dataDir}`,
  ];
  const p = server.provisioned;
  if (p) {
    lines.push(
      '',
      p.livemode
        ? '  First start: created a live workspace with an empty USD wallet (fund it through your rail),'
        : '  First start: created a sandbox workspace with a USD wallet funded with $1,000.00,',
      '  a default policy ($500 monthly budget, approval over $250), and a default agent.',
      '  These keys are shown ONCE. Store them now; Bursar keeps only their hashes.',
      '',
      p.managementKeyFromEnv
        ? '  Management key:  (the BURSAR_ADMIN_KEY you set)'
        : `  Management key:  ${p.managementKey}`,
      `  Spending key:    ${p.spendingKey}   (agent ${p.agentId})`,
      '',
      '  Try a first spend request:',
      '',
      `  curl -sS -X POST ${server.url}/v1/spend-requests \\`,
      `    -H "Authorization: Bearer ${p.spendingKey}" \\`,
      '    -H "Content-Type: application/json" \\',
      '    -H "Idempotency-Key: $(uuidgen 2>/dev/null || date +%s%N)" \\',
      `    -d '{"amount_cents": 12000, "currency": "usd", "merchant_name": "AWS", "reason": "GPU runtime for evaluation job"}'`,
    );
  } else {
    lines.push('', '  Using existing data: keys were shown on the first start and are not shown again.');
  }
  lines.push('', '  Stop with Ctrl+C.', '');
  return lines.join('\n');
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Start the API server (embedded SQLite in the data dir, sandbox mode by default)')
    .option('-p, --port <port>', 'port to listen on (env PORT, default 4242)')
    .option('--host <host>', 'address to bind (env HOST, default 127.0.0.1)')
    .option('-d, --data-dir <dir>', 'data directory (env BURSAR_DATA_DIR, default ./.bursar)')
    .addHelpText('after', '\nExamples:\n  $ bursar serve\n  $ bursar serve --port 0 --data-dir /tmp/bursar-try\n  $ BURSAR_SANDBOX=false BURSAR_ADMIN_KEY=bmk_live_… bursar serve --host 0.0.0.0')
    .action(async (opts: { port?: string; host?: string; dataDir?: string }) => {
      let env;
      try {
        env = parseEnv({
          ...process.env,
          ...(opts.port !== undefined ? { PORT: opts.port } : {}),
          ...(opts.host !== undefined ? { HOST: opts.host } : {}),
          ...(opts.dataDir !== undefined ? { BURSAR_DATA_DIR: opts.dataDir } : {}),
        });
      } catch (err) {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(2);
      }
      let server: RunningServer;
      try {
        server = await startServer(env);
      } catch (err) {
        process.stderr.write(`bursar: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      }
      process.stdout.write(`${banner(server)}\n`);
      const stop = (signal: string) => {
        process.stderr.write(`\nbursar: ${signal} received, shutting down\n`);
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`bursar: error while shutting down: ${String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}
