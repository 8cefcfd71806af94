import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, exportPKCS8, generateKeyPair, jwtVerify, type JWK } from 'jose';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSealed, loadEncryptionKey, SecretBox } from '../../src/crypto/encryption.js';
import type { Database } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/open.js';
import { parseEnv, startServer, type RunningServer } from '../../src/index.js';
import { signingKeyAad } from '../../src/tokens/signer.js';
import { createPgDatabase } from '../helpers/pg.js';
import { startReceiver, type Received, type Receiver } from '../helpers/receiver.js';
import { api, spendBody } from '../helpers/server.js';

const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;

/** What must not appear in the database for `secret`: the value, and its encoded key material alone. */
function needles(secret: string): string[] {
  if (secret.startsWith('whsec_')) return [secret, secret.slice('whsec_'.length)];
  const body = secret.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  return ['PRIVATE KEY-----', body, body.slice(0, 40)];
}

function verifies(secret: string, r: Received): boolean {
  try {
    new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

const eventOf = (r: Received) => JSON.parse(r.body) as { type: string; data: { object: { id: string } } };

describe.each(['sqlite', 'postgres'] as const)('secrets at rest on %s', (driver) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bursar-sealed-'));
  let databaseUrl: string | undefined;
  let server: RunningServer;
  let logs: string[] = [];
  let mgmt: string;
  let spend: string;
  let workspaceId: string;
  let endpointRx: Receiver;
  let callbackRx: Receiver;
  let legacyRx: Receiver;
  /** Every secret this test saw, in plaintext. */
  const seen: string[] = [];
  let endpoint: { id: string; first: string; second: string };
  let callback: { first: string; second: string };

  async function start(): Promise<RunningServer> {
    logs = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    });
    const env = parseEnv({
      PORT: '0', BURSAR_DATA_DIR: dataDir, BURSAR_RATE_LIMIT_RPS: '0', BURSAR_AUTH_FAILURE_LIMIT: '0', BURSAR_LOG_LEVEL: 'info',
      BURSAR_WEBHOOK_RETRY_SCHEDULE: '0.2,0.2', BURSAR_WEBHOOK_TIMEOUT_SECONDS: '1', BURSAR_DB_STATEMENT_TIMEOUT_MS: '30000',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    });
    return startServer(env, { logDestination: sink });
  }

  /** The database as someone who copied it would see it: the SQLite files' bytes, or every row of every PostgreSQL table. */
  async function rawDatabase(db: Database): Promise<string> {
    if (driver === 'sqlite') {
      const file = join(dataDir, 'bursar.db');
      return [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('\n');
    }
    const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public'`.execute(db.db);
    const dumps = await Promise.all(tables.rows.map((t) => sql<{ row: string }>`select t::text as row from ${sql.table(t.tablename)} t`.execute(db.db)));
    return dumps.flatMap((d) => d.rows.map((r) => r.row)).join('\n');
  }

  /** The signing keys' private keys, opened with the data dir's key (the test's only way to know them). */
  async function privateKeys(db: Database): Promise<string[]> {
    const box = new SecretBox(loadEncryptionKey(undefined, dataDir).key);
    const rows = await db.db.selectFrom('signing_keys').select(['kid', 'private_key']).execute();
    return rows.map((r) => box.decrypt(r.private_key, signingKeyAad(r.kid)));
  }

  async function sealedColumns(db: Database): Promise<string[]> {
    const endpoints = await db.db.selectFrom('webhook_endpoints').select(['secret', 'previous_secret']).orderBy('id').execute();
    const workspaces = await db.db.selectFrom('workspaces').select(['callback_secret', 'previous_callback_secret']).orderBy('id').execute();
    const keys = await db.db.selectFrom('signing_keys').select('private_key').orderBy('kid').execute();
    return [
      ...endpoints.flatMap((e) => [e.secret, e.previous_secret]),
      ...workspaces.flatMap((w) => [w.callback_secret, w.previous_callback_secret]),
      ...keys.map((k) => k.private_key),
    ].filter((v): v is string => v !== null);
  }

  async function expectNothingInPlaintext(): Promise<void> {
    const keys = await privateKeys(server.db);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k).toContain('BEGIN PRIVATE KEY');
    const raw = await rawDatabase(server.db);
    expect(raw.length).toBeGreaterThan(1000);
    for (const secret of [...seen, ...keys]) for (const n of needles(secret)) expect(raw.includes(n), `${n.slice(0, 12)}… in the database`).toBe(false);
    expect((await sealedColumns(server.db)).every(isSealed)).toBe(true);
  }

  /** A spend request's events, reaching both the endpoint's receiver and its own callback_url. */
  async function spendWithCallback(): Promise<{ id: string; token: string }> {
    const r = await api(server.url, 'POST', '/v1/spend-requests', { key: spend, body: spendBody(25, { callback_url: callbackRx.url }) });
    expect(r.body.status).toBe('approved');
    const mine = (x: Received) => eventOf(x).data.object.id === r.body.id;
    await endpointRx.waitFor((got) => got.some(mine));
    await callbackRx.waitFor((got) => got.some(mine));
    return { id: r.body.id, token: r.body.authorization_token };
  }

  const received = (rx: Receiver, spendId: string) => rx.received.filter((x) => eventOf(x).data.object.id === spendId);

  async function expectTokenVerifies(token: string): Promise<void> {
    const jwks = await api(server.url, 'GET', '/.well-known/jwks.json');
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks.body), { issuer: 'bursar', algorithms: ['EdDSA'] });
    expect(payload.token_use).toBe('authorization');
  }

  beforeAll(async () => {
    if (driver === 'postgres') databaseUrl = await createPgDatabase();
    [endpointRx, callbackRx, legacyRx] = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
    server = await start();
    const p = server.provisioned!;
    ({ managementKey: mgmt, spendingKey: spend, workspaceId } = p);
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all([endpointRx, callbackRx, legacyRx].map((rx) => rx?.close()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores webhook, callback and signing secrets sealed, and signs with both secrets during a rotation', async () => {
    const created = await api(server.url, 'POST', '/v1/webhooks', { key: mgmt, body: { url: endpointRx.url, events: ['spend_request.*'] } });
    expect(created.status).toBe(201);
    const rotated = await api(server.url, 'POST', `/v1/webhooks/${created.body.id}/rotate-secret`, { key: mgmt });
    expect(rotated.status).toBe(200);
    endpoint = { id: created.body.id, first: created.body.secret, second: rotated.body.secret };
    const c1 = await api(server.url, 'POST', '/v1/callback-secret', { key: mgmt });
    const c2 = await api(server.url, 'POST', '/v1/callback-secret', { key: mgmt });
    expect(c2.body.previous_secret_expires_at).toEqual(expect.any(String));
    callback = { first: c1.body.secret, second: c2.body.secret };
    seen.push(endpoint.first, endpoint.second, callback.first, callback.second);
    for (const s of seen) expect(s).toMatch(/^whsec_/);

    const { id, token } = await spendWithCallback();
    for (const hit of received(endpointRx, id)) {
      expect(verifies(endpoint.second, hit)).toBe(true);
      expect(verifies(endpoint.first, hit)).toBe(true);
    }
    for (const hit of received(callbackRx, id)) {
      expect(verifies(callback.second, hit)).toBe(true);
      expect(verifies(callback.first, hit)).toBe(true);
      expect(verifies(endpoint.second, hit)).toBe(false);
    }
    await expectTokenVerifies(token);
    await expectNothingInPlaintext();
  });

  it('a sealed secret moved to another row or field does not open', async () => {
    const row = await server.db.db.selectFrom('webhook_endpoints').select(['id', 'secret']).where('id', '=', endpoint.id).executeTakeFirstOrThrow();
    const box = new SecretBox(loadEncryptionKey(undefined, dataDir).key);
    expect(box.decrypt(row.secret, `webhook_endpoint:${row.id}:secret`)).toBe(endpoint.second);
    expect(() => box.decrypt(row.secret, `webhook_endpoint:${row.id}:previous_secret`)).toThrow();
    expect(() => box.decrypt(row.secret, `webhook_endpoint:whk_other:secret`)).toThrow();
  });

  it('keeps working after a restart with the same key', async () => {
    const before = await sealedColumns(server.db);
    const oldToken = (await spendWithCallback()).token;
    await server.close();
    server = await start();
    expect(server.provisioned).toBeNull();
    expect(await sealedColumns(server.db)).toEqual(before);
    const { id, token } = await spendWithCallback();
    expect(received(endpointRx, id).every((hit) => verifies(endpoint.second, hit) && verifies(endpoint.first, hit))).toBe(true);
    expect(received(callbackRx, id).every((hit) => verifies(callback.second, hit) && verifies(callback.first, hit))).toBe(true);
    await expectTokenVerifies(oldToken);
    await expectTokenVerifies(token);
  });

  it('seals the plaintext a database written before this change holds, at the next start, and keeps working', async () => {
    await server.close();
    const now = Date.now();
    const legacy = { secret: whsec(), previous: whsec(), callback: whsec(), previousCallback: whsec() };
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const kid = `bsk-legacy-${now.toString(36)}`;
    const pem = await exportPKCS8(pair.privateKey);
    const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid, alg: 'EdDSA', use: 'sig' };
    // Written the way the previous version wrote them: in plaintext.
    const db = await openDatabase(parseEnv({ BURSAR_DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }), dataDir);
    try {
      await db.db.insertInto('webhook_endpoints').values({
        id: `whk_legacy${now}`, workspace_id: workspaceId, url: legacyRx.url, description: 'legacy', events: JSON.stringify(['spend_request.*']),
        status: 'enabled', disabled_reason: null, secret: legacy.secret, previous_secret: legacy.previous,
        previous_secret_expires_at: now + 3600_000, secret_rotated_at: now, failing_since: null, livemode: 0,
        created_at: now - 1000, updated_at: now, deleted_at: null,
      }).execute();
      await db.db.updateTable('workspaces').set({
        callback_secret: legacy.callback, previous_callback_secret: legacy.previousCallback, previous_callback_secret_expires_at: now + 3600_000,
      }).where('id', '=', workspaceId).execute();
      await db.db.insertInto('signing_keys').values({ kid, public_jwk: JSON.stringify(publicJwk), private_key: pem, created_at: now, retire_after: null, signs_from: now }).execute();
    } finally {
      await db.close();
    }
    seen.push(...Object.values(legacy));
    if (driver === 'sqlite') expect(readFileSync(join(dataDir, 'bursar.db')).toString('latin1')).toContain(legacy.secret);

    server = await start();
    expect(logs.join('')).toMatch(/sealed plaintext secrets/);
    await expectNothingInPlaintext();

    const r = await api(server.url, 'POST', '/v1/spend-requests', { key: spend, body: spendBody(26, { callback_url: callbackRx.url }) });
    expect(r.body.status).toBe('approved');
    const mine = (x: Received) => eventOf(x).data.object.id === r.body.id;
    await Promise.all([legacyRx, callbackRx, endpointRx].map((rx) => rx.waitFor((got) => got.some(mine))));
    for (const hit of received(legacyRx, r.body.id)) expect(verifies(legacy.secret, hit) && verifies(legacy.previous, hit)).toBe(true);
    for (const hit of received(callbackRx, r.body.id)) expect(verifies(legacy.callback, hit) && verifies(legacy.previousCallback, hit)).toBe(true);
    for (const hit of received(endpointRx, r.body.id)) expect(verifies(endpoint.second, hit)).toBe(true);
    // The legacy key is the newest: it signs, and the JWKS (and its own public key) verify it.
    expect(decodeProtectedHeader(r.body.authorization_token).kid).toBe(kid);
    await expectTokenVerifies(r.body.authorization_token);
    await jwtVerify(r.body.authorization_token, pair.publicKey, { issuer: 'bursar' });
  });

  it('a second start finds nothing left to seal and changes nothing', async () => {
    const before = await sealedColumns(server.db);
    await server.close();
    server = await start();
    expect(logs.join('')).not.toMatch(/sealed plaintext secrets/);
    expect(await sealedColumns(server.db)).toEqual(before);
    await expectNothingInPlaintext();
  });
});
