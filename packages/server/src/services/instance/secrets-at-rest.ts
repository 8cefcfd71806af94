import { isSealed, type SecretBox } from '../../crypto/encryption.js';
import type { Database } from '../../db/database.js';
import { scrubbingReplacedValues } from '../../store/secrets.js';
import { setSigningPrivateKey, signingKeysWithUnsealedPrivateKeys } from '../../store/signing-keys.js';
import { endpointsWithUnsealedSecrets, updateEndpoint } from '../../store/webhooks.js';
import { setCallbackSecret, workspacesWithUnsealedCallbackSecrets } from '../../store/workspaces.js';
import { signingKeyAad } from '../../tokens/signer.js';
import { callbackSecretAad, endpointSecretAad } from '../events/webhooks.js';

/**
 * Seals in place the secrets a database written before they were sealed still holds in
 * plaintext (webhook endpoint secrets, workspace callback secrets, token signing keys) and
 * answers how many rows it changed. Sealed values are recognised by their format, so a second
 * start finds nothing to do. Call it under the setup lock and after the key fingerprint check:
 * sealing with a key the other processes do not have would lock them out.
 */
export async function sealPlaintextSecrets(db: Database, box: SecretBox): Promise<number> {
  const seal = <T extends string | null>(value: T, aad: string): T =>
    (value === null || isSealed(value) ? value : box.encrypt(value, aad)) as T;
  return scrubbingReplacedValues(db, () =>
    db.transact(async (tx) => {
      const endpoints = await endpointsWithUnsealedSecrets(tx);
      for (const e of endpoints) {
        await updateEndpoint(tx, e.id, {
          secret: seal(e.secret, endpointSecretAad(e.id, 'secret')),
          previous_secret: seal(e.previous_secret, endpointSecretAad(e.id, 'previous_secret')),
        });
      }
      const workspaces = await workspacesWithUnsealedCallbackSecrets(tx);
      for (const w of workspaces) {
        await setCallbackSecret(tx, w.id, {
          callback_secret: seal(w.callback_secret, callbackSecretAad(w.id, 'callback_secret')),
          previous_callback_secret: seal(w.previous_callback_secret, callbackSecretAad(w.id, 'previous_callback_secret')),
        });
      }
      const keys = await signingKeysWithUnsealedPrivateKeys(tx);
      for (const k of keys) await setSigningPrivateKey(tx, k.kid, seal(k.private_key, signingKeyAad(k.kid)));
      return endpoints.length + workspaces.length + keys.length;
    }),
  );
}
