import { money, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { Empty, ErrorNote, Link, PageHeader, useApp } from '../ui.js';

/** Wallet balances, what waits for a human, and the latest declines with their reasons. */
export function Overview() {
  const { client } = useApp();
  const wallets = useLoad(() => client.wallets.list({ limit: 100 }), [], 10_000);
  const pending = useLoad(() => client.approvals.list({ status: 'pending', limit: 100 }), [], 5_000);
  const declines = useLoad(() => client.spendRequests.list({ status: 'declined', limit: 8 }), [], 10_000);
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
          <span className="hint">{waiting ? 'Open the queue' : 'Nothing waits'}</span>
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

      <h2>Recent declines</h2>
      <ErrorNote error={declines.error} what="load recent declines" />
      {declines.data && declines.data.data.length === 0 ? <Empty>No request was declined. Declines and their reasons show up here.</Empty> : null}
      {declines.data && declines.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">The latest declined spend requests</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Amount</th>
                <th scope="col">Merchant</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {declines.data.data.map((s) => (
                <tr key={s.id}>
                  <td>{time(s.decided_at)}</td>
                  <td className="num">{money(s.amount_cents, s.currency)}</td>
                  <td>{s.merchant_name}</td>
                  <td>{s.decision_reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
