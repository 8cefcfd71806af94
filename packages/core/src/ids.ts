import { randomFillSync } from 'node:crypto';

/** Id prefixes of every noun (DESIGN.md, "Core model"). */
export const idPrefixes = [
  'ws', 'wal', 'pol', 'agt', 'key', 'req', 'apr', 'res', 'lse', 'mdt', 'pay', 'rct', 'trf',
  'card', 'evt', 'whk', 'txn', 'pst', 'aud', 'rid', 'del', 'att', 'hdl', 'prc',
  // checkout intents and card authorizations
  'ci', 'cauth',
] as const;
export type IdPrefix = (typeof idPrefixes)[number];

// Crockford base32 in lower case: its characters sort in the same order as their values.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
let lastTime = -1;
let lastRandom: number[] = [];

// Entropy drawn 4 KiB at a time (as crypto.randomUUID caches it): one call to the CSPRNG per 256
// ids instead of one per id, which showed in the profile of every request (each gets an id).
// A Uint8Array, not a Buffer: this module is also bundled into the dashboard, which has no Buffer.
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

function randomDigits(): number[] {
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const digits = new Array<number>(16);
  for (let i = 0; i < 16; i++) digits[i] = pool[poolOffset + i]! & 31;
  poolOffset += 16;
  return digits;
}

/** Increments a base32 digit array; the random part is 80 bits, so it never overflows in practice. */
function increment(digits: number[]): number[] {
  const next = digits.slice();
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i]! < 31) {
      next[i]! += 1;
      return next;
    }
    next[i] = 0;
  }
  return randomDigits();
}

/**
 * A ULID-style id: 10 characters of milliseconds then 16 random ones, monotonic within this
 * process, so ids sort by creation time and serve as pagination cursors.
 */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  if (now <= lastTime) {
    lastRandom = increment(lastRandom);
  } else {
    lastTime = now;
    lastRandom = randomDigits();
  }
  let time = '';
  let t = lastTime;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return `${prefix}_${time}${lastRandom.map((d) => ALPHABET[d]).join('')}`;
}

/** True when `id` looks like an id with this prefix (cheap shape check before a lookup). */
export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`) && /^[a-z]+_[0-9a-z]{26}$/.test(id);
}
