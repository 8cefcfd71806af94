import { useState, type FormEvent } from 'react';
import { describeError } from '../format.js';
import { signIn, type Session } from '../session.js';

/**
 * Sign-in: the management key goes to the server once, in exchange for an httpOnly cookie.
 * `ended`: the operator's session just ended under them (a 401), which the page says.
 */
export function SignIn(props: { onSignedIn: (s: Session) => void; ended?: boolean }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await signIn(key);
      setKey('');
      props.onSignedIn(session);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="centered">
      <form className="card sign-in" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Bursar</h1>
        {props.ended ? (
          <p role="status" className="alert warn" data-testid="session-ended">
            Your session has ended: it expired, was signed out elsewhere, or its key was revoked. Sign in again to go back to the page you were on.
          </p>
        ) : null}
        <p className="hint">
          Paste a management key (<code>bmk_…</code>). It is exchanged for a session cookie that lasts 12 hours; the key is not stored in
          this browser.
        </p>
        <label htmlFor="key">Management key</label>
        <input
          id="key"
          name="key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'sign-in-error' : undefined}
        />
        {error ? (
          <p id="sign-in-error" role="alert" className="alert error">
            {error}. The server prints a management key when it first starts; <code>bursar keys create --management</code> makes
            another.
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
