import { useState } from 'react';
import type { Payment } from '../api.js';
import { money, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { Empty, ErrorNote, Facts, Link, PageHeader, StatusBadge, useApp, useControl } from '../ui.js';

const statuses = ['succeeded', 'processing', 'requires_approval', 'declined', 'failed'] as const;

function PaymentDetail(props: { id: string }) {
  const { client } = useApp();
  const control = useControl();
  const payment = useLoad(() => control.payments.get(props.id), [props.id]);
  const agent = useLoad(async () => (payment.data ? client.agents.get(payment.data.agent_id) : null), [payment.data?.agent_id]);
  const p = payment.data;
  return (
    <section>
      <p className="breadcrumb">
        <Link to="/payments">Payments</Link>
      </p>
      <PageHeader title={p ? `${money(p.amount_cents, p.currency)} to ${p.merchant_name}` : 'Payment'}>{p ? <StatusBadge status={p.status} /> : null}</PageHeader>
      <ErrorNote error={payment.error} what={`load payment ${props.id}`} />
      {p ? (
        <div className="card">
          <Facts
            items={[
              ['Id', <code key="id">{p.id}</code>],
              ['Agent', agent.data?.name ?? p.agent_id],
              ['Mandate', <Link key="m" to={`/mandates/${encodeURIComponent(p.mandate_id)}`}>{p.mandate_id}</Link>],
              ['Spend request', <Link key="s" to={`/spend-requests/${encodeURIComponent(p.spend_request_id)}`}>{p.spend_request_id}</Link>],
              ['Decision', p.decision_code],
              ['Reasons', p.reasons.map((r) => r.message).join('; ') || null],
              ['Category', p.category],
              ['Description', p.description],
              ['Rail', `${p.rail}${p.rail_transaction_id ? ` · ${p.rail_transaction_id}` : ''}`],
              ['Failure', p.failure_reason],
              ['Created', time(p.created_at)],
              ['Updated', time(p.updated_at)],
            ]}
          />
        </div>
      ) : null}
    </section>
  );
}

function PaymentList() {
  const { client } = useApp();
  const control = useControl();
  const [status, setStatus] = useState<Payment['status'] | ''>('');
  const list = useLoad(() => control.payments.list({ limit: 100, ...(status ? { status } : {}) }), [status], 10_000);
  const agents = useLoad(() => client.agents.list({ limit: 100 }), []);
  const agentName = new Map((agents.data?.data ?? []).map((a) => [a.id, a.name]));
  return (
    <section>
      <PageHeader title="Payments" />
      <p className="hint">Payments an agent executed under a mandate with an execution token, through a rail (the sandbox simulator here).</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as Payment['status'] | '')}>
            <option value="">Any</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorNote error={list.error} what="load payments" />
      {list.data && list.data.data.length === 0 ? <Empty>No payment{status ? ` is ${status.replace(/_/g, ' ')}` : ' yet'}. Agents pay with POST /v1/payments under a mandate.</Empty> : null}
      {list.data && list.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Payments, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col">Amount</th>
                <th scope="col">Merchant</th>
                <th scope="col">Agent</th>
                <th scope="col">Rail</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((p) => (
                <tr key={p.id} data-payment={p.id}>
                  <td>
                    <Link to={`/payments/${encodeURIComponent(p.id)}`}>{time(p.created_at)}</Link>
                  </td>
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                  <td className="num">{money(p.amount_cents, p.currency)}</td>
                  <td>{p.merchant_name}</td>
                  <td>{agentName.get(p.agent_id) ?? p.agent_id}</td>
                  <td>{p.rail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** Payments executed under mandates: the list and one payment's detail (read-only: the API has no action on them). */
export function Payments(props: { id?: string | undefined }) {
  return props.id ? <PaymentDetail id={props.id} /> : <PaymentList />;
}
