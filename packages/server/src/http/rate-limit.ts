/**
 * Token buckets per key: `rps` tokens a second, up to `burst`. In-process by design: each
 * server process limits on its own (documented in the README).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(readonly rps: number, readonly burst: number) {}

  get enabled(): boolean {
    return this.rps > 0 && this.burst > 0;
  }

  /** Takes one token for `id`; answers what the RateLimit-* headers should say. */
  take(id: string, now = Date.now()): { allowed: boolean; remaining: number; resetSeconds: number; retryAfterSeconds: number } {
    let b = this.buckets.get(id);
    if (!b) {
      if (this.buckets.size > 100_000) this.buckets.clear();
      b = { tokens: this.burst, at: now };
      this.buckets.set(id, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rps);
    b.at = now;
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    const remaining = Math.floor(b.tokens);
    return {
      allowed,
      remaining,
      resetSeconds: Math.ceil((this.burst - b.tokens) / this.rps),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / this.rps)),
    };
  }
}
