import type { Executor } from '../db/database.js';

const FINGERPRINT = 'encryption_key_fingerprint';

/** The fingerprint of the key that encrypts this database's secrets, if one was recorded. */
export async function getKeyFingerprint(db: Executor): Promise<string | undefined> {
  const row = await db.selectFrom('kv').select('value').where('key', '=', FINGERPRINT).executeTakeFirst();
  return row?.value;
}

export async function setKeyFingerprint(db: Executor, value: string): Promise<void> {
  await db.insertInto('kv').values({ key: FINGERPRINT, value }).execute();
}
