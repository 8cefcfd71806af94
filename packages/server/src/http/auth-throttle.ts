import { BursarError } from '@bursar/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Failed authentications per client address in a fixed window. Once an address has failed
 * `limit` times, every authenticated request from it is refused with 429 until the window
 * ends, before its credential is looked at: the answer must not tell a guessed key that it
 * was right. Valid keys' own rate limits are untouched (they count per key, elsewhere).
 * In-process, like the rate limiter: each server process counts on its own.
 */
export class AuthThrottle {
  private readonly byAddress = new Map<string, { failures: number; until: number }>();

  constructor(readonly limit: number, readonly windowMs: number) {}

  get enabled(): boolean {
    return this.limit > 0 && this.windowMs > 0;
  }

  /** Seconds `address` must wait, or 0 when it may try. */
  blockedFor(address: string, now = Date.now()): number {
    const w = this.byAddress.get(address);
    if (!w || w.until <= now || w.failures < this.limit) return 0;
    return Math.max(1, Math.ceil((w.until - now) / 1000));
  }

  /** Counts one failed authentication from `address`. */
  fail(address: string, now = Date.now()): void {
    let w = this.byAddress.get(address);
    if (!w || w.until <= now) {
      // Bounded memory under a spray of addresses: forget everything rather than grow.
      if (this.byAddress.size > 100_000) this.byAddress.clear();
      w = { failures: 0, until: now + this.windowMs };
      this.byAddress.set(address, w);
    }
    w.failures++;
  }
}

/** Routes that take a credential: every route with an auth mode, and the dashboard's sign-in. */
function takesCredential(req: FastifyRequest): boolean {
  const mode = req.routeOptions.config?.auth ?? 'none';
  return mode !== 'none' || (req.method === 'POST' && req.routeOptions.url === '/v1/dashboard/session');
}

/** The onRequest hook (before authentication) and the onResponse hook (counting 401s) of the throttle. */
export function authThrottleHooks(throttle: AuthThrottle) {
  return {
    async onRequest(req: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (!throttle.enabled || !takesCredential(req)) return;
      const wait = throttle.blockedFor(req.ip);
      if (wait > 0) {
        reply.header('Retry-After', String(wait));
        throw new BursarError('rate_limited', `Too many failed authentication attempts from this address; retry in ${wait} s`, { retry_after_seconds: wait });
      }
    },
    async onResponse(req: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (throttle.enabled && reply.statusCode === 401 && takesCredential(req)) throttle.fail(req.ip);
    },
  };
}
