import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/bursar.js', import.meta.url));

/** A `bursar` process in a real pseudo-terminal (util-linux `script`), with everything it printed so far. */
export interface PtySession {
  output(): string;
  /** Types a line, as a person would (Enter is a carriage return in a terminal). */
  type(line: string): void;
  /** Waits until `re` matches what was printed after `from` (default: everything), within 20 s. */
  waitFor(re: RegExp, from?: number): Promise<RegExpExecArray>;
  exit(): Promise<number | null>;
  kill(): void;
}

export function startInPty(args: string[], env: Record<string, string>): PtySession {
  const cmd = [process.execPath, bin, ...args].map((a) => JSON.stringify(a)).join(' ');
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...process.env, TERM: 'dumb', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    output: () => out,
    type: (line) => child.stdin.write(`${line}\r`),
    async waitFor(re, from = 0) {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const m = re.exec(out.slice(from));
        if (m) return m;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for ${re}:\n${out}`);
    },
    exit: () => exited,
    kill: () => child.kill('SIGKILL'),
  };
}
