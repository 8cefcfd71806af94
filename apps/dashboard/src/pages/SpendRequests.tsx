import { useState } from 'react';
import type { SpendStatus } from '@bursar/sdk';
import { money, time } from '../format.js';
import { useAgentNames, usePagedList } from '../hooks.js';
import { Filters, ListTable, SearchFilter, SelectFilter } from '../list.js';
import { approvalPath, pathTo } from '../router.js';
import { Link, PageHeader, StatusBadge, useApp } from '../ui.js';

const statuses = ['needs_approval', 'approved', 'declined', 'completed', 'cancelled', 'failed', 'expired'] as const satisfies readonly SpendStatus[];

/** Every spend request, newest first, filtered by status, agent and merchant. */
export function SpendRequests() {
  const { client } = useApp();
  const [status, setStatus] = useState<SpendStatus | ''>('');
  const [agentId, setAgentId] = useState('');
  const [merchant, setMerchant] = useState('');
  const agents = useAgentNames();
  const list = usePagedList(
    (q) => client.spendRequests.list({ ...q, ...(status ? { status } : {}), ...(agentId ? { agent_id: agentId } : {}), ...(merchant.trim() ? { merchant: merchant.trim() } : {}) }),
    [status, agentId, merchant],
    { limit: 50 },
  );

  return (
    <section>
      <PageHeader title="Spend requests" />
      <Filters>
        <SelectFilter label="Status" value={status} options={statuses} onChange={setStatus} />
        <SelectFilter label="Agent" value={agentId} options={agents.agents.map((a) => [a.id, a.name] as const)} onChange={setAgentId} />
        <SearchFilter label="Merchant" value={merchant} onChange={setMerchant} placeholder="e.g. openai.com" />
      </Filters>
      <ListTable
        list={list}
        what="load spend requests"
        empty="No spend request matches. Clear a filter, or wait for an agent to ask."
        caption="Spend requests, newest first"
        columns={[
          {
            header: 'Created',
            cell: (s) => (
              <Link to={pathTo('/spend-requests', s.id)} aria-label={`${s.merchant_name}, ${money(s.amount_cents, s.currency)}, ${time(s.created_at)}: details`}>
                {time(s.created_at)}
              </Link>
            ),
          },
          {
            header: 'Status',
            cell: (s) =>
              s.status === 'needs_approval' ? (
                <Link to={approvalPath(s.id)}>
                  <StatusBadge status={s.status} />
                </Link>
              ) : (
                <StatusBadge status={s.status} />
              ),
          },
          { header: 'Amount', className: 'num', cell: (s) => money(s.amount_cents, s.currency) },
          { header: 'Merchant', cell: (s) => s.merchant_name },
          { header: 'Agent', cell: (s) => agents.name(s.agent_id) },
          { header: 'Reason', cell: (s) => s.reason },
          { header: 'Decision', cell: (s) => s.decision_reason },
        ]}
      />
    </section>
  );
}
