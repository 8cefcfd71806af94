import { useState, type FormEvent } from 'react';
import { BursarApiError } from '@bursar/sdk';
import type { Mandate, MandateUpdate } from '../api.js';
import { amountText, describeError, money, parseAmount, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { ActionError, ConfirmButton, Empty, ErrorNote, Facts, Link, PageHeader, StatusBadge, useApp, useControl } from '../ui.js';

const statuses = ['active', 'expired', 'revoked'] as const;

/** An ISO time as the value of a datetime-local input, in the viewer's zone ('' for none). */
function localInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function MandateList() {
  const { client } = useApp();
  const control = useControl();
  const [status, setStatus] = useState<Mandate['status'] | ''>('');
  const list = useLoad(() => control.mandates.list({ limit: 100, ...(status ? { status } : {}) }), [status]);
  const agents = useLoad(() => client.agents.list({ limit: 100 }), []);
  const agentName = new Map((agents.data?.data ?? []).map((a) => [a.id, a.name]));
  return (
    <section>
      <PageHeader title="Mandates" />
      <p className="hint">A mandate is what a human pre-authorized an agent to pay for: merchants, categories, caps and an expiry. Payments run under one.</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as Mandate['status'] | '')}>
            <option value="">Any</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorNote error={list.error} what="load mandates" />
      {list.data && list.data.data.length === 0 ? <Empty>No mandate{status ? ` is ${status}` : ' yet'}. Create one with POST /v1/mandates for an agent.</Empty> : null}
      {list.data && list.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Mandates, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Description</th>
                <th scope="col">Agent</th>
                <th scope="col">Status</th>
                <th scope="col">Per payment</th>
                <th scope="col">Spent / total</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((m) => (
                <tr key={m.id} data-mandate={m.id}>
                  <td>
                    <Link to={`/mandates/${encodeURIComponent(m.id)}`}>{m.description}</Link>
                  </td>
                  <td>{agentName.get(m.agent_id) ?? m.agent_id}</td>
                  <td>
                    <StatusBadge status={m.status} />
                  </td>
                  <td className="num">{m.max_amount_cents === null ? 'no cap' : money(m.max_amount_cents, m.currency)}</td>
                  <td className="num">
                    {money(m.spent_cents, m.currency)} / {m.total_limit_cents === null ? 'no cap' : money(m.total_limit_cents, m.currency)}
                  </td>
                  <td>{m.expires_at ? time(m.expires_at) : 'never'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** The editable scope of a mandate, validated as typed; the server's refusal lands on its field. */
function EditMandate(props: { mandate: Mandate; onSaved: (m: Mandate) => void }) {
  const control = useControl();
  const m = props.mandate;
  const [description, setDescription] = useState(m.description);
  const [maxAmount, setMaxAmount] = useState(amountText(m.max_amount_cents, m.currency));
  const [total, setTotal] = useState(amountText(m.total_limit_cents, m.currency));
  const [merchants, setMerchants] = useState(m.allowed_merchants.join('\n'));
  const [categories, setCategories] = useState(m.allowed_categories.join('\n'));
  const initialExpires = localInput(m.expires_at);
  const [expires, setExpires] = useState(initialExpires);
  const [serverError, setServerError] = useState<{ field?: string; message: string }>();

  const maxParsed = parseAmount(maxAmount, m.currency);
  const totalParsed = parseAmount(total, m.currency);
  const expiresAt = expires.trim() === '' ? null : Date.parse(expires.trim());
  const expiresError =
    expiresAt !== null && Number.isNaN(expiresAt) ? 'Enter a date and time.' : expires !== initialExpires && expiresAt !== null && expiresAt <= Date.now() ? 'Must be in the future.' : undefined;
  const errors: Record<string, string | undefined> = {
    description: description.trim() === '' ? 'Describe what the agent may pay for.' : undefined,
    max_amount_cents: 'error' in maxParsed ? maxParsed.error : undefined,
    total_limit_cents: 'error' in totalParsed ? totalParsed.error : undefined,
    expires_at: expiresError,
  };
  if (serverError?.field) errors[serverError.field.split('.')[0]!] = serverError.message;
  const lines = (t: string) => t.split('\n').map((s) => s.trim()).filter(Boolean);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (Object.values(errors).some(Boolean)) return;
    const input: MandateUpdate = {
      description: description.trim(),
      max_amount_cents: 'cents' in maxParsed ? maxParsed.cents : null,
      total_limit_cents: 'cents' in totalParsed ? totalParsed.cents : null,
      allowed_merchants: lines(merchants),
      allowed_categories: lines(categories),
      ...(expires === initialExpires ? {} : { expires_at: expiresAt === null ? null : new Date(expiresAt).toISOString() }),
    };
    try {
      const saved = await control.mandates.update(m.id, input);
      setServerError(undefined);
      props.onSaved(saved);
    } catch (err) {
      const field = err instanceof BursarApiError ? err.field : undefined;
      setServerError({ ...(field ? { field } : {}), message: describeError(err).replace(/^[\w.]+: /, '') });
    }
  }

  const field = (id: string, label: string, value: string, set: (v: string) => void, opts: { hint?: string; area?: boolean; type?: string } = {}) => {
    const error = errors[id];
    const describedBy = [opts.hint ? `mandate-${id}-hint` : '', error ? `mandate-${id}-error` : ''].filter(Boolean).join(' ') || undefined;
    const common = {
      id: `mandate-${id}`,
      value,
      'aria-invalid': error ? true : undefined,
      'aria-describedby': describedBy,
    } as const;
    return (
      <div className={`field${error ? ' invalid' : ''}`}>
        <label htmlFor={`mandate-${id}`}>{label}</label>
        {opts.area ? (
          <textarea {...common} rows={3} onChange={(e) => { set(e.target.value); setServerError(undefined); }} />
        ) : (
          <input {...common} type={opts.type} onChange={(e) => { set(e.target.value); setServerError(undefined); }} />
        )}
        {opts.hint ? <span className="hint" id={`mandate-${id}-hint`}>{opts.hint}</span> : null}
        {error ? <span className="field-error" id={`mandate-${id}-error`} role="alert">{error}</span> : null}
      </div>
    );
  };

  return (
    <form className="card policy-form" onSubmit={submit} noValidate aria-labelledby="edit-mandate-title">
      <h2 id="edit-mandate-title">Edit the scope</h2>
      {field('description', 'Description', description, setDescription)}
      <div className="grid-3">
        {field('max_amount_cents', `Cap per payment (${m.currency.toUpperCase()})`, maxAmount, setMaxAmount, { hint: 'Empty: no cap.' })}
        {field('total_limit_cents', `Cap in total (${m.currency.toUpperCase()})`, total, setTotal, { hint: 'Empty: no cap.' })}
        {field('expires_at', 'Expires at', expires, setExpires, { hint: 'Your local time; empty: never.', type: 'datetime-local' })}
      </div>
      <div className="grid-2">
        {field('allowed_merchants', 'Allowed merchants', merchants, setMerchants, { hint: 'One per line; empty: any.', area: true })}
        {field('allowed_categories', 'Allowed categories', categories, setCategories, { hint: 'One per line; empty: any.', area: true })}
      </div>
      <ActionError message={serverError && !serverError.field ? serverError.message : undefined} />
      <div className="buttons">
        <button type="submit" className="primary">
          Save mandate
        </button>
      </div>
    </form>
  );
}

function MandateDetail(props: { id: string }) {
  const { client } = useApp();
  const control = useControl();
  const mandate = useLoad(() => control.mandates.get(props.id), [props.id]);
  const payments = useLoad(() => control.payments.list({ limit: 20, mandate_id: props.id }), [props.id]);
  const agent = useLoad(async () => (mandate.data ? client.agents.get(mandate.data.agent_id) : null), [mandate.data?.agent_id]);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const m = mandate.data;
  const mine = payments.data?.data ?? [];
  return (
    <section>
      <p className="breadcrumb">
        <Link to="/mandates">Mandates</Link>
      </p>
      <PageHeader title={m ? m.description : 'Mandate'}>
        {m ? <StatusBadge status={m.status} /> : null}
        {m && m.status !== 'revoked' ? (
          <ConfirmButton
            label="Revoke"
            confirmLabel="Revoke mandate"
            name="Revoke this mandate"
            onConfirm={async () => {
              setError(undefined);
              try {
                await control.mandates.update(m.id, { status: 'revoked' });
                await mandate.reload();
              } catch (err) {
                setError(describeError(err));
              }
            }}
          />
        ) : null}
      </PageHeader>
      <ErrorNote error={mandate.error} what={`load mandate ${props.id}`} />
      <ActionError message={error} />
      {m ? (
        <>
          <div className="card">
            <Facts
              items={[
                ['Id', <code key="id">{m.id}</code>],
                ['Agent', agent.data?.name ?? m.agent_id],
                ['Spent', money(m.spent_cents, m.currency)],
                ['Remaining', m.remaining_cents === null ? 'no total cap' : money(m.remaining_cents, m.currency)],
                ['Merchants', m.allowed_merchants.join(', ') || 'any'],
                ['Categories', m.allowed_categories.join(', ') || 'any'],
                ['Expires', m.expires_at ? time(m.expires_at) : 'never'],
                ['Created', time(m.created_at)],
                ['Updated', time(m.updated_at)],
              ]}
            />
          </div>
          {saved ? (
            <p role="status" className="alert ok">
              Saved.
            </p>
          ) : null}
          {m.status === 'active' ? (
            <EditMandate
              key={m.updated_at}
              mandate={m}
              onSaved={() => {
                setSaved(true);
                void mandate.reload();
              }}
            />
          ) : null}
          <h2>Recent payments under it</h2>
          {payments.data && mine.length === 0 ? <Empty>No recent payment under this mandate.</Empty> : null}
          <ul className="plain-list">
            {mine.map((p) => (
              <li key={p.id}>
                <Link to={`/payments/${encodeURIComponent(p.id)}`}>
                  {money(p.amount_cents, p.currency)} at {p.merchant_name}
                </Link>{' '}
                <StatusBadge status={p.status} /> <span className="hint">{time(p.created_at)}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** Mandates: the list, and one mandate with its scope to edit or revoke. */
export function Mandates(props: { id?: string | undefined }) {
  return props.id ? <MandateDetail id={props.id} /> : <MandateList />;
}
