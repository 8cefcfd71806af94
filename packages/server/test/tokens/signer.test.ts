import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/crypto/encryption.js';
import { openPostgres, openSqlite, type Database } from '../../src/db/database.js';
import { activateSigningKey, insertSigningKey, retireSigningKeysBut } from '../../src/store/signing-keys.js';
import { signingKeyAad, TokenSigner } from '../../src/tokens/signer.js';
import { createPgDatabase } from '../helpers/pg.js';

const box = new SecretBox(randomBytes(32));
const HOUR = 3_600_000;
const kidOf = async (signer: TokenSigner) =>
  decodeProtectedHeader((await signer.sign('authorization', {}, { expiresAt: Date.now() + 60_000, subject: 'agt_test' })).token).kid;
const keyRows = (db: Database) => db.db.selectFrom('signing_keys').selectAll().execute();

/**
 * When a new signing key starts to sign, on PostgreSQL (other processes load keys every
 * `reloadMs`): never before every process can publish it, however long its write took.
 */
describe('token signer on PostgreSQL', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openPostgres(await createPgDatabase(), { poolSize: 2, statementTimeoutMs: 5000 });
  });
  afterAll(() => db?.close());

  it('a rotation publishes the new key at once and signs with it only 1.5 × reloadMs after its write is committed', async () => {
    const signer = new TokenSigner(db, box, 'bursar', HOUR, 60_000);
    await signer.init();
    const oldKid = await kidOf(signer);
    const written = Date.now();
    const newKid = await signer.rotate();

    expect(await kidOf(signer)).toBe(oldKid);
    expect((await signer.publishedJwks()).keys.map((k) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    const rows = await keyRows(db);
    const added = rows.find((r) => r.kid === newKid)!;
    const old = rows.find((r) => r.kid === oldKid)!;
    expect(added.signs_from).toBeGreaterThanOrEqual(written + 90_000);
    expect(added.retire_after).toBeNull();
    // The old key signs until then, and stays published until the last token it signed expired.
    expect(old.retire_after).toBe(added.signs_from! + HOUR);
  });

  it('a key a rotation wrote but never activated is published and signs nothing, however long ago it was written', async () => {
    const fresh = await openPostgres(await createPgDatabase(), { poolSize: 2, statementTimeoutMs: 5000 });
    try {
      const first = new TokenSigner(fresh, box, 'bursar', HOUR, 10);
      await first.init();
      const before = await kidOf(first);
      // As a rotation that stopped between its two writes leaves its key.
      const kid = 'bsk-unactivated';
      const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      await insertSigningKey(fresh.db, {
        kid,
        public_jwk: JSON.stringify({ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }),
        private_key: box.encrypt(await exportPKCS8(privateKey), signingKeyAad(kid)),
        created_at: Date.now(), retire_after: null, signs_from: null,
      });
      await new Promise((r) => setTimeout(r, 100));
      for (const signer of [first, new TokenSigner(fresh, box, 'bursar', HOUR, 10)]) {
        if (signer !== first) await signer.init();
        expect((await signer.publishedJwks()).keys.map((k) => k.kid)).toContain(kid);
        expect(await kidOf(signer)).toBe(before);
      }
    } finally {
      await fresh.close();
    }
  });
});

describe('two rotations at once on PostgreSQL', () => {
  it('leave one key that signs: neither retires a key the other has written and not yet activated', async () => {
    const fresh = await openPostgres(await createPgDatabase(), { poolSize: 2, statementTimeoutMs: 5000 });
    try {
      const signer = new TokenSigner(fresh, box, 'bursar', HOUR, 60_000);
      await signer.init();
      const first = (await keyRows(fresh))[0]!.kid;
      // Another process's rotation has written its key (its first write) and not yet activated it.
      const other = 'bsk-other-rotation';
      const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      await insertSigningKey(fresh.db, {
        kid: other,
        public_jwk: JSON.stringify({ ...(await exportJWK(publicKey)), kid: other, alg: 'EdDSA', use: 'sig' }),
        private_key: box.encrypt(await exportPKCS8(privateKey), signingKeyAad(other)),
        created_at: Date.now(), retire_after: null, signs_from: null,
      });
      const mine = await signer.rotate();
      const active = async () => (await keyRows(fresh)).filter((r) => r.retire_after === null).map((r) => r.kid).sort();
      expect(await active()).toEqual([mine, other].sort());
      expect((await keyRows(fresh)).find((r) => r.kid === first)!.retire_after).not.toBeNull();
      // The other rotation finishes: its key, activated last, is the one left active.
      await fresh.transact(async (tx) => {
        await activateSigningKey(tx, other, Date.now() + 90_000);
        expect(await retireSigningKeysBut(tx, other, Date.now() + 90_000 + HOUR)).toEqual([mine]);
      });
      expect(await active()).toEqual([other]);
    } finally {
      await fresh.close();
    }
  });
});

describe('token signer on SQLite', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bursar-signer-'));
  let db: Database;
  beforeAll(async () => {
    db = await openSqlite(dataDir);
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('one process holds every key: a rotated key signs at once', async () => {
    const signer = new TokenSigner(db, box, 'bursar', HOUR, 1000);
    await signer.init();
    const newKid = await signer.rotate();
    expect(await kidOf(signer)).toBe(newKid);
  });
});
