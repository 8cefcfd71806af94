/** How the client retries: 429 (after Retry-After), 5xx and network errors; never other 4xx. */
export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** First backoff in ms (default 250); doubles per attempt, with full jitter. */
  baseDelayMs?: number;
  /** Ceiling of one backoff in ms (default 8000). Retry-After is honoured even above it, up to maxRetryAfterMs. */
  maxDelayMs?: number;
  /** The longest Retry-After the client waits before giving up (default 60000). */
  maxRetryAfterMs?: number;
}

export const retryDefaults: Required<RetryOptions> = { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 8000, maxRetryAfterMs: 60_000 };

/** True for the statuses a retry may fix. 4xx other than 429 are answers, not accidents. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Full-jitter exponential backoff for attempt n (0-based). */
export function backoffMs(attempt: number, o: Required<RetryOptions>, random: () => number = Math.random): number {
  const cap = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
