import { createPrivateKey, randomUUID, sign as signBytes, type KeyObject } from 'node:crypto';
import {
  createLocalJWKSet, exportJWK, exportPKCS8, generateKeyPair, jwtVerify,
  type JSONWebKeySet, type JWK, type JWTPayload,
} from 'jose';
import type { SecretBox } from '../crypto/encryption.js';
import type { Database } from '../db/database.js';
import { activateSigningKey, activeSigningKeys, extendRetirement, insertSigningKey, retireSigningKeysBut, type SigningKeyRow } from '../store/signing-keys.js';

/** What a token is for; a token of one use is never accepted as another. */
export type TokenUse = 'authorization' | 'execution';

interface LoadedKey {
  kid: string;
  privateKey: KeyObject;
  /** The encoded protected header, the same for every token this key signs. */
  header: string;
  publicJwk: JWK;
  createdAt: number;
  retireAfter: number | null;
  /** When it may sign; null while a rotation is publishing it. */
  signsFrom: number | null;
}

/** Thrown when a token does not verify; `reason` is safe to show to the caller. */
export class TokenError extends Error {
  constructor(readonly reason: 'malformed' | 'expired' | 'bad_signature' | 'wrong_audience' | 'wrong_use' | 'unknown_key') {
    super(`token ${reason.replace('_', ' ')}`);
    this.name = 'TokenError';
  }
}

/** Associated data of a sealed private key: one moved to another row does not open. */
export const signingKeyAad = (kid: string) => `signing_key:${kid}:private_key`;

/**
 * Signs and verifies Bursar's tokens: Ed25519 JWS (alg EdDSA, a kid in the header). Keys live
 * in the database (private keys sealed with the SecretBox) so every process signs and verifies
 * with the same set; public keys are served at /.well-known/jwks.json. Rotation adds a key and
 * keeps the old one in the JWKS until every token it signed has expired.
 *
 * With several processes (PostgreSQL), each reloads the keys at least every `reloadMs` (on
 * signing, verifying and serving the JWKS), so a key another process created may be missing
 * from this process's JWKS for that long after it was committed. A rotation therefore writes the
 * new key first, signing nothing; once that write is committed (however long the commit took),
 * it sets the key to sign 1.5 × `reloadMs` later: by then every process publishes it, and a token
 * it signed verifies against the JWKS of any of them. Until then the previous key keeps signing,
 * and it stays published that much longer.
 */
export class TokenSigner {
  private keys: LoadedKey[] = [];
  private jwkSet: ReturnType<typeof createLocalJWKSet> = createLocalJWKSet({ keys: [] });
  private loadedAt = 0;

  constructor(
    private readonly db: Database,
    /** Seals private keys at rest; they are opened only into memory, to sign. */
    private readonly box: SecretBox,
    readonly issuer: string,
    /** The longest lifetime of any token: a retired key stays published this long. */
    private readonly maxLifetimeMs: number,
    /** How often, at most, this process looks for keys other processes created (PostgreSQL). */
    private readonly reloadMs = 60_000,
  ) {}

  /** How long a new key waits before it signs: until every process has loaded it (see above). */
  private get publishDelayMs(): number {
    return this.shared ? Math.ceil(this.reloadMs * 1.5) : 0;
  }

  private async reloadIfStale(): Promise<void> {
    if (this.shared && Date.now() - this.loadedAt > this.reloadMs) await this.reload();
  }

  /** Loads the keys, creating the first one when there is none (call under the setup lock). */
  async init(): Promise<void> {
    await this.reload();
    // The first key signs at once: there is no other, and no process serves before this one has set up.
    if (this.keys.every((k) => k.retireAfter !== null)) await this.addKey(0);
  }

  private async reload(): Promise<void> {
    // The time the read starts: it sees every key committed before then, however long it takes.
    const startedAt = Date.now();
    const rows = await activeSigningKeys(this.db.db, startedAt);
    this.keys = rows.map((row) => load(row, this.box));
    this.keys.sort((a, b) => b.createdAt - a.createdAt);
    this.jwkSet = createLocalJWKSet(this.jwks());
    this.loadedAt = startedAt;
  }

  /** Adds a new signing key; the previous ones keep verifying until their tokens have expired. */
  rotate(): Promise<string> {
    return this.addKey(this.publishDelayMs);
  }

