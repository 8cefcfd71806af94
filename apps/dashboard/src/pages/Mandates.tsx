import { useState, type FormEvent } from 'react';
import type { Mandate, UpdateMandateInput } from '@bursar/sdk';
import { amountText, fieldError, money, parseAmount, time } from '../format.js';
import { useAction, useAgent, useAgentNames, useLoad, usePagedList } from '../hooks.js';
import { Filters, ListTable, SelectFilter } from '../list.js';
import { pathTo } from '../router.js';
import { ActionError, ConfirmButton, DetailPage, Empty, Field, Link, PageHeader, StatusBadge, useApp } from '../ui.js';

const statuses = ['active', 'expired', 'revoked'] as const;

/** An ISO time as the value of a datetime-local input, in the viewer's zone ('' for none). */
function localInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function MandateList() {
  const { client } = useApp();
  const [status, setStatus] = useState<Mandate['status'] | ''>('');
  const list = usePagedList((q) => client.mandates.list({ ...q, ...(status ? { status } : {}) }), [status]);
  const agents = useAgentNames();
  const cap = (cents: number | null, currency: string) => (cents === null ? 'no cap' : money(cents, currency));
  return (
    <section>
      <PageHeader title="Mandates" />
      <p className="hint">A mandate is what a human pre-authorized an agent to pay for: merchants, categories, caps and an expiry. Payments run under one.</p>
      <Filters>
        <SelectFilter label="Status" value={status} options={statuses} onChange={setStatus} />
      </Filters>
      <ListTable
        list={list}
        what="load mandates"
        empty={`No mandate${status ? ` is ${status}` : ' yet'}. Create one with POST /v1/mandates for an agent.`}
        caption="Mandates, newest first"
        rowId="mandate"
        columns={[
          { header: 'Description', cell: (m) => <Link to={pathTo('/mandates', m.id)}>{m.description}</Link> },
          { header: 'Agent', cell: (m) => agents.name(m.agent_id) },
          { header: 'Status', cell: (m) => <StatusBadge status={m.status} /> },
          { header: 'Per payment', className: 'num', cell: (m) => cap(m.max_amount_cents, m.currency) },
          { header: 'Spent / total', className: 'num', cell: (m) => `${money(m.spent_cents, m.currency)} / ${cap(m.total_limit_cents, m.currency)}` },
          { header: 'Expires', cell: (m) => (m.expires_at ? time(m.expires_at) : 'never') },
        ]}
      />
    </section>
  );
}

/** The editable scope of a mandate, validated as typed; the server's refusal lands on its field. */
function EditMandate(props: { mandate: Mandate; onSaved: (m: Mandate) => void }) {
  const { client } = useApp();
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
    const input: UpdateMandateInput = {
      description: description.trim(),
      max_amount_cents: 'cents' in maxParsed ? maxParsed.cents : null,
      total_limit_cents: 'cents' in totalParsed ? totalParsed.cents : null,
      allowed_merchants: lines(merchants),
      allowed_categories: lines(categories),
      ...(expires === initialExpires ? {} : { expires_at: expiresAt === null ? null : new Date(expiresAt).toISOString() }),
    };
    try {
      const saved = await client.mandates.update(m.id, input);
      setServerError(undefined);
      props.onSaved(saved);
    } catch (err) {
      setServerError(fieldError(err));
    }
  }

  const field = (id: string, label: string, value: string, set: (v: string) => void, opts: { hint?: string; area?: boolean; type?: string } = {}) => {
    const onChange = (e: { target: { value: string } }) => {
      set(e.target.value);
      setServerError(undefined);
    };
    return (
      <Field id={`mandate-${id}`} label={label} hint={opts.hint} error={errors[id]}>
        {(c) => (opts.area ? <textarea {...c} value={value} rows={3} onChange={onChange} /> : <input {...c} value={value} type={opts.type} onChange={onChange} />)}
      </Field>
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
          ['Agent', agent?.name ?? m.agent_id],
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

/** Mandates: the list, and one mandate with its scope to edit or revoke. */
export function Mandates(props: { id?: string | undefined }) {
  return props.id ? <MandateDetail id={props.id} /> : <MandateList />;
}
