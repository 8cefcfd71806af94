import { BudgetAlerts } from '../BudgetAlerts.js';
import { BudgetBurn } from '../BudgetBurn.js';
import { RecentDeclines } from '../declines.js';
import { money } from '../format.js';
import { useLoad } from '../hooks.js';
import { Empty, ErrorNote, Link, PageHeader, useApp } from '../ui.js';

/** Wallet balances, what waits for a human, budgets and their alerts, and the latest declines with their reasons. */
export function Overview() {
  const { client } = useApp();
  const wallets = useLoad(() => client.wallets.list({ limit: 100 }), [], 10_000);
  const pending = useLoad(() => client.approvals.list({ status: 'pending', limit: 100 }), [], 5_000);
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

      <BudgetAlerts limit={5} />

      <h2>Recent declines</h2>
      <RecentDeclines
        limit={8}
        what="load recent declines"
        empty="No request was declined. Declines and their reasons show up here."
        caption="The latest declined spend requests"
      />
    </section>
  );
}
