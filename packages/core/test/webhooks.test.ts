import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, verifyWebhook, webhookHeaders, WebhookVerificationError } from '../src/index.js';

describe('verifyWebhook', () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ id: 'evt_1', type: 'spend_request.approved', created_at: '2026-01-01T00:00:00Z', livemode: false, data: { object: { id: 'req_1' } } });
  const now = Math.floor(Date.now() / 1000);

  it('accepts what standardwebhooks signs, and standardwebhooks accepts what Bursar signs', () => {
    const theirs = new Webhook(secret).sign('evt_1', new Date(now * 1000), body);
    const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(now), 'webhook-signature': theirs };
    expect(verifyWebhook(secret, body, headers)).toMatchObject({ id: 'evt_1' });
    const ours = webhookHeaders([secret], 'evt_1', now, body);
    expect(new Webhook(secret).verify(body, ours)).toMatchObject({ id: 'evt_1' });
    expect(ours['webhook-signature']).toBe(theirs);
  });

  it('accepts either of two signatures during a rotation, and a Headers object', () => {
    const other = generateWebhookSecret();
    const headers = new Headers(webhookHeaders([other, secret], 'evt_1', now, body));
    expect(verifyWebhook(secret, body, headers)).toMatchObject({ id: 'evt_1' });
    expect(verifyWebhook(other, body, headers)).toMatchObject({ id: 'evt_1' });
  });

  it.each([
    ['a tampered body', (h: Record<string, string>) => [body.replace('req_1', 'req_2'), h] as const],
    ['another id', (h: Record<string, string>) => [body, { ...h, 'webhook-id': 'evt_2' }] as const],
    ['an old timestamp', () => {
      const old = now - 3600;
      return [body, webhookHeaders([secret], 'evt_1', old, body)] as const;
    }],
    ['no signature', (h: Record<string, string>) => [body, { ...h, 'webhook-signature': '' }] as const],
    ['a v2 signature', (h: Record<string, string>) => [body, { ...h, 'webhook-signature': h['webhook-signature']!.replace('v1,', 'v2,') }] as const],
  ])('rejects %s', (_name, mutate) => {
    const [b, h] = mutate(webhookHeaders([secret], 'evt_1', now, body));
    expect(() => verifyWebhook(secret, b, h)).toThrow(WebhookVerificationError);
  });
});
