/** A minimal client for the CLI's own calls; the SDK replaces it when it lands. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export interface ApiTarget {
  url: string;
  key: string;
}

export function target(opts: { url?: string; key?: string }): ApiTarget {
  const url = opts.url ?? process.env.BURSAR_API_URL ?? 'http://127.0.0.1:4242';
  const key = opts.key ?? process.env.BURSAR_API_KEY;
  if (!key) {
    process.stderr.write('bursar: no API key: set BURSAR_API_KEY or pass --key\n');
    process.exit(2);
  }
  return { url: url.replace(/\/+$/, ''), key };
}

export async function getJson<T>(t: ApiTarget, path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${t.key}` } });
  } catch (err) {
    throw new ApiError(0, 'network_error', `cannot reach ${t.url}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `HTTP ${res.status}`);
  return body as T;
}

/** Runs a command body; API failures print one line and exit 3. */
export async function guarded(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ApiError) {
      process.stderr.write(`bursar: ${err.code}: ${err.message}\n`);
      process.exit(3);
    }
    throw err;
  }
}