  private async addKey(publishDelayMs: number): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const createdAt = Date.now();
    const kid = `bsk-${createdAt.toString(36)}-${randomUUID().slice(0, 8)}`;
    // Published first, signing nothing: every process loads it within `reloadMs` of this commit.
    await insertSigningKey(this.db.db, {
      kid,
      public_jwk: JSON.stringify({ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }),
      private_key: this.box.encrypt(await exportPKCS8(privateKey), signingKeyAad(kid)),
      created_at: createdAt,
      retire_after: null,
      signs_from: null,
    });
    // Committed: it signs once every process publishes it, and the keys before it until then,
    // each published until the last token it may sign has expired.
    const signsFrom = Date.now() + publishDelayMs;
    const retired = await this.db.transact(async (tx) => {
      await activateSigningKey(tx, kid, signsFrom);
      return retireSigningKeysBut(tx, kid, signsFrom + this.maxLifetimeMs);
    });
    // Another process signs with the keys before it until it has loaded this activation, up to
    // `reloadMs` after its commit: if the commit came too late for `signsFrom` to cover that,
    // those keys stay published longer, until the last token they may sign has expired.
    const lastOldSignature = Date.now() + this.reloadMs;
    if (this.shared && lastOldSignature > signsFrom) await extendRetirement(this.db.db, retired, lastOldSignature + this.maxLifetimeMs);
    await this.reload();
    return kid;
  }

  /** The public keys as loaded. */
  jwks(): JSONWebKeySet {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** The public keys, as served at /.well-known/jwks.json: never older than `reloadMs`. */
  async publishedJwks(): Promise<JSONWebKeySet> {
    await this.reloadIfStale();
    return this.jwks();
  }

  /**
   * Only PostgreSQL has other processes that may rotate keys. On SQLite this process holds every
   * key already, and a reload inside a transaction would wait forever for the one connection.
   */
  private get shared(): boolean {
    return this.db.kind === 'postgres';
  }

  private async current(): Promise<LoadedKey> {
    // Another process may have rotated: look again now and then.
    await this.reloadIfStale();
    // The newest active key once every process publishes it; the key before it until then.
    const now = Date.now();
    const signing = this.keys.filter((k) => k.signsFrom !== null && k.signsFrom <= now);
    const key = signing.find((k) => k.retireAfter === null) ?? signing[0] ?? this.keys[0];
    if (!key) throw new Error('no signing key; TokenSigner.init() was not called');
    return key;
  }

  /** Signs `claims` for `use`, valid until `expiresAt` (ms); adds iss, iat, exp and a jti unless given. */
  async sign(use: TokenUse, claims: Record<string, unknown>, opts: { expiresAt: number; subject: string; audience?: string; jti?: string }): Promise<{ token: string; jti: string }> {
    const key = await this.current();
    const jti = opts.jti ?? randomUUID();
    const payload: Record<string, unknown> = {
      ...claims,
      token_use: use,
      iss: this.issuer,
      sub: opts.subject,
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(opts.expiresAt / 1000),
      jti,
    };
    if (opts.audience !== undefined) payload.aud = opts.audience;
    // A compact JWS signed synchronously by node:crypto: the same token jose would make, at a
    // fraction of WebCrypto's cost in the decision's hot path (verification stays with jose).
    const signingInput = `${key.header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const signature = signBytes(null, Buffer.from(signingInput), key.privateKey).toString('base64url');
    return { token: `${signingInput}.${signature}`, jti };
  }

  /** Verifies signature, issuer, expiry, use and (when given) audience; throws TokenError. */
  async verify(token: string, use: TokenUse, opts: { audience?: string; allowExpired?: boolean } = {}): Promise<JWTPayload & Record<string, unknown>> {
    const attempt = async () => {
      const { payload } = await jwtVerify(token, this.jwkSet, {
        issuer: this.issuer,
        algorithms: ['EdDSA'],
        ...(opts.audience !== undefined ? { audience: opts.audience } : {}),
        ...(opts.allowExpired ? { currentDate: new Date(0) } : {}),
      });
      return payload;
    };
    let payload: JWTPayload;
    try {
      payload = await attempt();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ERR_JWKS_NO_MATCHING_KEY' && this.shared) {
        // Signed by a key another process created since we loaded: look once more.
        await this.reload();
        try {
          payload = await attempt();
        } catch (again) {
          throw toTokenError(again);
        }
      } else throw toTokenError(err);
    }
    if (payload.token_use !== use) throw new TokenError('wrong_use');
    return payload as JWTPayload & Record<string, unknown>;
  }
}

function toTokenError(err: unknown): TokenError {
  const code = (err as { code?: string }).code;
  if (code === 'ERR_JWT_EXPIRED') return new TokenError('expired');
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return new TokenError('bad_signature');
  if (code === 'ERR_JWKS_NO_MATCHING_KEY') return new TokenError('unknown_key');
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    const claim = (err as { claim?: string }).claim;
    return new TokenError(claim === 'aud' ? 'wrong_audience' : 'malformed');
  }
  return new TokenError('malformed');
}

function load(row: SigningKeyRow, box: SecretBox): LoadedKey {
  return {
    kid: row.kid,
    privateKey: createPrivateKey(box.decrypt(row.private_key, signingKeyAad(row.kid))),
    header: Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: row.kid, typ: 'JWT' })).toString('base64url'),
    publicJwk: JSON.parse(row.public_jwk) as JWK,
    createdAt: row.created_at,
    retireAfter: row.retire_after,
    signsFrom: row.signs_from,
  };
}
