import type { DeliveryAttempt, WebhookEndpoint } from '@bursar/sdk';
import { relative, time } from './format.js';
import { useLoad } from './hooks.js';
import { useApp, type Fact } from './ui.js';

/**
 * The retry story, in the README's words: the server's default BURSAR_WEBHOOK_RETRY_SCHEDULE
 * (5,300,1800,7200,18000,36000,36000 s, about 28 h in all) and its disable rule
 * (410 Gone, or 5 days of failures without a success).
 */
export const RETRY_STORY =
  'Each delivery is tried immediately, then retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h with jitter (about 28 hours in all, by default); after the last retry it stays failed until you retry it from the delivery log. A 410 disables the endpoint, and so do 5 days of failures.';

/** How an endpoint's deliveries are going, read from its delivery log (newest first). */
export interface Health {
  state: 'failing' | 'healthy' | 'quiet';
  /** The newest successful attempt, if any was found. */
  lastSuccess: string | null;
  /** The oldest failed attempt after the last success; `atLeast` when older failures may not have been read. */
  failingSince: { at: string; atLeast: boolean } | null;
  /** Failed attempts since the last success (of those read). */
  failures: number;
}

/** Reads at most this many attempts back to find where a run of failures began. */
const MAX_READ = 500;

/** The endpoint's health: the newest attempts until a success, and the newest success if that run is longer. */
export function useEndpointHealth(endpointId: string, intervalMs?: number) {
  const { client } = useApp();
  return useLoad(
    async (): Promise<Health> => {
      const read: DeliveryAttempt[] = [];
      let cursor: string | undefined;
      let more = false;
      do {
        const page = await client.webhooks.deliveries(endpointId, { limit: 100, ...(cursor ? { cursor } : {}) });
        read.push(...page.data);
        cursor = page.next_cursor ?? undefined;
        more = page.has_more;
      } while (cursor && !read.some((a) => a.succeeded) && read.length < MAX_READ);
      if (read.length === 0) return { state: 'quiet', lastSuccess: null, failingSince: null, failures: 0 };
      const success = read.findIndex((a) => a.succeeded);
      if (success === 0) return { state: 'healthy', lastSuccess: read[0]!.created_at, failingSince: null, failures: 0 };
      const failed = success === -1 ? read : read.slice(0, success);
      let lastSuccess = success === -1 ? null : read[success]!.created_at;
      // Past what was read: ask for the newest success directly.
      if (lastSuccess === null && more) lastSuccess = (await client.webhooks.deliveries(endpointId, { limit: 1, succeeded: true })).data[0]?.created_at ?? null;
      return {
        state: 'failing',
        lastSuccess,
        failingSince: { at: failed[failed.length - 1]!.created_at, atLeast: success === -1 && more },
        failures: failed.length,
      };
    },
    [endpointId],
    intervalMs,
  );
}

/** A badge in words: failing (red), healthy, disabled, or enabled with nothing delivered yet. */
export function HealthBadge(props: { endpoint: WebhookEndpoint; health: Health | undefined }) {
  const { endpoint: w, health } = props;
  if (w.status === 'disabled') return <span className="badge status-disabled">Disabled</span>;
  if (health?.state === 'failing') return <span className="badge status-failed" data-health="failing">⚠ Enabled · failing</span>;
  if (health?.state === 'healthy') return <span className="badge status-enabled" data-health="healthy">Enabled · healthy</span>;
  return <span className="badge">Enabled</span>;
}

/** The health facts an endpoint's card and its delivery log show. */
export function healthFacts(health: Health | undefined): Fact[] {
  if (!health) return [];
  if (health.state === 'quiet') return [['Health', 'nothing delivered yet']];
  const since = health.failingSince;
  const failing: Fact = since
    ? ['Failing since', `${since.atLeast ? 'at least ' : ''}${time(since.at)} (${health.failures}${since.atLeast ? '+' : ''} failed attempt${health.failures === 1 ? '' : 's'} in a row)`]
    : null;
  return [failing, ['Last success', health.lastSuccess ? `${time(health.lastSuccess)} (${relative(health.lastSuccess)})` : 'never']];
}

/**
 * What became of a failed attempt, never a "next retry" in the past: the retry still to come,
 * the attempt that followed it (when the log shows it), or when the retry was scheduled.
 */
export function retryNote(a: DeliveryAttempt, later: DeliveryAttempt | undefined, now = Date.now()): string | null {
  if (a.succeeded) return null;
  if (later) return `retried: attempt ${later.attempt} ${later.succeeded ? 'succeeded' : 'failed'}`;
  if (a.next_retry_at === null) return 'no retry scheduled';
  return Date.parse(a.next_retry_at) > now ? `next retry ${relative(a.next_retry_at, now)}` : `retry was scheduled for ${time(a.next_retry_at)}`;
}
