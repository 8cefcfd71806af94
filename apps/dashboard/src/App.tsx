import { useEffect, useMemo, useState } from 'react';
import { AgentDetail } from './pages/AgentDetail.js';
import { Agents } from './pages/Agents.js';
import { Analytics } from './pages/Analytics.js';
import { AuditLog } from './pages/AuditLog.js';
import { Cards } from './pages/Cards.js';
import { Approvals } from './pages/Approvals.js';
import { Keys } from './pages/Keys.js';
import { Ledger } from './pages/Ledger.js';
import { Mandates } from './pages/Mandates.js';
import { Overview } from './pages/Overview.js';
import { Payments } from './pages/Payments.js';
import { Policies } from './pages/Policies.js';
import { Reservations } from './pages/Reservations.js';
import { SignIn } from './pages/SignIn.js';
import { SpendRequestDetail } from './pages/SpendRequestDetail.js';
import { SpendRequests } from './pages/SpendRequests.js';
import { Transfers } from './pages/Transfers.js';
import { Wallets } from './pages/Wallets.js';
import { Webhooks } from './pages/Webhooks.js';
import { pages, splitPath, useLocation } from './router.js';
import { clientFor, loadSession, signOut, type Session } from './session.js';
import { Ctx, ErrorNote, Link } from './ui.js';

function Page(props: { path: string }) {
  const { section, id } = splitPath(props.path);
  switch (id === undefined ? props.path : section) {
    case '/':
      return <Overview />;
    case '/approvals':
      return <Approvals />;
    case '/spend-requests':
      return id ? <SpendRequestDetail id={id} /> : <SpendRequests />;
    case '/policies':
      return <Policies id={id} />;
    case '/analytics':
      return <Analytics />;
    case '/agents':
      return id ? <AgentDetail id={id} /> : <Agents />;
    case '/keys':
      return <Keys />;
    case '/ledger':
      return <Ledger />;
    case '/wallets':
      return <Wallets />;
    case '/webhooks':
      return <Webhooks id={id} />;
    case '/mandates':
      return <Mandates id={id} />;
    case '/reservations':
      return <Reservations id={id} />;
    case '/payments':
      return <Payments id={id} />;
    case '/cards':
      return <Cards />;
    case '/transfers':
      return <Transfers />;
    case '/audit-log':
      return <AuditLog />;
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


  // A new page: say so in the title, and move focus to it so keyboard and screen reader users land on its content.
  const section = splitPath(path).section;
  useEffect(() => {
    const label = pages.find((p) => p.path === section)?.label;
    document.title = label ? `${label} · Bursar` : 'Bursar';
  }, [section]);
  const [firstPath] = useState(path);
  useEffect(() => {
    if (path !== firstPath) document.getElementById('main')?.focus({ preventScroll: false });
  }, [path, firstPath]);

  // A call answered 401: back to sign-in, on the same address, so signing in again returns here.
  const [ended, setEnded] = useState(false);
  const ctx = useMemo(
    () =>
      session
        ? {
            session,
            client: clientFor(session, () => {
              setEnded(true);
              setSession(null);
            }),
          }
        : null,
    [session],
  );

  if (loadError) return <main className="centered"><ErrorNote error={loadError} what="reach the Bursar server" /></main>;
  if (session === undefined) return <main className="centered" aria-busy="true">Loading…</main>;
  if (!ctx) {
    return (
      <SignIn
        ended={ended}
        onSignedIn={(s) => {
          setEnded(false);
          setSession(s);
        }}
      />
    );
  }

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
                <Link to={p.path} current={p.path === splitPath(path).section}>
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
        <main id="main" className="content" tabIndex={-1}>
          <Page key={path} path={path} />
        </main>
      </div>
    </Ctx.Provider>
  );
}
