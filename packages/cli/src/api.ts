import { BursarApiError, BursarClient } from '@bursar/sdk';
import type { Command } from 'commander';

/** Options every API command takes. */
export interface ApiOptions {
  url?: string;
  key?: string;
  json?: boolean;
}

/** Adds --url, --key and --json to an API command. */
export function apiOptions(c: Command, keyKind = 'management key (env BURSAR_API_KEY)'): Command {
  return c
    .option('--url <url>', 'API URL (env BURSAR_API_URL, default http://127.0.0.1:4242)')
    .option('--key <key>', keyKind)
    .option('--json', 'print JSON for scripts instead of text');
}

/** The API URL and key from the options or the environment; exits 2 without a key. */
export function target(opts: { url?: string; key?: string }): { url: string; key: string } {
  const url = opts.url ?? process.env.BURSAR_API_URL ?? 'http://127.0.0.1:4242';
  const key = opts.key ?? process.env.BURSAR_API_KEY;
  if (!key) usage('no API key: set BURSAR_API_KEY or pass --key');
  return { url: url.replace(/\/+$/, ''), key };
}

/** An SDK client for the command's target. */
export function client(opts: { url?: string; key?: string }): BursarClient {
  const t = target(opts);
  return new BursarClient({ apiKey: t.key, baseUrl: t.url });
}

/** A usage error: one line on stderr, exit 2. */
export function usage(message: string): never {
  process.stderr.write(`bursar: ${message}\n`);
  process.exit(2);
}

/** Runs a command body; API and network failures print one line naming the code and exit 3. */
export async function guarded(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof BursarApiError) {
      process.stderr.write(`bursar: ${err.code}: ${err.message}${err.field ? ` (field ${err.field})` : ''}\n`);
      process.exit(3);
    }
    throw err;
  }
}

/** Prints JSON with --json, else the human text. */
export function print(opts: { json?: boolean }, value: unknown, human: () => string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** Money for people: 12000 usd → "120.00 USD". */
export function money(cents: number | null | undefined, currency: string): string {
  if (cents === null || cents === undefined) return '—';
  return `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
}

/** A plain aligned table. */
export function table(rows: Array<Record<string, string | number | null | undefined>>, columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join('\n');
}

/** Parses a positive integer option or exits 2. */
export function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) usage(`${name} must be a positive integer, not '${value}'`);
  return Number(value);
}
