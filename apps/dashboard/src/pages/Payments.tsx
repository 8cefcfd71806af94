import { useState } from 'react';
import type { Payment } from '@bursar/sdk';
import { money, time, words } from '../format.js';
import { useAgent, useAgentNames, useLoad, usePagedList } from '../hooks.js';
import { Filters, ListTable, SelectFilter } from '../list.js';
import { pathTo } from '../router.js';
import { AgentLink, DetailPage, Link, PageHeader, StatusBadge, useApp } from '../ui.js';

const statuses = ['succeeded', 'processing', 'requires_approval', 'declined', 'failed'] as const;

function PaymentDetail(props: { id: string }) {
  const { client } = useApp();
  const payment = useLoad(() => client.payments.get(props.id), [props.id]);
  const p = payment.data;
  const agent = useAgent(p?.agent_id);
  return (
    <DetailPage
      back="/payments"
      title={p ? `${money(p.amount_cents, p.currency)} to ${p.merchant_name}` : 'Payment'}
      status={p?.status}
      error={payment.error}
      what={`load payment ${props.id}`}
      facts={
        p && [
          ['Id', <code key="id">{p.id}</code>],
          ['Agent', <AgentLink key="agent" id={p.agent_id} name={agent?.name} />],
          ['Mandate', <Link key="m" to={pathTo('/mandates', p.mandate_id)}>{p.mandate_id}</Link>],
          ['Spend request', <Link key="s" to={pathTo('/spend-requests', p.spend_request_id)}>{p.spend_request_id}</Link>],
          ['Decision', p.decision_code],
          ['Reasons', p.reasons.map((r) => r.message).join('; ') || null],
          ['Category', p.category],
          ['Description', p.description],
          ['Rail', `${p.rail}${p.rail_transaction_id ? ` · ${p.rail_transaction_id}` : ''}`],
          ['Failure', p.failure_reason],
          ['Created', time(p.created_at)],
          ['Updated', time(p.updated_at)],
        ]
      }
    />
  );
}

function PaymentList() {
  const { client } = useApp();
  const [status, setStatus] = useState<Payment['status'] | ''>('');
  const list = usePagedList((q) => client.payments.list({ ...q, ...(status ? { status } : {}) }), [status], { intervalMs: 10_000 });
  const agents = useAgentNames();
  return (
    <section>
      <PageHeader title="Payments" />
      <p className="hint">Payments an agent executed under a mandate with an execution token, through a rail (the sandbox simulator here).</p>
      <Filters>
        <SelectFilter label="Status" value={status} options={statuses} onChange={setStatus} />
      </Filters>
      <ListTable
        list={list}
        what="load payments"
        empty={`No payment${status ? ` is ${words(status)}` : ' yet'}. Agents pay with POST /v1/payments under a mandate.`}
        caption="Payments, newest first"
        rowId="payment"
        columns={[
          { header: 'Created', cell: (p) => <Link to={pathTo('/payments', p.id)}>{time(p.created_at)}</Link> },
          { header: 'Status', cell: (p) => <StatusBadge status={p.status} /> },
          { header: 'Amount', className: 'num', cell: (p) => money(p.amount_cents, p.currency) },
          { header: 'Merchant', cell: (p) => p.merchant_name },
          { header: 'Agent', cell: (p) => <AgentLink id={p.agent_id} name={agents.name(p.agent_id)} /> },
          { header: 'Rail', cell: (p) => p.rail },
        ]}
      />
    </section>
  );
}

/** Payments executed under mandates: the list and one payment's detail (read-only: the API has no action on them). */
export function Payments(props: { id?: string | undefined }) {
  return props.id ? <PaymentDetail id={props.id} /> : <PaymentList />;
}
