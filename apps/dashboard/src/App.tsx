import { useEffect, useMemo, useState } from 'react';
import { BursarApiError } from '@bursar/sdk';
import { Agents } from './pages/Agents.js';
import { Approvals } from './pages/Approvals.js';
import { Keys } from './pages/Keys.js';
import { Ledger } from './pages/Ledger.js';
import { Overview } from './pages/Overview.js';
import { SignIn } from './pages/SignIn.js';
import { SpendRequests } from './pages/SpendRequests.js';
import { Wallets } from './pages/Wallets.js';
import { pages, useLocation } from './router.js';
import { clientFor, loadSession, signOut, type Session } from './session.js';
import { Ctx, ErrorNote, Link } from './ui.js';

function Page(props: { path: string }) {
  switch (props.path) {
    case '/':
      return <Overview />;
    case '/approvals':
      return <Approvals />;
    case '/spend-requests':
      return <SpendRequests />;
    case '/agents':
      return <Agents />;
    case '/keys':
      return <Keys />;
    case '/ledger':
      return <Ledger />;
    case '/wallets':
      return <Wallets />;
    default:
      return (
        <section>
          <h1>Page not found</h1>
          <p>
            There is no page at <code>{props.path}</code>. <Link to="/">Go to the overview</Link>.
          </p>
        </section>
      );
  }
}

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<unknown>();
  const location = useLocation();
  const path = location.pathname.replace(/\/+$/, '') || '/';

  useEffect(() => {
    loadSession().then(setSession, setLoadError);
  }, []);

  // A call answered 401 means the session ended (expired, signed out elsewhere, key revoked).
  useEffect(() => {
    const onRejection = (e: PromiseRejectionEvent) => {
      if (e.reason instanceof BursarApiError && e.reason.status === 401) setSession(null);
    };
    window.addEventListener('unhandledrejection', onRejection);
    return () => window.removeEventListener('unhandledrejection', onRejection);
  }, []);

  const ctx = useMemo(() => (session ? { session, client: clientFor(session) } : null), [session]);

  if (loadError) return <main className="centered"><ErrorNote error={loadError} what="reach the Bursar server" /></main>;
  if (session === undefined) return <main className="centered" aria-busy="true">Loading…</main>;
  if (!ctx) return <SignIn onSignedIn={setSession} />;

  return (
    <Ctx.Provider value={ctx}>
      <a className="skip" href="#main">Skip to content</a>
      <div className="shell">
        <nav className="sidebar" aria-label="Main">
          <div className="brand">
            Bursar <span className={`mode ${ctx.session.livemode ? 'live' : 'test'}`}>{ctx.session.livemode ? 'live' : 'sandbox'}</span>
          </div>
          <ul>
            {pages.map((p) => (
              <li key={p.path}>
                <Link to={p.path} current={p.path === path}>
                  {p.label}
                </Link>
              </li>
            ))}
          </ul>
          <div className="who">
            <span title="The management key this session signed in with">{ctx.session.key_prefix}…</span>
            <button
              type="button"
              className="link-button"
              onClick={async () => {
                await signOut(ctx.session);
                setSession(null);
              }}
            >
              Sign out
            </button>
          </div>
        </nav>
        <main id="main" className="content">
          <Page path={path} />
        </main>
      </div>
    </Ctx.Provider>
  );
}
