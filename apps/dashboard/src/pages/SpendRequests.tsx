import { useState } from 'react';
import type { SpendRequest } from '@bursar/sdk';
import { money, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { Empty, ErrorNote, Link, PageHeader, StatusBadge, useApp } from '../ui.js';

const statuses = ['needs_approval', 'approved', 'declined', 'completed', 'cancelled', 'failed', 'expired'] as const;
type Status = (typeof statuses)[number];

/** Every spend request, newest first, filtered by status, agent and merchant. */
export function SpendRequests() {
  const { client } = useApp();
  const [status, setStatus] = useState<Status | ''>('');
  const [agentId, setAgentId] = useState('');
  const [merchant, setMerchant] = useState('');
  const [more, setMore] = useState<SpendRequest[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const agents = useLoad(() => client.agents.list({ limit: 100 }), []);
  const query = { limit: 50, ...(status ? { status } : {}), ...(agentId ? { agent_id: agentId } : {}), ...(merchant.trim() ? { merchant: merchant.trim() } : {}) };
  const list = useLoad(
    async () => {
      const page = await client.spendRequests.list(query);
      setMore([]);
      setCursor(page.next_cursor);
      return page;
    },
    [status, agentId, merchant],
  );
  const rows = [...(list.data?.data ?? []), ...more];
  const agentName = new Map((agents.data?.data ?? []).map((a) => [a.id, a.name]));

  return (
    <section>
      <PageHeader title="Spend requests" />
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
            <option value="">Any</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Agent
          <select value={agentId} onChange={(e) => setAgentId(e.target.value)}>
            <option value="">Any</option>
            {(agents.data?.data ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Merchant
          <input type="search" value={merchant} onChange={(e) => setMerchant(e.target.value)} placeholder="e.g. openai.com" />
        </label>
      </form>
      <ErrorNote error={list.error} what="load spend requests" />
      {list.data && rows.length === 0 ? <Empty>No spend request matches. Clear a filter, or wait for an agent to ask.</Empty> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Spend requests, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col">Amount</th>
                <th scope="col">Merchant</th>
                <th scope="col">Agent</th>
                <th scope="col">Reason</th>
                <th scope="col">Decision</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link to={`/spend-requests/${encodeURIComponent(s.id)}`} aria-label={`${s.merchant_name}, ${money(s.amount_cents, s.currency)}, ${time(s.created_at)}: details`}>
                      {time(s.created_at)}
                    </Link>
                  </td>
                  <td>
                    {s.status === 'needs_approval' ? (
                      <Link to={`/approvals?spend_request_id=${encodeURIComponent(s.id)}`}>
                        <StatusBadge status={s.status} />
                      </Link>
                    ) : (
                      <StatusBadge status={s.status} />
                    )}
                  </td>
                  <td className="num">{money(s.amount_cents, s.currency)}</td>
                  <td>{s.merchant_name}</td>
                  <td>{agentName.get(s.agent_id) ?? s.agent_id}</td>
                  <td>{s.reason}</td>
                  <td>{s.decision_reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {cursor ? (
        <button
          type="button"
          onClick={async () => {
            const page = await client.spendRequests.list({ ...query, cursor });
            setMore((m) => [...m, ...page.data]);
            setCursor(page.next_cursor);
          }}
        >
          Load more
        </button>
      ) : null}
    </section>
  );
}
