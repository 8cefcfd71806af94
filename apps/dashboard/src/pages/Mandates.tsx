import { useRef, useState, type FormEvent } from 'react';
import type { Agent, CreateMandateInput, Mandate, UpdateMandateInput } from '@bursar/sdk';
import { collect } from '../api.js';
import { amountText, describeError, fieldError, money, nameList, nameListError, parseAmount, refusedField, sentence, time } from '../format.js';
import { useAction, useAgent, useAgentNames, useLoad, usePagedList } from '../hooks.js';
import { Filters, ListTable, SelectFilter } from '../list.js';
import { navigate, pathTo } from '../router.js';
import { AgentLink, ActionError, Breadcrumb, ConfirmButton, DetailPage, Empty, ErrorNote, Field, Link, PageHeader, StatusBadge, useApp } from '../ui.js';

const statuses = ['active', 'expired', 'revoked'] as const;

/** The mandate form's fields in the order it shows them (the first bad one takes the focus). */
const keys = ['agent_id', 'description', 'currency', 'max_amount_cents', 'total_limit_cents', 'expires_at', 'allowed_merchants', 'allowed_categories'] as const;
type Key = (typeof keys)[number];
type Values = Record<Key, string>;
type Errors = Partial<Record<Key, string>>;

/** An ISO time as the value of a datetime-local input, in the viewer's zone ('' for none). */
function localInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** The form's values for a mandate, or for a new one (in usd, no caps, no expiry). */
function valuesOf(m: Mandate | undefined): Values {
  return {
    agent_id: m?.agent_id ?? '',
    description: m?.description ?? '',
    currency: m?.currency ?? 'usd',
    max_amount_cents: m ? amountText(m.max_amount_cents, m.currency) : '',
    total_limit_cents: m ? amountText(m.total_limit_cents, m.currency) : '',
    expires_at: localInput(m?.expires_at ?? null),
    allowed_merchants: m?.allowed_merchants.join('\n') ?? '',
    allowed_categories: m?.allowed_categories.join('\n') ?? '',
  };
}

/** The currency amounts are typed in: the one entered once it reads as a code, else usd. */
function currencyOf(v: Values): string {
  return /^[A-Za-z]{3}$/.test(v.currency.trim()) ? v.currency.trim().toLowerCase() : 'usd';
}

/** Why the API would refuse each field (createMandateBody / updateMandateBody); an unchanged expiry is never refused. */
function validate(v: Values, initial: Values): Errors {
  const cur = currencyOf(v);
  const max = parseAmount(v.max_amount_cents, cur);
  const total = parseAmount(v.total_limit_cents, cur);
  const expiresAt = v.expires_at.trim() === '' ? null : Date.parse(v.expires_at.trim());
  const description = v.description.trim();
  return {
    agent_id: v.agent_id === '' ? 'Choose the agent this mandate is for.' : undefined,
    description: description === '' ? 'Describe what the agent may pay for.' : description.length > 1000 ? 'Must be at most 1000 characters.' : undefined,
    currency: /^[A-Za-z]{3}$/.test(v.currency.trim()) ? undefined : 'Must be a three-letter ISO 4217 code, e.g. usd or eur.',
    max_amount_cents: 'error' in max ? max.error : undefined,
    total_limit_cents: 'error' in total ? total.error : undefined,
    expires_at:
      expiresAt !== null && Number.isNaN(expiresAt)
        ? 'Enter a date and time.'
        : v.expires_at !== initial.expires_at && expiresAt !== null && expiresAt <= Date.now()
          ? 'Must be in the future.'
          : undefined,
    allowed_merchants: nameListError(v.allowed_merchants),
    allowed_categories: nameListError(v.allowed_categories),
  };
}

/** The scope every mandate has, as the API takes it (the values are valid). */
function scopeOf(v: Values, initial: Values): UpdateMandateInput {
  const cur = currencyOf(v);
  const cents = (text: string) => {
    const parsed = parseAmount(text, cur);
    return 'cents' in parsed ? parsed.cents : null;
  };
  return {
    description: v.description.trim(),
    max_amount_cents: cents(v.max_amount_cents),
    total_limit_cents: cents(v.total_limit_cents),
    allowed_merchants: nameList(v.allowed_merchants),
    allowed_categories: nameList(v.allowed_categories),
    ...(v.expires_at === initial.expires_at ? {} : { expires_at: v.expires_at.trim() === '' ? null : new Date(Date.parse(v.expires_at.trim())).toISOString() }),
  };
}

/**
 * Create a mandate for an agent, or edit the scope of one: checked as typed and again by the
 * server, whose refusal lands on its field. A new mandate opens its own page once created.
 */
