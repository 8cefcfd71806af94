import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The key file generated into the data dir when BURSAR_ENCRYPTION_KEY is not set. */
export const KEY_FILE = 'encryption.key';

/**
 * Parses an AES-256 key given as 64 hex characters or as base64 (or base64url) of 32 bytes;
 * anything else is refused, so a typo never becomes a weak key.
 */
export function parseEncryptionKey(value: string): Buffer {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(v)) {
    const key = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  throw new Error('BURSAR_ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64 (generate one with: openssl rand -base64 32)');
}

/** True when `value` parses as a key (the configuration check). */
export function isEncryptionKey(value: string): boolean {
  try {
    parseEncryptionKey(value);
    return true;
  } catch {
    return false;
  }
}

/** How every sealed value begins; a plaintext secret (`whsec_…`, a PEM key, a card number) never does. */
export const SEALED_PREFIX = 'v1.';

/** True when `value` is in the sealed format (not whether it opens: that needs the key). */
export function isSealed(value: string): boolean {
  return /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/.test(value);
}

/**
 * Encrypts small secrets at rest with AES-256-GCM (card numbers and CVCs, webhook and callback
 * signing secrets, token signing keys), and derives keyed lookup hashes so a card can be found
 * by its number without decrypting every row.
 */
export class SecretBox {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error('encryption key must be 32 bytes');
    // Separate keys for encryption and lookup hashes, both derived from the one configured key.
    this.encKey = createHmac('sha256', key).update('bursar:aes-256-gcm').digest();
    this.macKey = createHmac('sha256', key).update('bursar:lookup').digest();
  }

  /** `v1.<iv>.<ciphertext>.<tag>` in base64url; the associated data binds it to its row and field. */
  encrypt(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  decrypt(sealed: string, aad: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== 'v1' || iv === undefined || body === undefined || tag === undefined) throw new Error('unreadable sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** A keyed hash to look a secret up by (HMAC-SHA256, hex). */
  lookupHash(value: string): string {
    return createHmac('sha256', this.macKey).update(value).digest('hex');
  }

  /** A fingerprint of the key, stored in the database to catch a process started with another key. */
  fingerprint(): string {
    return this.lookupHash('bursar:key-check').slice(0, 32);
  }

  fingerprintMatches(stored: string): boolean {
    const mine = Buffer.from(this.fingerprint());
    const theirs = Buffer.from(stored);
    return mine.length === theirs.length && timingSafeEqual(mine, theirs);
  }
}

/**
 * The key from BURSAR_ENCRYPTION_KEY, or else the one in `<dataDir>/encryption.key`, generated
 * on first start with 0600 permissions. Several processes starting at once on one data dir
 * agree on one key: the file is written aside and linked into place, which fails if it exists.
 */
export function loadEncryptionKey(configured: string | undefined, dataDir: string): { key: Buffer; source: 'env' | 'file' } {
  if (configured !== undefined) return { key: parseEncryptionKey(configured), source: 'env' };
  const path = join(dataDir, KEY_FILE);
  try {
    return { key: parseKeyFile(path), source: 'file' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  return { key: parseKeyFile(path), source: 'file' };
}

function parseKeyFile(path: string): Buffer {
  const text = readFileSync(path, 'utf8');
  try {
    return parseEncryptionKey(text);
  } catch {
    throw new Error(`${path} does not hold a 32-byte key (base64 or hex); restore it or set BURSAR_ENCRYPTION_KEY`);
  }
}

/**
 * Checks the key against the fingerprint recorded in the database (recording it on first
 * use): a process started with another key would write secrets the others cannot read.
 */
export async function checkKeyFingerprint(
  box: SecretBox,
  stored: string | undefined,
  record: (fingerprint: string) => Promise<void>,
): Promise<void> {
  if (stored === undefined) return record(box.fingerprint());
  if (!box.fingerprintMatches(stored)) {
    throw new Error(
      'The encryption key differs from the one that encrypted this database\'s secrets: set the same BURSAR_ENCRYPTION_KEY on every process (or restore the data dir\'s encryption.key)',
    );
  }
}
