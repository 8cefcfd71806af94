import type { ReactNode } from 'react';
import { useState, type FormEvent } from 'react';
import type { Reservation } from '../api.js';
import { describeError, money, parseAmount, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { ActionError, ConfirmButton, Empty, ErrorNote, Facts, Link, PageHeader, StatusBadge, useApp, useControl } from '../ui.js';

const statuses = ['reserved', 'needs_approval', 'captured', 'released', 'declined', 'expired'] as const;

/** Capture (all, or a smaller amount) or release a reservation that is still reserved. */
function Resolve(props: { reservation: Reservation; onDone: () => void }) {
  const control = useControl();
  const r = props.reservation;
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<string>();
  const parsed = parseAmount(amount, r.currency);
  const amountError = 'error' in parsed ? parsed.error : parsed.cents !== null && parsed.cents > r.amount_cents ? `Must be at most ${money(r.amount_cents, r.currency)}.` : parsed.cents === 0 ? 'Must be more than zero; release instead.' : undefined;

  async function capture(e: FormEvent) {
    e.preventDefault();
    if (amountError) return;
    setError(undefined);
    try {
      await control.reservations.capture(r.id, 'cents' in parsed && parsed.cents !== null ? { amount_cents: parsed.cents } : {});
      props.onDone();
    } catch (err) {
      setError(describeError(err));
    }
  }

  return (
    <form className="card resolve" onSubmit={capture} noValidate aria-labelledby="resolve-title">
      <h2 id="resolve-title">Resolve</h2>
      <div className={`field${amountError ? ' invalid' : ''}`}>
        <label htmlFor="capture-amount">Amount to capture ({r.currency.toUpperCase()})</label>
        <input
          id="capture-amount"
          inputMode="decimal"
          value={amount}
          placeholder={`all of ${money(r.amount_cents, r.currency)}`}
          onChange={(e) => setAmount(e.target.value)}
          aria-invalid={amountError ? true : undefined}
          aria-describedby={`capture-amount-hint${amountError ? ' capture-amount-error' : ''}`}
        />
        <span className="hint" id="capture-amount-hint">
          Empty captures the whole reservation; the rest of a smaller amount is released.
        </span>
        {amountError ? (
          <span className="field-error" id="capture-amount-error" role="alert">
            {amountError}
          </span>
        ) : null}
      </div>
      <ActionError message={error} />
      <div className="buttons">
        <button type="submit" className="primary">
          Capture
        </button>
        <ConfirmButton
          label="Release"
          confirmLabel="Release it all"
          name="Release this reservation"
          onConfirm={async () => {
            setError(undefined);
            try {
              await control.reservations.release(r.id);
              props.onDone();
            } catch (err) {
              setError(describeError(err));
            }
          }}
        />
      </div>
    </form>
  );
}

function ReservationDetail(props: { id: string }) {
  const { client } = useApp();
  const control = useControl();
  const res = useLoad(() => control.reservations.get(props.id), [props.id]);
  const agent = useLoad(async () => (res.data ? client.agents.get(res.data.agent_id) : null), [res.data?.agent_id]);
  const r = res.data;
  return (
    <section>
      <p className="breadcrumb">
        <Link to="/reservations">Reservations</Link>
      </p>
      <PageHeader title={r ? `${money(r.amount_cents, r.currency)} for ${r.merchant_name}` : 'Reservation'}>{r ? <StatusBadge status={r.status} /> : null}</PageHeader>
      <ErrorNote error={res.error} what={`load reservation ${props.id}`} />
      {r ? (
        <>
          <div className="card">
            <Facts
              items={[
                ['Id', <code key="id">{r.id}</code>],
                ['Agent', agent.data?.name ?? r.agent_id],
                ['Reason', r.reason],
                ['Decision', r.decision_code],
                ['Captured', r.captured_amount_cents === null ? null : money(r.captured_amount_cents, r.currency)],
                ['Released', r.released_amount_cents === null ? null : money(r.released_amount_cents, r.currency)],
                ['Lease', r.lease_id],
                ['Created', time(r.created_at)],
                ['Expires', r.expires_at ? time(r.expires_at) : null],
                ['Resolved', r.resolved_at ? time(r.resolved_at) : null],
                ...(r.status === 'needs_approval' ? ([['Approval', <Link key="a" to={`/approvals?spend_request_id=${encodeURIComponent(r.id)}`}>Decide now</Link>]] as Array<[string, ReactNode]>) : []),
              ]}
            />
          </div>
          {r.status === 'reserved' ? <Resolve reservation={r} onDone={() => void res.reload()} /> : null}
        </>
      ) : null}
    </section>
  );
}

function ReservationList() {
  const { client } = useApp();
  const control = useControl();
  const [status, setStatus] = useState<Reservation['status'] | ''>('');
  const list = useLoad(() => control.reservations.list({ limit: 100, ...(status ? { status } : {}) }), [status], 10_000);
  const agents = useLoad(() => client.agents.list({ limit: 100 }), []);
  const agentName = new Map((agents.data?.data ?? []).map((a) => [a.id, a.name]));
  return (
    <section>
      <PageHeader title="Reservations" />
      <p className="hint">SpendGuard holds budget before an action runs; the agent captures what it used or releases it. An unresolved reservation expires on its own.</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as Reservation['status'] | '')}>
            <option value="">Any</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorNote error={list.error} what="load reservations" />
      {list.data && list.data.data.length === 0 ? <Empty>No reservation{status ? ` is ${status.replace(/_/g, ' ')}` : ' yet'}. Agents make them with POST /v1/spend-guard/reservations.</Empty> : null}
      {list.data && list.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Reservations, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col">Amount</th>
                <th scope="col">For</th>
                <th scope="col">Agent</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((r) => (
                <tr key={r.id} data-reservation={r.id}>
                  <td>
                    <Link to={`/reservations/${encodeURIComponent(r.id)}`}>{time(r.created_at)}</Link>
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td className="num">{money(r.amount_cents, r.currency)}</td>
                  <td>
                    {r.merchant_name}
                    <div className="hint">{r.reason}</div>
                  </td>
                  <td>{agentName.get(r.agent_id) ?? r.agent_id}</td>
                  <td>{r.expires_at ? time(r.expires_at) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** SpendGuard reservations: the list, and one reservation to capture or release. */
export function Reservations(props: { id?: string | undefined }) {
  return props.id ? <ReservationDetail id={props.id} /> : <ReservationList />;
}
