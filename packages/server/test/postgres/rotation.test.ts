import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/crypto/encryption.js';
import { openPostgres, type Database } from '../../src/db/database.js';
import { TokenSigner } from '../../src/tokens/signer.js';
import { createPgDatabase } from '../helpers/pg.js';
import { keysFrom, spawnServer, terminate, type ServerProcess } from '../helpers/process.js';
import { api, spendBody } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Signing-key rotation with tokens in flight, on three `bursar serve` processes sharing one
 * PostgreSQL database: a fourth process (this test) rotates the key, as an operator's would.
 */
describe('signing-key rotation across processes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bursar-pg-rot-'));
  const encryptionKey = randomBytes(32).toString('base64');
  const servers: ServerProcess[] = [];
  let db: Database;
  let mgmt: string;
  let spend: string;
  let agentId: string;

  beforeAll(async () => {
    const env = {
      DATABASE_URL: await createPgDatabase(),
      BURSAR_ENCRYPTION_KEY: encryptionKey,
      // Each process looks for keys another created every second; a new key signs after 1.5 s.
      BURSAR_SIGNING_KEY_RELOAD_SECONDS: '1',
      BURSAR_DB_STATEMENT_TIMEOUT_MS: '30000',
    };
    servers.push(...(await Promise.all([0, 1, 2].map(() => spawnServer(dataDir, env)))));
    const banner = servers.map((s) => s.stdout()).find((o) => /Management key/.test(o))!;
    ({ mgmt, spend } = keysFrom(banner));
    db = await openPostgres(env.DATABASE_URL, { poolSize: 2, statementTimeoutMs: 5000 });
    const wallets = await api(servers[0]!.url, 'GET', '/v1/wallets', { key: mgmt });
    await api(servers[0]!.url, 'POST', `/v1/wallets/${wallets.body.data[0].id}/fund`, { key: mgmt, body: { amount_cents: 10_000_000 } });
    agentId = (await api(servers[0]!.url, 'GET', '/v1/balance', { key: spend })).body.agent_id;
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    for (const s of servers) expect(await terminate(s)).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const jwksOf = async (s: ServerProcess) => (await api(s.url, 'GET', '/.well-known/jwks.json', {})).body as JSONWebKeySet;
  const approved = async (s: ServerProcess) => {
    const r = await api(s.url, 'POST', '/v1/spend-requests', { key: spend, body: spendBody(100) });
    expect(r.body.status).toBe('approved');
    return r.body.authorization_token as string;
  };
  async function executionToken(s: ServerProcess) {
    const m = await api(s.url, 'POST', '/v1/mandates', { key: mgmt, body: { agent_id: agentId, description: 'rotation', currency: 'usd' } });
    const t = await api(s.url, 'POST', `/v1/agents/${agentId}/execution-tokens`, { key: mgmt, body: { mandate_id: m.body.id, action: 'payment.create', audience: 'bursar:payments' } });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    return t.body.token as string;
  }

  it('honours tokens issued before a rotation, and every token any process signs verifies against the JWKS of every process', async () => {
    const [a, b, c] = servers as [ServerProcess, ServerProcess, ServerProcess];
    const before = { authorization: await approved(a), execution: await executionToken(b) };
    const oldKid = decodeProtectedHeader(before.authorization).kid!;

    const signer = new TokenSigner(db, new SecretBox(Buffer.from(encryptionKey, 'base64')), 'bursar', 3_600_000, 1000);
    await signer.init();
    const newKid = await signer.rotate();
    expect(newKid).not.toBe(oldKid);

    // For four seconds: a and b sign (c only serves its JWKS, as an idle process behind a load
    // balancer would); every token must verify against every process's JWKS, whichever key signed it.
    const kids = new Set<string>();
    for (const deadline = Date.now() + 4000; Date.now() < deadline; await sleep(200)) {
      const tokens = [await approved(a), await approved(b)];
      const sets = await Promise.all([a, b, c].map(jwksOf));
      for (const token of tokens) {
        kids.add(decodeProtectedHeader(token).kid!);
        for (const set of sets) await jwtVerify(token, createLocalJWKSet(set), { issuer: 'bursar', algorithms: ['EdDSA'] });
      }
    }
    // The new key took over once every process published it; the old one signed until then.
    expect([...kids].sort()).toEqual([newKid, oldKid].sort());
    const after = await approved(a);
    expect(decodeProtectedHeader(after).kid).toBe(newKid);

    // Tokens issued before the rotation: still verify everywhere, and the execution token pays on another process.
    for (const s of [a, b, c]) await jwtVerify(before.authorization, createLocalJWKSet(await jwksOf(s)), { issuer: 'bursar', algorithms: ['EdDSA'] });
    const paid = await api(c.url, 'POST', '/v1/payments', { key: before.execution, body: { amount_cents: 250, currency: 'usd', merchant_name: 'AWS' } });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.status).toBe('succeeded');
  }, 60_000);
});
