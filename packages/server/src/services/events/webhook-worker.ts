import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { generateWebhookSecret, newId, subscribes, webhookHeaders } from '@bursar/core';
import type { SecretBox } from '../../crypto/encryption.js';
import type { Database } from '../../db/database.js';
import type { EventRow } from '../../store/rows.js';
import {
  callbackUrls, claimDue, enabledEndpoints, endpointById, eventById, failPendingFor, insertAttempt, insertDelivery,
  markDispatched, undispatchedEvents, updateDelivery, updateEndpoint, type DeliveryRow, type EndpointRow,
} from '../../store/webhooks.js';
import { getWorkspace, setCallbackSecret } from '../../store/workspaces.js';
import { pinnedLookup, refuseUrl, urlPolicy, type UrlPolicy } from '../../webhooks/ssrf.js';
import type { ServiceConfig } from '../context.js';
import { emitEvent, onOutbox } from './outbox.js';
import { runService } from '../run.js';
import { callbackSecretAad, openEndpointSecrets } from './webhooks.js';
import { presentEndpoint, presentEvent } from './present.js';
import { DISABLE_AFTER_MS, nextRetryAt } from './retry-schedule.js';

const DISPATCH_BATCH = 200;
const MAX_IN_FLIGHT = 16;
const POLL_MS = 250;
const DISPATCH_DELAY_MS = 20;
const EXCERPT = 500;

