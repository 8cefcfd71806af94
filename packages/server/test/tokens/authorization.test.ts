import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';

describe('authorization tokens', () => {
  let s: TestServer;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  beforeAll(async () => {
    s = await startTestServer();
    jwks = createRemoteJWKSet(new URL(`${s.url}/.well-known/jwks.json`));
  });
  afterAll(() => s.close());

  it('an approved spend carries an Ed25519 JWS that verifies offline against the JWKS', async () => {
    const r = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(1234, { merchant_name: 'OpenAI Inc', category: 'api' }) });
    expect(r.body.status).toBe('approved');
    const token = r.body.authorization_token as string;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: expect.any(String) });
    const { payload } = await jwtVerify(token, jwks, { issuer: 'bursar', algorithms: ['EdDSA'] });
    expect(payload).toMatchObject({
      iss: 'bursar',
      sub: s.agentId,
      spend_request_id: r.body.id,
      amount_cents: 1234,
      currency: 'usd',
      merchant: 'OpenAI Inc',
      merchant_normalized: 'openai',
      category: 'api',
      token_use: 'authorization',
    });
    expect(typeof payload.jti).toBe('string');
    expect(payload.exp! * 1000).toBe(Math.floor(Date.parse(r.body.expires_at) / 1000) * 1000);
    expect(payload.iat).toBeLessThanOrEqual(payload.exp!);
    const again = await api(s.url, 'GET', `/v1/spend-requests/${r.body.id}`, { key: s.spend });
    expect(again.body.authorization_token).toBe(token);
  });

  it('declined and pending requests carry none; approval by an operator adds one', async () => {
    const pending = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(30_000) });
    expect(pending.body).toMatchObject({ status: 'needs_approval', authorization_token: null });
    const approved = await api(s.url, 'POST', `/v1/approvals/${pending.body.approval_id}/approve`, { key: s.mgmt, body: { override_budget: true } });
    const token = approved.body.spend_request.authorization_token as string;
    const { payload } = await jwtVerify(token, jwks, { issuer: 'bursar' });
    expect(payload).toMatchObject({ spend_request_id: pending.body.id, amount_cents: 30_000 });
    await api(s.url, 'PUT', `/v1/policies/${s.policyId}`, { key: s.mgmt, body: { is_active: false } });
    const inactive = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(10) });
    expect(inactive.body).toMatchObject({ status: 'declined', authorization_token: null });
    await api(s.url, 'PUT', `/v1/policies/${s.policyId}`, { key: s.mgmt, body: { is_active: true } });
  });

  it('keeps signing after its keys have gone stale (no reload inside a SQLite transaction)', async () => {
    // A signer that last loaded its keys long ago must not query the database from inside
    // the deciding transaction: on SQLite's one connection that would wait forever.
    (s.server.signer as unknown as { loadedAt: number }).loadedAt = 0;
    const r = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(40) });
    expect(r.body.status).toBe('approved');
    expect(r.body.authorization_token).toMatch(/^eyJ/);
  });

  it('a tampered token does not verify', async () => {
    const r = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(50) });
    const [h, p, sig] = (r.body.authorization_token as string).split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.amount_cents = 5_000_000;
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
    await expect(jwtVerify(forged, jwks)).rejects.toThrow();
  });

  it('keeps verifying tokens signed before a key rotation', async () => {
    const before = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(60) });
    const oldKid = decodeProtectedHeader(before.body.authorization_token).kid;
    const rotated = await s.server.signer.rotate();
    const after = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(70) });
    expect(decodeProtectedHeader(after.body.authorization_token).kid).toBe(rotated);
    expect(rotated).not.toBe(oldKid);
    const fresh = createRemoteJWKSet(new URL(`${s.url}/.well-known/jwks.json`));
    await jwtVerify(before.body.authorization_token, fresh, { issuer: 'bursar' });
    await jwtVerify(after.body.authorization_token, fresh, { issuer: 'bursar' });
    const keys = await api(s.url, 'GET', '/.well-known/jwks.json');
    expect(keys.body.keys.map((k: { kid: string }) => k.kid)).toEqual(expect.arrayContaining([oldKid, rotated]));
    expect(keys.body.keys.every((k: { kty: string; crv: string; d?: string }) => k.kty === 'OKP' && k.crv === 'Ed25519' && k.d === undefined)).toBe(true);
  });
});
