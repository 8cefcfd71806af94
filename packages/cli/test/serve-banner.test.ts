import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/bursar.js', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs `bursar serve` on a new data dir until its banner is printed, then stops it. */
function firstBanner(env: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bursar-banner-'));
  dirs.push(dir);
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dir], {
    env: { ...process.env, BURSAR_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bursar serve exited with ${code}:\n${out}`)));
    const poll = setInterval(() => {
      if (!out.includes('Stop with Ctrl+C')) return;
      clearInterval(poll);
      child.removeAllListeners('exit');
      child.once('exit', () => resolve(out));
      child.kill('SIGTERM');
    }, 50);
  });
}

describe('the first-start banner', () => {
  it('in sandbox mode says the sandbox wallet was funded', async () => {
    const out = await firstBanner({});
    expect(out).toMatch(/sandbox workspace with a USD wallet funded with \$1,000\.00/);
  });

  it('in live mode never claims a funded wallet: the live wallet starts empty', async () => {
    const out = await firstBanner({ BURSAR_SANDBOX: 'false', BURSAR_ADMIN_KEY: `bmk_live_${'a'.repeat(40)}` });
    expect(out).toMatch(/live workspace with an empty USD wallet/);
    expect(out).not.toMatch(/funded/);
  });
});