interface Logger {
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** Fans new outbox events out into one delivery per subscribed endpoint (and per callback URL). */
async function dispatch(db: Database): Promise<number> {
  return db.transact(async (tx) => {
    const events = await undispatchedEvents(tx, DISPATCH_BATCH);
    if (events.length === 0) return 0;
    const endpointsBy = new Map<string, EndpointRow[]>();
    const spendIds = events.filter((e) => e.type.startsWith('spend_request.')).map((e) => e.object_id);
    const callbacks = await callbackUrls(tx, spendIds);
    const now = Date.now();
    const deliver = (e: EventRow, endpointId: string | null, url: string | null) =>
      insertDelivery(tx, {
        id: newId('del', now),
        workspace_id: e.workspace_id,
        endpoint_id: endpointId,
        url,
        event_id: e.id,
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        locked_until: 0,
        created_at: now,
        updated_at: now,
      });
    for (const e of events) {
      let endpoints = endpointsBy.get(e.workspace_id);
      if (!endpoints) endpointsBy.set(e.workspace_id, (endpoints = await enabledEndpoints(tx, e.workspace_id)));
      for (const ep of endpoints) {
        // An endpoint hears of what happened after it was registered, never before.
        if (ep.created_at <= e.created_at && subscribes(JSON.parse(ep.events) as string[], e.type)) await deliver(e, ep.id, null);
      }
      const callback = callbacks.get(e.object_id);
      if (callback) await deliver(e, null, callback);
    }
    await markDispatched(tx, events.map((e) => e.id));
    return events.length;
  });
}

interface Outcome {
  statusCode: number | null;
  excerpt: string | null;
  error: string | null;
  latencyMs: number;
}

/**
 * POSTs one delivery. The connection goes to an address `pinnedLookup` judged at connect time
 * (never one from an earlier lookup), TLS names the URL's host, redirects are not followed, and
 * the whole exchange (connect, send, answer) ends at `timeoutMs` or when the worker stops.
 */
async function post(url: string, policy: UrlPolicy, headers: Record<string, string>, body: string, timeoutMs: number, stop: AbortSignal): Promise<Outcome> {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]);
  try {
    const res = await exchange(new URL(url), policy, headers, body, signal);
    return { statusCode: res.status, excerpt: res.text.slice(0, EXCERPT), error: null, latencyMs: latencyMs() };
  } catch (err) {
    const e = err as Error & { code?: string };
    const error =
      e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms`
      : e.code === 'ERR_BURSAR_REFUSED_ADDRESS' ? `refused: url ${e.message}`
      : (e.code ?? e.message);
    return { statusCode: null, excerpt: null, error, latencyMs: latencyMs() };
  }
}

function exchange(url: URL, policy: UrlPolicy, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const settle = (finish: () => void) => {
      signal.removeEventListener('abort', abort);
      finish();
    };
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Bursar-Webhooks/0.1',
        },
        lookup: pinnedLookup(policy),
        // A fresh connection each time: a pooled one may have been judged under another policy.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          // Keep enough for the excerpt (at most 4 bytes a character), drain the rest.
          if (size < EXCERPT * 4) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => settle(() => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })));
        res.on('error', (err) => settle(() => reject(err)));
      },
    );
    const abort = () => {
      reject(signal.reason as Error);
      req.destroy();
    };
    signal.addEventListener('abort', abort, { once: true });
    req.on('error', (err) => settle(() => reject(err)));
    req.end(body);
  });
}

/** The workspace's callback secrets that sign now (opened from their sealed form), creating the first. */
async function callbackSecrets(db: Database, box: SecretBox, workspaceId: string, now: number): Promise<string[]> {
  return db.transact(async (tx) => {
    const ws = await getWorkspace(tx, workspaceId);
    if (!ws) return [];
    let secret: string;
    if (ws.callback_secret) secret = box.decrypt(ws.callback_secret, callbackSecretAad(ws.id, 'callback_secret'));
    else {
      // Signed from the first callback on; the operator reveals it with POST /v1/callback-secret.
      secret = generateWebhookSecret();
      await setCallbackSecret(tx, ws.id, {
        callback_secret: box.encrypt(secret, callbackSecretAad(ws.id, 'callback_secret')),
        previous_callback_secret: null,
        previous_callback_secret_expires_at: null,
      });
    }
    const secrets = [secret];
    if (ws.previous_callback_secret && (ws.previous_callback_secret_expires_at ?? 0) > now) {
      secrets.push(box.decrypt(ws.previous_callback_secret, callbackSecretAad(ws.id, 'previous_callback_secret')));
    }
    return secrets;
  });
}

/**
 * Delivers webhooks from the outbox: fans events out, claims due deliveries with a lease, sends
 * each attempt signed anew, logs every attempt and schedules retries. Runs beside the API and
 * never blocks it: a hanging receiver holds one of a bounded number of slots until its timeout.
 */
export function startWebhookWorker(db: Database, config: ServiceConfig, log: Logger) {
  const { retryScheduleMs, timeoutMs } = config.webhooks;
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let again = false;
  let stopped = false;
  const stopping = new AbortController();

  async function send(d: DeliveryRow): Promise<void> {
    const now = Date.now();
    const event = await eventById(db.db, d.event_id);
    const endpoint = d.endpoint_id ? await endpointById(db.db, d.endpoint_id) : undefined;
    const caller = { workspace: { id: d.workspace_id, livemode: event?.livemode === 1 }, actor: { type: 'system' as const } };
    if (!event || (d.endpoint_id && (!endpoint || endpoint.deleted_at !== null || endpoint.status !== 'enabled'))) {
      await updateDelivery(db.db, d.id, { status: 'failed', next_attempt_at: null, locked_until: 0, updated_at: now });
      return;
    }
    const url = endpoint ? endpoint.url : d.url!;
    const secrets = endpoint ? openEndpointSecrets(config, endpoint, now) : await callbackSecrets(db, config.secrets, d.workspace_id, now);
    // Judged again before each attempt (the rules or the DNS may have changed), and judged at
    // connect time by `post`: the check alone would leave the name free to rebind before the send.
    const policy = urlPolicy(config, event.livemode === 1);
    const refused = await refuseUrl(url, policy);
    const body = JSON.stringify(presentEvent(event));
    const outcome: Outcome = refused
      ? { statusCode: null, excerpt: null, error: `refused: url ${refused}`, latencyMs: 0 }
      : await post(url, policy, webhookHeaders(secrets, event.id, Math.floor(Date.now() / 1000), body), body, timeoutMs, stopping.signal);
    // Stopped mid-attempt: record nothing; the lease runs out and the next start sends it again.
    if (stopping.signal.aborted) return;
    const attempt = d.attempts + 1;
    const succeeded = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;

    await runService(db, config, caller, async (ctx) => {
      let status: 'pending' | 'succeeded' | 'failed' = succeeded ? 'succeeded' : 'pending';
      let next: number | null = null;
      let disableReason: string | null = null;
      if (!succeeded) {
        next = nextRetryAt(retryScheduleMs, attempt, ctx.now);
        if (next === null) status = 'failed';
        if (endpoint && outcome.statusCode === 410) disableReason = 'The receiver answered 410 Gone';
        const failingSince = endpoint?.failing_since ?? ctx.now;
        if (endpoint && !disableReason && ctx.now - failingSince >= DISABLE_AFTER_MS) disableReason = 'Failing for 5 days';
        if (disableReason) {
          status = 'failed';
          next = null;
        }
        if (endpoint && endpoint.failing_since === null) await updateEndpoint(ctx.tx, endpoint.id, { failing_since: failingSince });
      } else if (endpoint && endpoint.failing_since !== null) {
        await updateEndpoint(ctx.tx, endpoint.id, { failing_since: null });
      }
      await insertAttempt(ctx.tx, {
        id: newId('att', ctx.now),
        workspace_id: d.workspace_id,
        delivery_id: d.id,
        endpoint_id: d.endpoint_id,
        event_id: event.id,
        event_type: event.type,
        attempt,
        status_code: outcome.statusCode,
        succeeded: succeeded ? 1 : 0,
        latency_ms: outcome.latencyMs,
        response_excerpt: outcome.excerpt,
        error: outcome.error,
        next_retry_at: next,
        created_at: ctx.now,
      });
      await updateDelivery(ctx.tx, d.id, { status, attempts: attempt, next_attempt_at: next, locked_until: 0, updated_at: ctx.now });
      if (endpoint && disableReason) {
        const changes = { status: 'disabled' as const, disabled_reason: disableReason, updated_at: ctx.now };
        await updateEndpoint(ctx.tx, endpoint.id, changes);
        await failPendingFor(ctx.tx, endpoint.id, ctx.now);
        await emitEvent(ctx, 'webhook_endpoint.disabled', presentEndpoint({ ...endpoint, ...changes }));
      }
    });
  }

  async function cycle(): Promise<void> {
    while (!stopped && (await dispatch(db)) === DISPATCH_BATCH) {
      // keep fanning out until the outbox is drained
    }
    const free = MAX_IN_FLIGHT - inFlight.size;
    if (stopped || free <= 0) return;
    const now = Date.now();
    const claimed = await db.transact((tx) => claimDue(tx, now, now + timeoutMs + 5_000, free));
    for (const d of claimed) {
      const p: Promise<void> = send(d)
        .catch((err: unknown) => log.error({ err, delivery: d.id }, 'webhook delivery failed'))
        .finally(() => {
          inFlight.delete(p);
          kick();
        });
      inFlight.add(p);
    }
  }

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    cycle()
      .catch((err: unknown) => log.error({ err }, 'webhook worker cycle failed'))
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          kick();
        }
      });
  }

  // Decisions notify on every commit; gather them for a moment so a burst costs one dispatch.
  let pending: NodeJS.Timeout | null = null;
  const soon = () => {
    pending ??= setTimeout(() => {
      pending = null;
      kick();
    }, DISPATCH_DELAY_MS);
  };
  const unsubscribe = onOutbox(soon);
  const timer = setInterval(kick, POLL_MS);
  timer.unref();
  kick();

  return {
    kick,
    /** Stops claiming; attempts in flight finish (or time out) first. */
    async stop(): Promise<void> {
      stopped = true;
      if (pending) clearTimeout(pending);
      stopping.abort();
      clearInterval(timer);
      unsubscribe();
      await Promise.allSettled([...inFlight]);
    },
  };
}
