import { BursarApiError, BursarClient } from '@bursar/sdk';

/** Who is signed in, as GET /v1/dashboard/session answers. The cookie itself is httpOnly: scripts never see it. */
export interface Session {
  workspace_id: string;
  livemode: boolean;
  /** The management key that signed in: an approval's `approvals[].by` names it. */
  key_id: string;
  key_prefix: string;
  csrf_token: string;
  expires_at: string;
}

const SESSION_PATH = '/v1/dashboard/session';

async function errorOf(res: Response): Promise<Error> {
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  return new BursarApiError((body.error?.code ?? 'internal_error') as never, res.status, body.error?.message ?? `HTTP ${res.status}`);
}

/** The current session, or null when the browser is not signed in. */
export async function loadSession(): Promise<Session | null> {
  const res = await fetch(SESSION_PATH, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 401) return null;
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as Session;
}

/** Exchanges a management key for the session cookie; the key is not kept anywhere afterwards. */
export async function signIn(key: string): Promise<Session> {
  const res = await fetch(SESSION_PATH, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ key }),
  });
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as Session;
}

export async function signOut(session: Session): Promise<void> {
  await fetch(SESSION_PATH, { method: 'DELETE', credentials: 'same-origin', headers: { 'x-csrf-token': session.csrf_token } });
}

/**
 * The SDK client for a session: same origin, the cookie authenticates, the CSRF token rides along.
 * Any answer 401 means the session ended (expired, signed out elsewhere, its key revoked):
 * `onEnded` hears of it from every call, polls included, whether or not the caller catches the error.
 */
export function clientFor(session: Session, onEnded: () => void): BursarClient {
  const seeingEnd: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (res.status === 401) onEnded();
    return res;
  };
  return new BursarClient({ baseUrl: window.location.origin, session: { csrfToken: session.csrf_token }, retry: { maxRetries: 1 }, fetch: seeingEnd });
}
