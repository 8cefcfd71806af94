/**
 * The time services decide at: the wall clock, but never earlier than an answer it already
 * gave. A clock stepped back (an NTP correction, a VM restored from a snapshot) must not put
 * a decision into a budget window that has already closed, where the budget it left unspent
 * would be spent a second time. The price: after a step back, decisions carry the later time
 * until the wall clock catches up.
 */
let highWater = 0;

/** Milliseconds since the epoch, monotonic within this process. */
export function decisionNow(): number {
  const t = Date.now();
  if (t > highWater) highWater = t;
  return highWater;
}

/** Moves the high-water mark to `ms` if it is later (at start, from the newest decision stored). */
export function advanceClock(ms: number): void {
  if (Number.isFinite(ms) && ms > highWater) highWater = ms;
}

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** The creation time encoded in a sortable id (`req_` + 10 base32 characters of milliseconds). */
export function timeOfId(id: string): number {
  const time = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 11);
  let ms = 0;
  for (const c of time) {
    const v = ALPHABET.indexOf(c);
    if (v < 0) return NaN;
    ms = ms * 32 + v;
  }
  return ms;
}
