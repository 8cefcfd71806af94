import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The packages as a user gets them: every publishable workspace packed with `npm pack`, the
 * tarballs installed into an empty project in a temporary folder (third-party dependencies from
 * the registry, better-sqlite3 built if no prebuilt binary fits), and there `npx bursar serve`,
 * `npx bursar mcp` and a script that imports `@bursar/sdk` under `tsc --strict`. Needs `npm run
 * build` first (`npm test` does it). Set BURSAR_SKIP_PACKAGES=1 to leave it out of a quick local
 * loop; CI always runs it.
 */
const root = new URL('..', import.meta.url).pathname;
const skip = process.env.BURSAR_SKIP_PACKAGES === '1' && process.env.CI !== 'true';
const publishable = ['packages/core', 'packages/sdk', 'packages/mcp', 'packages/server', 'packages/cli'];
const run = promisify(execFile);

/** The environment of a user's shell: none of this run's npm lifecycle or Bursar settings. */
const userEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('BURSAR_') && k !== 'INIT_CWD'),
) as NodeJS.ProcessEnv;

function startServe(cwd: string, dataDir: string): Promise<{ child: ChildProcess; banner: string }> {
  const child = spawn('npx', ['bursar', 'serve', '--port', '0', '--data-dir', dataDir], {
    cwd,
    env: { ...userEnv, BURSAR_LOG_LEVEL: 'warn' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bursar serve printed no banner:\n${out}`)), 60_000);
    const poll = setInterval(() => {
      if (!out.includes('Stop with Ctrl+C')) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ child, banner: out });
    }, 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`bursar serve exited with ${code}:\n${out}`));
    });
  });
}

/** Ends `npx` and the `bursar` it started: they share the process group the spawn created. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(-child.pid!, 'SIGTERM');
  });
}

function match(text: string, re: RegExp): string {
  const m = re.exec(text);
  if (!m?.[1]) throw new Error(`no ${re} in:\n${text}`);
  return m[1];
}

describe.skipIf(skip)('the packed packages, installed outside the repository', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bursar-packages-'));
  const project = join(dir, 'project');
  let serve: ChildProcess | undefined;
  let url = '';
  let spendingKey = '';
  let banner = '';

  beforeAll(async () => {
    const tarballs = join(dir, 'tarballs');
    mkdirSync(tarballs);
    mkdirSync(project);
    const packed = await run('npm', ['pack', '--json', '--pack-destination', tarballs, ...publishable.flatMap((w) => ['-w', w])], {
      cwd: root,
      env: userEnv,
      maxBuffer: 64 * 1024 * 1024,
    });
    const files = (JSON.parse(packed.stdout) as { filename: string }[]).map((p) => join(tarballs, p.filename));
    expect(files).toHaveLength(publishable.length);
    // An empty project, as after `npm init -y`; better-sqlite3 builds or fetches its binary at install.
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'uses-bursar', private: true, type: 'module', allowScripts: { 'better-sqlite3': true } }, null, 2)}\n`,
    );
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...files], { cwd: project, env: userEnv, timeout: 540_000 });
    ({ child: serve, banner } = await startServe(project, join(dir, 'data')));
    url = match(banner, /Bursar is running at (http:\/\/127\.0\.0\.1:\d+)/);
    spendingKey = match(banner, /Spending key:\s+(bsk_test_\S+)/);
  }, 600_000);

  afterAll(async () => {
    if (serve) await stop(serve);
    rmSync(dir, { recursive: true, force: true });
  });

  it('npx bursar serve prints both keys, serves the dashboard it carries and answers a spend request', async () => {
    expect(banner).toMatch(/Management key:\s+bmk_test_\S{40,}/);

    const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = match(html, /src="(\/assets\/[^"]+\.js)"/);
    expect((await fetch(`${url}${script}`)).status).toBe(200);

    const res = await fetch(`${url}/v1/spend-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${spendingKey}`, 'content-type': 'application/json', 'idempotency-key': 'packages-test-1' },
      body: JSON.stringify({ amount_cents: 12000, currency: 'usd', merchant_name: 'AWS', reason: 'GPU runtime for evaluation job' }),
    });
    const body = (await res.json()) as { id: string; status: string };
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ id: expect.stringMatching(/^req_/), status: 'approved' });
  });

  it('npx bursar mcp lists its tools over stdio to the official MCP client', async () => {
    const transport = new StdioClientTransport({
      command: 'npx',
      args: ['bursar', 'mcp'],
      cwd: project,
      env: { ...(userEnv as Record<string, string>), BURSAR_API_URL: url, BURSAR_API_KEY: spendingKey },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'packages-test', version: '0.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['create_spend', 'get_spend', 'get_balance']));
    } finally {
      await client.close();
    }
  });

  it('a script that imports @bursar/sdk compiles under tsc --strict and runs against the server', async () => {
    // No @types/node in the project: the SDK's types must stand on their own (fetch, DOM lib).
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023', 'DOM'], types: [], outDir: 'out' },
        files: ['spend.ts'],
      }),
    );
    writeFileSync(
      join(project, 'spend.ts'),
      [
        "import { BursarClient, type SpendRequest } from '@bursar/sdk';",
        '',
        `const bursar = new BursarClient({ apiKey: ${JSON.stringify(spendingKey)}, baseUrl: ${JSON.stringify(url)} });`,
        "const spend: SpendRequest = await bursar.createSpend({ amount_cents: 4200, currency: 'usd', merchant_name: 'OpenAI', reason: 'API credits' });",
        'console.log(JSON.stringify({ id: spend.id, status: spend.status }));',
        '',
      ].join('\n'),
    );
    await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, env: userEnv });
    const out = await run(process.execPath, [join(project, 'out/spend.js')], { cwd: project, env: userEnv });
    expect(JSON.parse(out.stdout)).toMatchObject({ id: expect.stringMatching(/^req_/), status: 'approved' });
  });
});
