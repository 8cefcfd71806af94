import type { SpendStatus } from '@bursar/sdk';
import { money, preciseTime } from '../format.js';
import { useAgentNames, usePagedList } from '../hooks.js';
import { Filters, ListTable, SearchFilter, SelectFilter } from '../list.js';
import { approvalPath, pathTo, useSearchParam } from '../router.js';
import { Link, PageHeader, StatusBadge, useApp } from '../ui.js';

const statuses = ['needs_approval', 'approved', 'declined', 'completed', 'cancelled', 'failed', 'expired'] as const satisfies readonly SpendStatus[];

const isStatus = (s: string): s is SpendStatus => (statuses as readonly string[]).includes(s);

/** Every spend request, newest first, filtered by status, agent and merchant; the filters live in the address. */
export function SpendRequests() {
  const { client } = useApp();
  const [statusParam, setStatus] = useSearchParam('status');
  const status = isStatus(statusParam) ? statusParam : '';
  const [agentId, setAgentId] = useSearchParam('agent_id');
  const [merchant, setMerchant] = useSearchParam('merchant');
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
              <Link to={pathTo('/spend-requests', s.id)} aria-label={`${s.merchant_name}, ${money(s.amount_cents, s.currency)}, ${preciseTime(s.created_at)}: details`}>
                <time dateTime={s.created_at}>{preciseTime(s.created_at)}</time>
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
          {
            header: 'Amount',
            className: 'num',
            cell: (s) => (
              <>
                {money(s.amount_cents, s.currency)}
                {s.captured_amount_cents === null ? null : <div className="hint" data-captured>captured {money(s.captured_amount_cents, s.currency)}</div>}
              </>
            ),
          },
          { header: 'Merchant', cell: (s) => s.merchant_name },
          { header: 'Agent', cell: (s) => agents.name(s.agent_id) },
          { header: 'Reason', cell: (s) => s.reason },
          { header: 'Decision', cell: (s) => s.decision_reason },
        ]}
      />
    </section>
  );
}
