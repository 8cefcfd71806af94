import { createContext, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { BursarClient } from '@bursar/sdk';
import { describeError, errorHint, words } from './format.js';
import { navigate, pages, pathTo, type PagePath } from './router.js';
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
export function Link(props: { to: string; children: ReactNode; className?: string; current?: boolean; 'aria-label'?: string }) {
  return (
    <a
      href={props.to}
      className={props.className}
      aria-current={props.current ? 'page' : undefined}
      aria-label={props['aria-label']}
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

/** An agent by name, linking to its page (its id while the name is unknown). */
export function AgentLink(props: { id: string; name?: string | undefined }) {
  return <Link to={pathTo('/agents', props.id)}>{props.name ?? props.id}</Link>;
}

/** A lease's parent and child agents, each linking to its page: "scout → scout-junior". */
export function LeaseParties(props: { lease: { parent_agent_id: string; child_agent_id: string }; name: (id: string) => string }) {
  const { parent_agent_id: parent, child_agent_id: child } = props.lease;
  return (
    <>
      <AgentLink id={parent} name={props.name(parent)} /> → <AgentLink id={child} name={props.name(child)} />
    </>
  );
}

/** Why something could not load, and what to do about it: the advice depends on what failed (the network, the session, the server). */
export function ErrorNote(props: { error: unknown; what: string }) {
  if (!props.error) return null;
  const hint = errorHint(props.error);
  return (
    <div role="alert" className="alert error">
      <strong>Could not {props.what}.</strong> {describeError(props.error)}
      {hint ? (
        <>
          {' '}
          <span className="hint">{hint}</span>
        </>
      ) : null}
    </div>
  );
}

export function Empty(props: { children: ReactNode }) {
  return <div className="empty">{props.children}</div>;
}

export function StatusBadge(props: { status: string }) {
  return <span className={`badge status-${props.status}`}>{words(props.status)}</span>;
}

export function PageHeader(props: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{props.title}</h1>
      {props.children ? <div className="page-actions">{props.children}</div> : null}
    </header>
  );
}

/** A failed action's message, announced to screen readers. */
export function ActionError(props: { message: string | undefined; id?: string }) {
  if (!props.message) return null;
  return (
    <p role="alert" className="alert error" id={props.id}>
      {props.message}
    </p>
  );
}

/**
 * A secret shown once (a new key, a webhook signing secret), with a copy button. It takes the
 * focus as it appears (scrolled into view): the button that asked for it is usually gone by then,
 * and the operator's next step is to copy it.
 */
export function SecretOnce(props: { title: string; secret: string; hint: string; onDone: () => void; testId: string }) {
  const [copied, setCopied] = useState(false);
  const box = useRef<HTMLElement>(null);
  const titleId = `${props.testId}-title`;
  useEffect(() => {
    box.current?.scrollIntoView({ block: 'nearest' });
    box.current?.focus({ preventScroll: true });
  }, [props.secret]);
  return (
    <section ref={box} className="card secret" tabIndex={-1} aria-labelledby={titleId}>
      <h2 id={titleId}>{props.title}</h2>
      <p className="hint">{props.hint}</p>
      <div className="secret-row">
        <code data-testid={props.testId}>{props.secret}</code>
        <button
          type="button"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(props.secret);
              setCopied(true);
            } catch {
              setCopied(false);
            }
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <button type="button" className="link-button" onClick={props.onDone}>
        I have stored it — hide it
      </button>
    </section>
  );
}

/** One labelled fact about an object; a fact that does not apply is `false` (or null) and is left out. */
export type Fact = readonly [label: string, value: ReactNode] | false | null | undefined;

/** A definition list of facts about one object; an empty value shows as a dash. */
export function Facts(props: { items: readonly Fact[] }) {
  return (
    <dl className="facts">
      {props.items.map((item) =>
        item ? (
          <div key={item[0]} className="fact">
            <dt>{item[0]}</dt>
            <dd>{item[1] ?? '—'}</dd>
          </div>
        ) : null,
      )}
    </dl>
  );
}

/** The way back from an object to its list, named as in the navigation. */
export function Breadcrumb(props: { to: PagePath }) {
  return (
    <p className="breadcrumb">
      <Link to={props.to}>{pages.find((p) => p.path === props.to)?.label ?? props.to}</Link>
    </p>
  );
}

/**
 * A page about one object: the way back to its list, its title with its status badge and
 * actions, why it could not load (or an action failed), its facts in a card once loaded, then the rest.
 */
export function DetailPage(props: {
  back: PagePath;
  title: string;
  status?: string | undefined;
  actions?: ReactNode;
  error: unknown;
  what: string;
  /** Why an action on the object failed. */
  actionError?: string | undefined;
  facts?: readonly Fact[] | undefined;
  children?: ReactNode;
}) {
  const badge = props.status ? <StatusBadge status={props.status} /> : null;
  return (
    <section>
      <Breadcrumb to={props.back} />
      <PageHeader title={props.title}>
        {badge || props.actions ? (
          <>
            {badge}
            {props.actions}
          </>
        ) : null}
      </PageHeader>
      <ErrorNote error={props.error} what={props.what} />
      <ActionError message={props.actionError} />
      {props.facts ? (
        <div className="card">
          <Facts items={props.facts} />
        </div>
      ) : null}
      {props.children}
    </section>
  );
}

/** What a Field hands its control: the id its label points at, and the links to its hint and its error. */
export interface FieldControl {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/** A labelled form control with its hint and, when wrong, its error (`<id>-hint`, `<id>-error`), announced as it appears. */
export function Field(props: { id: string; label: ReactNode; hint?: ReactNode; error?: string | undefined; children: (control: FieldControl) => ReactNode }) {
  const { id, hint, error } = props;
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint ? (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** A destructive button that asks once more before acting. */
export function ConfirmButton(props: { label: string; confirmLabel: string; onConfirm: () => unknown; disabled?: boolean; name?: string }) {
  const [asking, setAsking] = useState(false);
  const first = useRef<HTMLButtonElement>(null);
  const cancelled = useRef(false);
  useEffect(() => {
    // Cancelling puts the focus back where it was, not on the page's top.
    if (!asking && cancelled.current) {
      cancelled.current = false;
      first.current?.focus();
    }
  }, [asking]);
  if (!asking) {
    return (
      <button ref={first} type="button" className="danger" disabled={props.disabled} aria-label={props.name} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  return (
    <span
      className="confirm"
      role="group"
      aria-label={`Confirm: ${props.name ?? props.label}`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          cancelled.current = true;
          setAsking(false);
        }
      }}
    >
      <button
        type="button"
        className="danger solid"
        autoFocus
        onClick={async () => {
          setAsking(false);
          await props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </button>
      <button
        type="button"
        onClick={() => {
          cancelled.current = true;
          setAsking(false);
        }}
      >
        Cancel
      </button>
    </span>
  );
}

/**
 * A modal question before an action that cannot be undone (revoking an agent or a key). Focus
 * starts on Cancel; Escape or Cancel closes it with nothing done; either way the focus goes back
 * to the control that opened it.
 */
export function ConfirmDialog(props: { title: string; children: ReactNode; confirmLabel: string; onConfirm: () => unknown; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const d = dialog.current;
    d?.showModal();
    return () => {
      d?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      className="card confirm-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(e) => {
        // Escape: React, not the browser, closes it, so the page's state says it is closed.
        e.preventDefault();
        props.onClose();
      }}
    >
      <h2 id={`${id}-title`}>{props.title}</h2>
      <div id={`${id}-body`}>{props.children}</div>
      <div className="buttons">
        <button type="button" autoFocus onClick={props.onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="danger solid"
          onClick={() => {
            props.onClose();
            void props.onConfirm();
          }}
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
