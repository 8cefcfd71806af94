/** An endpoint failing this long without one success is disabled. */
export const DISABLE_AFTER_MS = 5 * 24 * 3600 * 1000;

/** A delay of the schedule, spread by ±10% so that retries of many deliveries do not arrive together. */
function jittered(ms: number): number {
  return Math.round(ms * (0.9 + Math.random() * 0.2));
}

/**
 * When a failed delivery is tried again: after attempt `attempt` (1-based), the schedule's next
 * delay (BURSAR_WEBHOOK_RETRY_SCHEDULE), jittered; null once the schedule is spent.
 */
export function nextRetryAt(scheduleMs: readonly number[], attempt: number, now: number): number | null {
  const delay = scheduleMs[attempt - 1];
  return delay === undefined ? null : now + jittered(delay);
}
