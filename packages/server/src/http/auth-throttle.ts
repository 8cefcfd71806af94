import { BursarError } from '@bursar/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** How long a credential that worked from an address is remembered there. */
const KNOWN_FOR_MS = 24 * 3_600_000;

/**
 * Failed authentications per client address in a fixed window. Once an address has failed
 * `limit` times, requests from it are refused with 429 until the window ends — except those
 * whose credential had already worked from that address before. A guessed key gains nothing
 * (it has never worked, so right or wrong it is refused the same way: no oracle), while the
 * agents already running on that host keep working: one process retrying a revoked key must not
 * lock every other agent on its machine or behind its NAT out of its money.
 * Valid keys' own rate limits are untouched (they count per key, elsewhere).
 * In-process, like the rate limiter: each server process counts on its own.
 */
export class AuthThrottle {
  private readonly byAddress = new Map<string, { failures: number; until: number }>();
  /** `address \0 key id` → until when it is known to have worked from there. */
  private readonly known = new Map<string, number>();

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

  /** Remembers that `keyId` authenticated from `address`. */
  succeeded(address: string, keyId: string, now = Date.now()): void {
    if (this.known.size > 200_000) this.known.clear();
    this.known.set(`${address}\u0000${keyId}`, now + KNOWN_FOR_MS);
  }

  /** True when `keyId` worked from `address` before (and recently enough). */
  knows(address: string, keyId: string, now = Date.now()): boolean {
    return (this.known.get(`${address}\u0000${keyId}`) ?? 0) > now;
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

type Hook = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

function refused(reply: FastifyReply, wait: number): BursarError {
  reply.header('Retry-After', String(wait));
  return new BursarError('rate_limited', `Too many failed authentication attempts from this address; retry in ${wait} s`, { retry_after_seconds: wait });
}

/**
 * The throttle around the authentication hook, and the onResponse hook counting 401s. While an
 * address is throttled, a request passes only if it authenticates with a credential that had
 * already worked from that address; anything else (a wrong key, a right key never seen there,
 * the dashboard's sign-in) is a 429.
 */
export function authThrottleHooks(throttle: AuthThrottle) {
  const keyIdOf = (req: FastifyRequest): string | undefined => {
    const actor = req.caller?.actor;
    return actor && actor.type !== 'system' ? actor.keyId : undefined;
  };
  return {
    guard(authenticate: Hook): Hook {
      return async (req, reply) => {
        if (!throttle.enabled || !takesCredential(req)) return authenticate(req, reply);
        const wait = throttle.blockedFor(req.ip);
        if (wait === 0) {
          await authenticate(req, reply);
          const keyId = keyIdOf(req);
          if (keyId !== undefined) throttle.succeeded(req.ip, keyId);
          return;
        }
        let known = false;
        try {
          await authenticate(req, reply);
          const keyId = keyIdOf(req);
          known = keyId !== undefined && throttle.knows(req.ip, keyId);
        } catch {
          known = false;
        }
        if (!known) throw refused(reply, wait);
      };
    },
    async onResponse(req: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (throttle.enabled && reply.statusCode === 401 && takesCredential(req)) throttle.fail(req.ip);
    },
  };
}
