import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEY_FILE, loadEncryptionKey, parseEncryptionKey, SecretBox } from '../../src/crypto/encryption.js';
import { parseEnv } from '../../src/env.js';
import { isLuhnValid, luhnCheckDigit, SANDBOX_BIN, sandboxIssuer } from '../../src/rails/issuer.js';

describe('Luhn', () => {
  it('accepts known valid numbers and rejects one-digit changes', () => {
    for (const n of ['4242424242424242', '4000056655665556', '5555555555554444', '378282246310005', '6011111111111117']) {
      expect(isLuhnValid(n)).toBe(true);
      const last = Number(n.at(-1));
      expect(isLuhnValid(n.slice(0, -1) + String((last + 1) % 10))).toBe(false);
    }
    expect(isLuhnValid('4242 4242 4242 4242')).toBe(false);
    expect(isLuhnValid('42424')).toBe(false);
  });

  it('completes any digit string into a valid number', () => {
    fc.assert(fc.property(fc.stringMatching(/^\d{11,18}$/), (partial) => isLuhnValid(partial + luhnCheckDigit(partial))));
  });

  it('the sandbox issuer makes Luhn-valid 16-digit numbers from the test BIN with a CVC and a future expiry', async () => {
    const now = Date.UTC(2026, 10, 23);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const card = await sandboxIssuer.issue({ type: 'multi_use', currency: 'usd', reference: `card_${i}`, spendLimitCents: null, now });
      expect(card.number).toMatch(/^\d{16}$/);
      expect(card.number.startsWith(SANDBOX_BIN)).toBe(true);
      expect(isLuhnValid(card.number)).toBe(true);
      expect(card.cvc).toMatch(/^\d{3}$/);
      expect(card.expYear).toBe(2029);
      expect(card.expMonth).toBe(11);
      seen.add(card.number);
    }
    expect(seen.size).toBe(200);
  });
});

describe('encryption at rest', () => {
  const key = Buffer.alloc(32, 7);

  it('seals with AES-256-GCM: round trip, fresh IV each time, tamper and wrong-row detection', () => {
    const box = new SecretBox(key);
    const a = box.encrypt('4242424242424242', 'card:card_1:number');
    const b = box.encrypt('4242424242424242', 'card:card_1:number');
    expect(a).not.toBe(b);
    expect(a).not.toContain('4242');
    expect(box.decrypt(a, 'card:card_1:number')).toBe('4242424242424242');
    expect(() => box.decrypt(a, 'card:card_2:number')).toThrow();
    const parts = a.split('.');
    parts[2] = Buffer.from('x'.repeat(16)).toString('base64url');
    expect(() => box.decrypt(parts.join('.'), 'card:card_1:number')).toThrow();
    expect(() => new SecretBox(Buffer.alloc(32, 8)).decrypt(a, 'card:card_1:number')).toThrow();
    expect(box.lookupHash('4242424242424242')).toBe(new SecretBox(key).lookupHash('4242424242424242'));
    expect(box.lookupHash('4242424242424242')).not.toBe(new SecretBox(Buffer.alloc(32, 8)).lookupHash('4242424242424242'));
  });

  it('takes 32 bytes as hex or base64 and refuses anything else with a clear startup error', () => {
    expect(parseEncryptionKey(key.toString('hex'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64url'))).toEqual(key);
    for (const bad of ['short', Buffer.alloc(16).toString('base64'), Buffer.alloc(33).toString('hex'), 'z'.repeat(64)]) {
      expect(() => parseEncryptionKey(bad)).toThrow(/BURSAR_ENCRYPTION_KEY/);
      expect(() => parseEnv({ BURSAR_ENCRYPTION_KEY: bad })).toThrow(/BURSAR_ENCRYPTION_KEY: must be 32 bytes/);
    }
    expect(parseEnv({ BURSAR_ENCRYPTION_KEY: key.toString('base64') }).BURSAR_ENCRYPTION_KEY).toBe(key.toString('base64'));
  });

  it('generates the key into the data dir with 0600 permissions once, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bursar-key-'));
    try {
      const first = loadEncryptionKey(undefined, dir);
      expect(first.source).toBe('file');
      expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
      expect(loadEncryptionKey(undefined, dir).key).toEqual(first.key);
      expect(loadEncryptionKey(key.toString('hex'), dir)).toEqual({ key, source: 'env' });
      writeFileSync(join(dir, KEY_FILE), 'garbage');
      expect(() => loadEncryptionKey(undefined, dir)).toThrow(/does not hold a 32-byte key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the encryption key at start', () => {
  it('a process started with another key than the one that sealed the database refuses to start', async () => {
    const { startServer } = await import('../../src/server.js');
    const dir = mkdtempSync(join(tmpdir(), 'bursar-keycheck-'));
    const env = (key: string) => parseEnv({ PORT: '0', BURSAR_DATA_DIR: dir, BURSAR_LOG_LEVEL: 'silent', BURSAR_ENCRYPTION_KEY: key });
    try {
      const first = await startServer(env(Buffer.alloc(32, 1).toString('base64')));
      await first.close();
      await expect(startServer(env(Buffer.alloc(32, 2).toString('base64')))).rejects.toThrow(/encryption key differs/);
      const again = await startServer(env(Buffer.alloc(32, 1).toString('hex')));
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
