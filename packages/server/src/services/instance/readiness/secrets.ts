import { statSync } from 'node:fs';
import { activeSigningKeys } from '../../../store/signing-keys.js';
import { getKeyFingerprint } from '../../../store/secrets.js';
import { duration, fail, pass, warn, type CheckDefinition } from './check.js';

/** A signing key older than this should be rotated (tokens it signed expire within days; rotating is cheap). */
const SIGNING_KEY_MAX_AGE_MS = 90 * 24 * 3600_000;

/** The file's permission bits, or null when it does not exist. */
function modeOf(file: string): number | null {
  try {
    return statSync(file).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const octal = (mode: number) => `0${mode.toString(8)}`;

/** Secrets: where the encryption key comes from and who can read it, that it opens this database, and the signing keys' age. */
export const secretChecks: CheckDefinition[] = [
  {
    id: 'secrets.encryption_key',
    title: 'Encryption key source and file mode',
    async run({ settings, live }) {
      const { source, file } = settings.encryptionKey;
      const mode = file === null ? null : modeOf(file);
      if (source === 'env') {
        const stale = mode === null ? '' : `; ${file} also exists and is not used`;
        return pass(`from BURSAR_ENCRYPTION_KEY${stale}`);
      }
      if (source === 'unknown' || file === null) {
        return warn(
          'this server does not say where its key comes from (its data dir is not known to the API on PostgreSQL)',
          'Run `bursar doctor --data-dir <dir>` (with the server\'s environment) on the server\'s host to check the key file.',
        );
      }
      if (mode === null) return fail(`key file ${file} is missing`, `Restore ${file} from your backup, or set BURSAR_ENCRYPTION_KEY to the key the database was sealed with.`);
      if ((mode & 0o077) !== 0) return fail(`key file ${file} has mode ${octal(mode)}: others on this host can read it`, `chmod 600 ${file}`);
      if (live) {
        return warn(
          `key file ${file}, mode ${octal(mode)}, next to the database: a copy of the data dir holds both`,
          'For live money, keep the key in a secret manager and pass it as BURSAR_ENCRYPTION_KEY (the same on every process).',
        );
      }
      return pass(`key file ${file}, mode ${octal(mode)}`);
    },
  },
  {
    id: 'secrets.key_matches_database',
    title: "The key opens this database's secrets",
    async run({ db, settings }) {
      const box = settings.encryptionKey.box;
      const stored = await getKeyFingerprint(db);
      if (stored === undefined) return warn('no key fingerprint recorded yet', 'Start the server once: it records the fingerprint of its key.');
      if (box === null) return warn('the key in use could not be read here', 'Run doctor with the same BURSAR_ENCRYPTION_KEY or data dir as the server.');
      if (!box.fingerprintMatches(stored)) {
        return fail('the key differs from the one that sealed this database\'s secrets', 'Use the same BURSAR_ENCRYPTION_KEY (or encryption.key) on every process; a server started with another key refuses to start.');
      }
      return pass('the key\'s fingerprint matches the one recorded in the database; every process must use this same key');
    },
  },
  {
    id: 'secrets.signing_keys',
    title: 'Token signing keys rotated',
    async run({ db, now }) {
      const keys = await activeSigningKeys(db, now);
      const current = keys.filter((k) => k.retire_after === null && k.signs_from !== null).sort((a, b) => b.created_at - a.created_at)[0];
      if (!current) return warn('no active signing key', 'Start the server: it creates one.');
      const age = now - current.created_at;
      const evidence = `active key ${current.kid} created ${duration(age)} ago; ${keys.length - 1} retired keys still published`;
      if (age > SIGNING_KEY_MAX_AGE_MS) return warn(evidence, `Rotate the signing key (older than ${duration(SIGNING_KEY_MAX_AGE_MS)}) with the running server's \`signer.rotate()\` (no CLI command yet); retired keys stay published until the tokens they signed expire.`);
      return pass(evidence);
    },
  },
];
