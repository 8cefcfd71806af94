import { createContext, useContext, type ReactNode } from 'react';
import type { BursarClient } from '@bursar/sdk';
import { describeError } from './format.js';
import { navigate } from './router.js';
import type { Session } from './session.js';

/** What every page needs: the API client of the signed-in session. */
export interface AppContext {
  client: BursarClient;
  session: Session;
}

export const Ctx = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useApp outside a signed-in page');
  return ctx;
}

/** An in-app link: a real <a href> (open in a new tab works) that navigates without a reload. */
export function Link(props: { to: string; children: ReactNode; className?: string; current?: boolean }) {
  return (
    <a
      href={props.to}
      className={props.className}
      aria-current={props.current ? 'page' : undefined}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

export function ErrorNote(props: { error: unknown; what: string }) {
  if (!props.error) return null;
  return (
    <div role="alert" className="alert error">
      <strong>Could not {props.what}.</strong> {describeError(props.error)}{' '}
      <span className="hint">Check that the server is running, then try again.</span>
    </div>
  );
}

export function Empty(props: { children: ReactNode }) {
  return <div className="empty">{props.children}</div>;
}

export function StatusBadge(props: { status: string }) {
  return <span className={`badge status-${props.status}`}>{props.status.replace(/_/g, ' ')}</span>;
}

export function PageHeader(props: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{props.title}</h1>
      {props.children ? <div className="page-actions">{props.children}</div> : null}
    </header>
  );
}
