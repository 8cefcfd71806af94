import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The committed CLI entry point (runs the built dist; `npm test` builds first). */
export const cliEntry = fileURLToPath(new URL('../../../cli/bin/bursar.js', import.meta.url));

/** A server running as its own OS process, so a test can kill -9 it. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
}

/** Starts `bursar serve` on a random port and resolves once it prints where it listens. */
export function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [cliEntry, 'serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, BURSAR_RATE_LIMIT_RPS: '0', BURSAR_AUTH_FAILURE_LIMIT: '0', BURSAR_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}\n${err}`)), 20_000);
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /Bursar is running at (http:\/\/\S+)/.exec(out);
      // The banner is written in one piece; wait for its last line.
      if (m && out.includes('Stop with Ctrl+C')) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, stdout: () => out, stderr: () => err });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}\n${err}`));
    });
  });
}

/** Kills with SIGKILL and waits for the exit. */
export function kill9(p: ServerProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
    p.child.once('exit', () => resolve());
    p.child.kill('SIGKILL');
  });
}

/** Sends SIGTERM and resolves with the exit code. */
export function terminate(p: ServerProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null) return resolve(p.child.exitCode);
    p.child.once('exit', (code) => resolve(code));
    p.child.kill('SIGTERM');
  });
}

export function keysFrom(banner: string): { mgmt: string; spend: string } {
  const mgmt = /Management key:\s+(bmk_\S+)/.exec(banner)?.[1];
  const spend = /Spending key:\s+(bsk_\S+)/.exec(banner)?.[1];
  if (!mgmt || !spend) throw new Error(`no keys in banner:\n${banner}`);
  return { mgmt, spend };
}
