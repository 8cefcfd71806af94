import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The README's two commands on a fresh clone of the committed tree: `npm install && npm start`
 * prints the URLs, both keys once and a curl that works; a second start prints no secret.
 * Set BURSAR_SKIP_NEWCOMER=1 to leave it out of a quick local loop; CI always runs it.
 */
const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
const skip = process.env.BURSAR_SKIP_NEWCOMER === '1' && process.env.CI !== 'true';

function startNpm(cwd: string): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn('npm', ['start'], { cwd, env: { ...process.env, PORT: '0', BURSAR_LOG_LEVEL: 'warn' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no banner:\n${out}`)), 60_000);
    const poll = setInterval(() => {
      if (out.includes('Stop with Ctrl+C')) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, out: () => out });
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${out}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(-child.pid!, 'SIGTERM');
  });
}

describe.skipIf(skip)('the newcomer path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bursar-newcomer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('npm install && npm start on a fresh clone serves a working spend request', async () => {
    const clone = join(dir, 'bursar');
    execFileSync('git', ['clone', '--quiet', root, clone]);
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: clone, stdio: 'ignore', timeout: 480_000 });

    expect(execFileSync('npx', ['bursar', '--help'], { cwd: clone, encoding: 'utf8' })).toMatch(/serve/);

    const first = await startNpm(clone);
    const banner = first.out();
    expect(banner).toMatch(/Bursar is running at http:\/\/127\.0\.0\.1:\d+/);
    expect(banner).toMatch(/API docs:\s+http:\/\/\S+\/docs/);
    expect(banner).toMatch(/Dashboard:\s+http:\/\/\S+\//);
    expect(banner).toMatch(/Management key:\s+bmk_test_\S{40,}/);
    expect(banner).toMatch(/Spending key:\s+bsk_test_\S{40,}/);
    const curl = banner.slice(banner.indexOf('curl -sS'), banner.indexOf("}'", banner.indexOf('curl -sS')) + 2);
    const answer = JSON.parse(execFileSync('bash', ['-c', curl], { encoding: 'utf8' }));
    expect(answer).toMatchObject({ status: 'approved', remaining_budget_cents: 38000, amount_cents: 12000, merchant_name: 'AWS' });
    await stop(first.child);

    const second = await startNpm(clone);
    expect(second.out()).not.toMatch(/bsk_test_|bmk_test_/);
    expect(second.out()).toMatch(/Using existing data/);
    await stop(second.child);
  }, 600_000);
});
