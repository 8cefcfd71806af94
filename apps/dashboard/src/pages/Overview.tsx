import { BudgetBurn } from '../BudgetBurn.js';
import { money, time } from '../format.js';
import { useAgentNames, useLoad } from '../hooks.js';
import { ListTable } from '../list.js';
import { pathTo } from '../router.js';
import { Empty, ErrorNote, Link, PageHeader, useApp } from '../ui.js';

/** Wallet balances, what waits for a human, and the latest declines with their reasons. */
export function Overview() {
  const { client } = useApp();
  const wallets = useLoad(() => client.wallets.list({ limit: 100 }), [], 10_000);
  const pending = useLoad(() => client.approvals.list({ status: 'pending', limit: 100 }), [], 5_000);
  const declines = useLoad(() => client.spendRequests.list({ status: 'declined', limit: 8 }), [], 10_000);
  const agents = useAgentNames();
  const waiting = pending.data?.data.length;

  return (
    <section>
      <PageHeader title="Overview" />
      <div className="tiles">
        <Link to="/approvals" className="tile tile-link">
          <span className="tile-label">Pending approvals</span>
          <span className="tile-value" data-testid="pending-count">
            {waiting === undefined ? '…' : pending.data?.has_more ? `${waiting}+` : waiting}
          </span>
          <span className="hint">{pending.error ? 'Could not load the queue' : waiting === undefined ? 'Loading…' : waiting ? 'Open the queue' : 'Nothing waits'}</span>
        </Link>
        {(wallets.data?.data ?? []).map((w) => (
          <div key={w.id} className="tile">
            <span className="tile-label">
              {w.currency.toUpperCase()} wallet {w.livemode ? '' : '(sandbox)'}
            </span>
            <span className="tile-value">{money(w.available_cents, w.currency)}</span>
            <span className="hint">{money(w.held_cents, w.currency)} held for approved requests</span>
          </div>
        ))}
      </div>
      <ErrorNote error={wallets.error ?? pending.error} what="load the balances" />
      {wallets.data && wallets.data.data.length === 0 ? (
        <Empty>No wallet yet. Create one with POST /v1/wallets, then fund it (sandbox wallets have a faucet).</Empty>
      ) : null}

      <BudgetBurn />

      <h2>Recent declines</h2>
      <ListTable
        list={{ rows: declines.data?.data, error: declines.error }}
        what="load recent declines"
        empty="No request was declined. Declines and their reasons show up here."
        caption="The latest declined spend requests"
        columns={[
          { header: 'When', cell: (s) => time(s.decided_at) },
          { header: 'Amount', className: 'num', cell: (s) => money(s.amount_cents, s.currency) },
          { header: 'Merchant', cell: (s) => <Link to={pathTo('/spend-requests', s.id)}>{s.merchant_name}</Link> },
          { header: 'Agent', cell: (s) => agents.name(s.agent_id) },
          { header: 'Why', cell: (s) => s.decision_reason },
        ]}
      />
    </section>
  );
}
