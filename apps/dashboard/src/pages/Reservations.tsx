import { useState, type FormEvent } from 'react';
import type { Reservation } from '@bursar/sdk';
import { money, parseAmount, time, words } from '../format.js';
import { useAction, useAgent, useAgentNames, useLoad, usePagedList } from '../hooks.js';
import { Filters, ListTable, SelectFilter } from '../list.js';
import { approvalPath, pathTo } from '../router.js';
import { AgentLink, ActionError, ConfirmButton, DetailPage, Field, Link, PageHeader, StatusBadge, useApp } from '../ui.js';

const statuses = ['reserved', 'needs_approval', 'captured', 'released', 'declined', 'expired'] as const;

/** Capture (all, or a smaller amount) or release a reservation that is still reserved. */
function Resolve(props: { reservation: Reservation; onDone: () => void }) {
  const { client } = useApp();
  const action = useAction();
  const r = props.reservation;
  const [amount, setAmount] = useState('');
  const parsed = parseAmount(amount, r.currency);
  const amountError = 'error' in parsed ? parsed.error : parsed.cents !== null && parsed.cents > r.amount_cents ? `Must be at most ${money(r.amount_cents, r.currency)}.` : parsed.cents === 0 ? 'Must be more than zero; release instead.' : undefined;

  async function capture(e: FormEvent) {
    e.preventDefault();
    if (amountError) return;
    if (await action.run(() => client.reservations.capture(r.id, 'cents' in parsed && parsed.cents !== null ? { amount_cents: parsed.cents } : {}))) props.onDone();
  }

  return (
    <form className="card resolve" onSubmit={capture} noValidate aria-labelledby="resolve-title">
      <h2 id="resolve-title">Resolve</h2>
      <Field
        id="capture-amount"
        label={`Amount to capture (${r.currency.toUpperCase()})`}
        hint="Empty captures the whole reservation; the rest of a smaller amount is released."
        error={amountError}
      >
        {(c) => <input {...c} inputMode="decimal" value={amount} placeholder={`all of ${money(r.amount_cents, r.currency)}`} onChange={(e) => setAmount(e.target.value)} />}
      </Field>
      <ActionError message={action.error} />
      <div className="buttons">
        <button type="submit" className="primary">
          Capture
        </button>
        <ConfirmButton
          label="Release"
          confirmLabel="Release it all"
          name="Release this reservation"
          onConfirm={async () => {
            if (await action.run(() => client.reservations.release(r.id))) props.onDone();
          }}
        />
      </div>
    </form>
  );
}

function ReservationDetail(props: { id: string }) {
  const { client } = useApp();
  const res = useLoad(() => client.reservations.get(props.id), [props.id]);
  const r = res.data;
  const agent = useAgent(r?.agent_id);
  const amount = (cents: number | null) => (r && cents !== null ? money(cents, r.currency) : null);
  return (
    <DetailPage
      back="/reservations"
      title={r ? `${money(r.amount_cents, r.currency)} for ${r.merchant_name}` : 'Reservation'}
      status={r?.status}
      error={res.error}
      what={`load reservation ${props.id}`}
      facts={
        r && [
          ['Id', <code key="id">{r.id}</code>],
          ['Agent', <AgentLink key="agent" id={r.agent_id} name={agent?.name} />],
          ['Reason', r.reason],
          ['Decision', r.decision_code],
          ['Captured', amount(r.captured_amount_cents)],
          ['Released', amount(r.released_amount_cents)],
          ['Lease', r.lease_id],
          ['Created', time(r.created_at)],
          ['Expires', r.expires_at ? time(r.expires_at) : null],
          ['Resolved', r.resolved_at ? time(r.resolved_at) : null],
          r.status === 'needs_approval' && ['Approval', <Link key="a" to={approvalPath(r.id)}>Decide now</Link>],
        ]
      }
    >
      {r?.status === 'reserved' ? <Resolve reservation={r} onDone={() => void res.reload()} /> : null}
    </DetailPage>
  );
}

function ReservationList() {
  const { client } = useApp();
  const [status, setStatus] = useState<Reservation['status'] | ''>('');
  const list = usePagedList((q) => client.reservations.list({ ...q, ...(status ? { status } : {}) }), [status], { intervalMs: 10_000 });
  const agents = useAgentNames();
  return (
    <section>
      <PageHeader title="Reservations" />
      <p className="hint">SpendGuard holds budget before an action runs; the agent captures what it used or releases it. An unresolved reservation expires on its own.</p>
      <Filters>
        <SelectFilter label="Status" value={status} options={statuses} onChange={setStatus} />
      </Filters>
      <ListTable
        list={list}
        what="load reservations"
        empty={`No reservation${status ? ` is ${words(status)}` : ' yet'}. Agents make them with POST /v1/spend-guard/reservations.`}
        caption="Reservations, newest first"
        rowId="reservation"
        columns={[
          { header: 'Created', cell: (r) => <Link to={pathTo('/reservations', r.id)}>{time(r.created_at)}</Link> },
          { header: 'Status', cell: (r) => <StatusBadge status={r.status} /> },
          { header: 'Amount', className: 'num', cell: (r) => money(r.amount_cents, r.currency) },
          {
            header: 'For',
            cell: (r) => (
              <>
                {r.merchant_name}
                <div className="hint">{r.reason}</div>
              </>
            ),
          },
          { header: 'Agent', cell: (r) => <AgentLink id={r.agent_id} name={agents.name(r.agent_id)} /> },
          { header: 'Expires', cell: (r) => (r.expires_at ? time(r.expires_at) : '—') },
        ]}
      />
    </section>
  );
}

/** SpendGuard reservations: the list, and one reservation to capture or release. */
export function Reservations(props: { id?: string | undefined }) {
  return props.id ? <ReservationDetail id={props.id} /> : <ReservationList />;
}
