import { Usage } from '../BudgetBurn.js';
import { RecentDeclines } from '../declines.js';
import { money, preciseTime, time } from '../format.js';
import { useAgentNames, useLoad } from '../hooks.js';
import { ListTable } from '../list.js';
import { pathTo } from '../router.js';
import { DailySpend, SpendTable, SpendTotals, rangeFrom, useSpendAnalytics } from '../spend-analytics.js';
import { AgentLink, DetailPage, LeaseParties, Link, StatusBadge, useApp } from '../ui.js';

const periodWord = (period: string) => (period === 'total' ? 'lifetime' : period);

/** The budget the agent spends from: its policy's windows, or its lease when it has one (the balance says which). */
function AgentBudget(props: { id: string }) {
  const { client } = useApp();
  const balance = useLoad(() => client.getBalance({ agent_id: props.id }), [props.id], 30_000);
  const b = balance.data;
  return (
    <ListTable
      list={{ rows: b?.budgets.map((x) => ({ ...x, id: x.period })), error: balance.error }}
      what="load its budget"
      empty="No period budget: only the policy's other rules and the wallet limit what it spends."
      caption="Budget windows this agent spends from"
      rowId="window"
      columns={[
        { header: 'Window', cell: (x) => periodWord(x.period) },
        { header: 'Used', cell: (x) => <Usage spent={x.spent_cents} held={x.held_cents} limit={x.limit_cents} currency={b!.currency} /> },
        { header: 'Left', className: 'num', cell: (x) => money(x.remaining_cents, b!.currency) },
        { header: 'Resets', cell: (x) => (x.resets_at ? time(x.resets_at) : 'never') },
      ]}
    />
  );
}

/**
 * One agent: what it spent over the last 30 days (summed by the server), the budget it spends
 * from, its keys, cards and leases, and its latest declines.
 */
export function AgentDetail(props: { id: string }) {
  const { client } = useApp();
  const agent = useLoad(() => client.agents.get(props.id), [props.id], 10_000);
  const a = agent.data;
  const names = useAgentNames();
  const policy = useLoad(async () => (a ? client.policies.get(a.policy_id) : null), [a?.policy_id]);
  const from = rangeFrom('30');
  const byMerchant = useSpendAnalytics({ from, agent_id: props.id, group_by: 'merchant', limit: 10 });
  const daily = useSpendAnalytics({ from, agent_id: props.id, group_by: 'day', limit: 1000 });
  const keys = useLoad(() => client.apiKeys.list({ agent_id: props.id, limit: 100 }), [props.id]);
  const leases = useLoad(() => client.budgetLeases.list({ agent_id: props.id, limit: 100 }), [props.id], 30_000);
  const cards = useLoad(async () => (a ? (await client.cards.list({ policy_id: a.policy_id, limit: 100 })).data.filter((c) => c.agent_id === a.id) : undefined), [a?.id, a?.policy_id]);

  return (
    <DetailPage
      back="/agents"
      title={a ? a.name : 'Agent'}
      status={a?.status}
      error={agent.error}
      what={`load agent ${props.id}`}
      facts={
        a && [
          ['Id', <code key="id">{a.id}</code>],
          ['Policy', <Link key="p" to={pathTo('/policies', a.policy_id)}>{policy.data?.name ?? a.policy_id}</Link>],
          a.parent_agent_id !== null && ['Parent agent', <AgentLink key="parent" id={a.parent_agent_id} name={names.name(a.parent_agent_id)} />],
          ['Created', preciseTime(a.created_at)],
          ['Spend requests', <Link key="s" to={`/spend-requests?agent_id=${encodeURIComponent(a.id)}`}>All of its requests</Link>],
        ]
      }
    >
      <div className="agent-sections">
        <h2>Spend, last 30 days</h2>
        <SpendTotals analytics={byMerchant} label={`Spend of ${a?.name ?? 'this agent'} per currency`} />
        <DailySpend analytics={daily} id="agent-daily" />
        <SpendTable
          analytics={byMerchant}
          header="Merchant"
          caption="Its spend by merchant, largest first"
          empty="It asked for nothing in the last 30 days."
          what="load its spend"
        />

        <h2>Budget</h2>
        <AgentBudget id={props.id} />

        <h2>Recent declines</h2>
        <RecentDeclines agentId={props.id} limit={10} what="load its declines" empty="None of its requests was declined." caption="Its latest declined requests" />

        <h2>Keys</h2>
        <ListTable
          list={{ rows: keys.data?.data, error: keys.error }}
          what="load its keys"
          empty="No spending key: make one on the Keys page."
          caption="Its spending keys"
          rowId="key"
          columns={[
            { header: 'Key', cell: (k) => <code>{k.prefix}…</code> },
            { header: 'Name', cell: (k) => k.name ?? '—' },
            { header: 'Status', cell: (k) => <StatusBadge status={k.revoked_at ? 'revoked' : 'active'} /> },
            { header: 'Last used', cell: (k) => time(k.last_used_at) },
            { header: 'Created', cell: (k) => time(k.created_at) },
          ]}
        />

        <h2>Cards</h2>
        <ListTable
          list={{ rows: cards.data, error: cards.error }}
          what="load its cards"
          empty="No card is issued to it."
          caption="Its cards"
          rowId="card"
          columns={[
            { header: 'Card', cell: (c) => `${c.brand} ending ${c.last4}${c.name ? ` · ${c.name}` : ''}` },
            { header: 'Status', cell: (c) => <StatusBadge status={c.status} /> },
            { header: 'Spent', className: 'num', cell: (c) => money(c.spent_cents, policy.data?.currency ?? 'usd') },
            { header: 'Limit', className: 'num', cell: (c) => (c.spend_limit_cents === null ? 'none' : money(c.spend_limit_cents, policy.data?.currency ?? 'usd')) },
          ]}
        />

        <h2>Budget leases</h2>
        <ListTable
          list={{ rows: leases.data?.data, error: leases.error }}
          what="load its leases"
          empty="It has neither granted nor received a lease."
          caption="Leases it granted or received"
          rowId="lease"
          columns={[
            { header: 'From → to', cell: (l) => <LeaseParties lease={l} name={names.name} /> },
            { header: 'Status', cell: (l) => <StatusBadge status={l.status} /> },
            { header: 'Used', cell: (l) => <Usage spent={l.spent_cents} held={l.held_cents} limit={l.amount_cents} currency={l.currency} /> },
            { header: 'Expires', cell: (l) => (l.expires_at ? time(l.expires_at) : 'never') },
          ]}
        />
      </div>
    </DetailPage>
  );
}
