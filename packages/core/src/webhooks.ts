import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the signed content is
 * `${webhook-id}.${webhook-timestamp}.${body}`, the key is the base64 part of a `whsec_`
 * secret, and `webhook-signature` carries one or more space-separated `v1,<base64>` values.
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new signing secret: `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString('base64');
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret, 'base64');
}

/** One `v1,<base64>` signature of a message with one secret. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', keyOf(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three headers of one delivery attempt, signed with every given secret (several during rotation). */
export function webhookHeaders(secrets: readonly string[], id: string, timestampSeconds: number, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => signWebhook(s, id, timestampSeconds, body)).join(' '),
  };
}

/** Thrown by `verifyWebhook` with the reason the message was refused. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

function header(headers: Record<string, string | string[] | undefined> | Headers, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const h = headers as Record<string, string | string[] | undefined>;
  const v = h[name] ?? h[name.toLowerCase()] ?? Object.entries(h).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Verifies a received webhook: a valid signature by `secret` over the exact raw body, and a
 * timestamp within `toleranceSeconds` of now. Returns the parsed event; throws
 * WebhookVerificationError otherwise. Dedupe on the returned `id` (the `webhook-id`).
 */
export function verifyWebhook<T = { id: string; type: string; created_at: string; livemode: boolean; data: { object: unknown } }>(
  secret: string,
  body: string,
  headers: Record<string, string | string[] | undefined> | Headers,
  options: { toleranceSeconds?: number; now?: number } = {},
): T {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing webhook-id, webhook-timestamp or webhook-signature');
  const ts = Number(timestamp);
  if (!Number.isInteger(ts)) throw new WebhookVerificationError('webhook-timestamp is not an integer');
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(now - ts) > tolerance) throw new WebhookVerificationError('webhook-timestamp is too far from now');
  const expected = Buffer.from(signWebhook(secret, id, ts, body).slice(3), 'base64');
  const ok = signatures.split(' ').some((sig) => {
    const [version, value] = sig.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok) throw new WebhookVerificationError('no signature matches');
  return JSON.parse(body) as T;
}
