import { money, preciseTime } from './format.js';
import { useAgentNames, useLoad } from './hooks.js';
import { ListTable } from './list.js';
import { pathTo } from './router.js';
import { AgentLink, Link, useApp } from './ui.js';

/**
 * The latest declined requests with their reasons, of the workspace or of one agent (then
 * without an Agent column), polled every 10 s.
 */
export function RecentDeclines(props: { agentId?: string; limit: number; caption: string; empty: string; what: string }) {
  const { client } = useApp();
  const agentId = props.agentId;
  const declines = useLoad(() => client.spendRequests.list({ status: 'declined', limit: props.limit, ...(agentId ? { agent_id: agentId } : {}) }), [agentId], 10_000);
  const agents = useAgentNames();
  return (
    <ListTable
      list={{ rows: declines.data?.data, error: declines.error }}
      what={props.what}
      empty={props.empty}
      caption={props.caption}
      rowId="declined"
      columns={[
        { header: 'When', cell: (s) => preciseTime(s.decided_at) },
        { header: 'Amount', className: 'num', cell: (s) => money(s.amount_cents, s.currency) },
        { header: 'Merchant', cell: (s) => <Link to={pathTo('/spend-requests', s.id)}>{s.merchant_name}</Link> },
        ...(agentId ? [] : [{ header: 'Agent', cell: (s: { agent_id: string }) => <AgentLink id={s.agent_id} name={agents.name(s.agent_id)} /> }]),
        { header: 'Why', cell: (s) => s.decision_reason },
      ]}
    />
  );
}