function MandateForm(props: { mandate: Mandate; onSaved: (m: Mandate) => void } | { agents: readonly Agent[] }) {
  const { client } = useApp();
  const mandate = 'mandate' in props ? props.mandate : undefined;
  const [initial] = useState(() => valuesOf(mandate));
  const [values, setValues] = useState(initial);
  const [touched, setTouched] = useState<Partial<Record<Key, boolean>>>({});
  const [serverErrors, setServerErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const checked = validate(values, initial);
  const errors: Errors = {};
  for (const k of keys) errors[k] = serverErrors[k] ?? checked[k];
  // An existing mandate starts valid, so its errors show as typed; a new one's show once a field is left.
  const shown = (k: Key) => (mandate || touched[k] || serverErrors[k] ? errors[k] : undefined);
  const currency = currencyOf(values).toUpperCase();

  function set(k: Key, value: string) {
    setValues((v) => ({ ...v, [k]: value }));
    setServerErrors((e) => ({ ...e, [k]: undefined }));
  }

  function focusField(k: Key) {
    formRef.current?.querySelector<HTMLElement>(`#mandate-${k}`)?.focus();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(undefined);
    setTouched(Object.fromEntries(keys.map((k) => [k, true])));
    // The server judges again on every submit: its earlier refusals give way to the client's checks.
    setServerErrors({});
    const firstBad = keys.find((k) => checked[k]);
    if (firstBad) {
      focusField(firstBad);
      return;
    }
    setBusy(true);
    try {
      const scope = scopeOf(values, initial);
      if ('mandate' in props) {
        props.onSaved(await client.mandates.update(props.mandate.id, scope));
      } else {
        const input: CreateMandateInput = { ...scope, agent_id: values.agent_id, description: values.description.trim(), currency: currencyOf(values) };
        const created = await client.mandates.create(input);
        navigate(pathTo('/mandates', created.id));
      }
    } catch (err) {
      // The server names the field it refused (`currency`, `allowed_merchants.3`): show it there.
      const refused = fieldError(err);
      const field = refusedField(refused, keys);
      if (field) {
        setServerErrors({ [field]: sentence(refused.message) });
        focusField(field);
      } else setFormError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  const field = (k: Key, label: string, opts: { hint?: string; area?: boolean; type?: string; inputMode?: 'decimal' } = {}) => {
    const control = {
      name: k,
      value: values[k],
      onChange: (e: { target: { value: string } }) => set(k, e.target.value),
      onBlur: () => setTouched((t) => ({ ...t, [k]: true })),
    };
    return (
      <Field id={`mandate-${k}`} label={label} hint={opts.hint} error={shown(k)}>
        {(c) => (opts.area ? <textarea {...c} {...control} rows={3} /> : <input {...c} {...control} type={opts.type} inputMode={opts.inputMode} autoComplete="off" />)}
      </Field>
    );
  };

  return (
    <form ref={formRef} className="card policy-form" onSubmit={submit} noValidate aria-labelledby="mandate-form-title">
      {mandate ? <h2 id="mandate-form-title">Edit the scope</h2> : <h1 id="mandate-form-title">New mandate</h1>}
      {'agents' in props ? (
        <div className="grid-2">
          <Field id="mandate-agent_id" label="Agent" hint="Who may pay under it." error={shown('agent_id')}>
            {(c) => (
              <select {...c} name="agent_id" value={values.agent_id} onChange={(e) => set('agent_id', e.target.value)} onBlur={() => setTouched((t) => ({ ...t, agent_id: true }))}>
                <option value="">Choose an agent</option>
                {props.agents.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.status === 'paused' ? `${a.name} (paused)` : a.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {field('currency', 'Currency', { hint: "The currency of the agent's policy." })}
        </div>
      ) : null}
      {field('description', 'Description', { hint: mandate ? undefined : 'What a human pre-authorized, e.g. "cloud invoices for May".' })}
      <div className="grid-3">
        {field('max_amount_cents', `Cap per payment (${currency})`, { hint: 'Empty: no cap.', inputMode: 'decimal' })}
        {field('total_limit_cents', `Cap in total (${currency})`, { hint: 'Empty: no cap.', inputMode: 'decimal' })}
        {field('expires_at', 'Expires at', { hint: 'Your local time; empty: never.', type: 'datetime-local' })}
      </div>
      <div className="grid-2">
        {field('allowed_merchants', 'Allowed merchants', { hint: 'One per line; empty: any.', area: true })}
        {field('allowed_categories', 'Allowed categories', { hint: 'One per line; empty: any.', area: true })}
      </div>
      <ActionError message={formError} />
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : mandate ? 'Save mandate' : 'Create mandate'}
        </button>
        {mandate ? null : (
          <Link to="/mandates" className="button-link">
            Cancel
          </Link>
        )}
      </div>
    </form>
  );
}

/** The form for a new mandate, once the workspace's agents that may still pay have loaded. */
function NewMandate() {
  const { client } = useApp();
  const agents = useLoad(() => collect((q) => client.agents.list(q), 1000), []);
  if (agents.error) return <ErrorNote error={agents.error} what="load agents" />;
  if (!agents.data) return <p aria-busy="true">Loading agents…</p>;
  return <MandateForm agents={agents.data.filter((a) => a.status !== 'revoked')} />;
}

function MandateList() {
  const { client } = useApp();
  const [status, setStatus] = useState<Mandate['status'] | ''>('');
  const list = usePagedList((q) => client.mandates.list({ ...q, ...(status ? { status } : {}) }), [status]);
  const agents = useAgentNames();
  const cap = (cents: number | null, currency: string) => (cents === null ? 'no cap' : money(cents, currency));
  return (
    <section>
      <PageHeader title="Mandates">
        <Link to="/mandates/new" className="button-link primary">
          New mandate
        </Link>
      </PageHeader>
      <p className="hint">A mandate is what a human pre-authorized an agent to pay for: merchants, categories, caps and an expiry. Payments run under one.</p>
      <Filters>
        <SelectFilter label="Status" value={status} options={statuses} onChange={setStatus} />
      </Filters>
      <ListTable
        list={list}
        what="load mandates"
        empty={`No mandate${status ? ` is ${status}` : ' yet'}. Create one for an agent with New mandate.`}
        caption="Mandates, newest first"
        rowId="mandate"
        columns={[
          { header: 'Description', cell: (m) => <Link to={pathTo('/mandates', m.id)}>{m.description}</Link> },
          { header: 'Agent', cell: (m) => <AgentLink id={m.agent_id} name={agents.name(m.agent_id)} /> },
          { header: 'Status', cell: (m) => <StatusBadge status={m.status} /> },
          { header: 'Per payment', className: 'num', cell: (m) => cap(m.max_amount_cents, m.currency) },
          { header: 'Spent / total', className: 'num', cell: (m) => `${money(m.spent_cents, m.currency)} / ${cap(m.total_limit_cents, m.currency)}` },
          { header: 'Expires', cell: (m) => (m.expires_at ? time(m.expires_at) : 'never') },
        ]}
      />
    </section>
  );
}

function MandateDetail(props: { id: string }) {
  const { client } = useApp();
  const mandate = useLoad(() => client.mandates.get(props.id), [props.id]);
  const payments = useLoad(() => client.payments.list({ limit: 20, mandate_id: props.id }), [props.id]);
  const revoke = useAction();
  const [saved, setSaved] = useState(false);
  const m = mandate.data;
  const agent = useAgent(m?.agent_id);
  const mine = payments.data?.data ?? [];
  return (
    <DetailPage
      back="/mandates"
      title={m ? m.description : 'Mandate'}
      status={m?.status}
      actions={
        m && m.status !== 'revoked' ? (
          <ConfirmButton
            label="Revoke"
            confirmLabel="Revoke mandate"
            name="Revoke this mandate"
            onConfirm={() => revoke.run(() => client.mandates.update(m.id, { status: 'revoked' }).then(mandate.reload))}
          />
        ) : null
      }
      error={mandate.error}
      what={`load mandate ${props.id}`}
      actionError={revoke.error}
      facts={
        m && [
          ['Id', <code key="id">{m.id}</code>],
          ['Agent', <AgentLink key="agent" id={m.agent_id} name={agent?.name} />],
          ['Spent', money(m.spent_cents, m.currency)],
          ['Remaining', m.remaining_cents === null ? 'no total cap' : money(m.remaining_cents, m.currency)],
          ['Merchants', m.allowed_merchants.join(', ') || 'any'],
          ['Categories', m.allowed_categories.join(', ') || 'any'],
          ['Expires', m.expires_at ? time(m.expires_at) : 'never'],
          ['Created', time(m.created_at)],
          ['Updated', time(m.updated_at)],
        ]
      }
    >
      {m ? (
        <>
          {saved ? (
            <p role="status" className="alert ok">
              Saved.
            </p>
          ) : null}
          {m.status === 'active' ? (
            <MandateForm
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
                <Link to={pathTo('/payments', p.id)}>
                  {money(p.amount_cents, p.currency)} at {p.merchant_name}
                </Link>{' '}
                <StatusBadge status={p.status} /> <span className="hint">{time(p.created_at)}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </DetailPage>
  );
}

/** Mandates: the list, a form for a new one, and one mandate with its scope to edit or revoke. */
export function Mandates(props: { id?: string | undefined }) {
  if (props.id === undefined) return <MandateList />;
  if (props.id !== 'new') return <MandateDetail id={props.id} />;
  return (
    <section>
      <Breadcrumb to="/mandates" />
      <NewMandate />
    </section>
  );
}
