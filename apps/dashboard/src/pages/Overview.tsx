import type { Agent, Balance, Policy, SpendRequest } from '@bursar/sdk';
import { collect } from '../api.js';
import { BurnChart, type BurnPoint } from '../BurnChart.js';
import { money, time } from '../format.js';
import { useAgentNames, useLoad } from '../hooks.js';
import { ListTable } from '../list.js';
import { pathTo } from '../router.js';
import { Empty, ErrorNote, Link, PageHeader, useApp } from '../ui.js';

const DAY = 86_400_000;
type Budget = Balance['budgets'][number];

/** Days in the calendar month before `resetsAt`, in the policy's time zone. */
function daysInMonthBefore(resetsAt: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: 'numeric' }).formatToParts(new Date(resetsAt - DAY));
  const y = Number(parts.find((p) => p.type === 'year')?.value);
  const m = Number(parts.find((p) => p.type === 'month')?.value);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Where a budget window starts and ends (a lifetime budget runs from the policy's creation to now). */
function windowOf(b: Budget, p: Policy, now: number): { start: number; end: number } {
  const resets = b.resets_at ? Date.parse(b.resets_at) : null;
  if (b.period === 'total' || resets === null) return { start: Date.parse(p.created_at), end: now + 60_000 };
  const days = b.period === 'daily' ? 1 : b.period === 'weekly' ? 7 : daysInMonthBefore(resets, p.timezone);
  return { start: resets - days * DAY, end: resets };
}

/** The window a chart shows: the month when there is a monthly budget, else the nearest one. */
const chartOrder = ['monthly', 'weekly', 'daily', 'total'] as const;

interface Burn {
  policy: Policy;
  budgets: Budget[];
  chart?: { budget: Budget; start: number; end: number; points: BurnPoint[] };
  noAgent: boolean;
}

/** A charge counted against budgets: approved (held) or completed (captured). */
function charge(s: SpendRequest): BurnPoint | null {
  if (s.status === 'approved') return { at: Date.parse(s.decided_at), cents: s.amount_cents };
  if (s.status === 'completed') return { at: Date.parse(s.decided_at), cents: s.captured_amount_cents ?? s.amount_cents };
  return null;
}

/** Each active policy's budgets (from the balance of one of its agents) and its spend over the charted window. */
function useBurn() {
  const { client } = useApp();
  return useLoad(
    async (): Promise<Burn[]> => {
      const now = Date.now();
      const [policies, agents] = await Promise.all([collect((q) => client.policies.list(q), 200), collect((q) => client.agents.list(q), 1000)]);
      const limited = policies.filter(
        (p) => p.is_active && [p.daily_limit_cents, p.weekly_limit_cents, p.monthly_limit_cents, p.total_limit_cents].some((l) => l !== null),
      );
      const burns: Burn[] = await Promise.all(
        limited.map(async (p) => {
          const mine = agents.filter((a: Agent) => a.policy_id === p.id);
          const agent = mine.find((a) => a.status !== 'revoked') ?? mine[0];
          if (!agent) return { policy: p, budgets: [], noAgent: true };
          // One agent's balance shows its policy's shared budgets; a revoked agent may no longer answer.
          const balance = await client.getBalance({ agent_id: agent.id }).catch(() => null);
          return { policy: p, budgets: balance?.budgets ?? [], noAgent: balance === null };
        }),
      );
      let earliest = now;
      for (const b of burns) {
        const budget = chartOrder.map((period) => b.budgets.find((x) => x.period === period)).find((x) => x !== undefined);
        if (!budget) continue;
        const { start, end } = windowOf(budget, b.policy, now);
        b.chart = { budget, start, end, points: [] };
        earliest = Math.min(earliest, start);
      }
      if (burns.some((b) => b.chart)) {
        // Spend requests and SpendGuard reservations both come back from this list.
        const spends = await collect((q) => client.spendRequests.list({ ...q, created_after: new Date(earliest).toISOString() }), 2000);
        for (const s of spends) {
          const b = burns.find((x) => x.policy.id === s.policy_id);
          const point = charge(s);
          if (b?.chart && point && Date.parse(s.created_at) >= b.chart.start) b.chart.points.push(point);
        }
      }
      return burns;
    },
    [],
    60_000,
  );
}

function BudgetBurn() {
  const burn = useBurn();
  const now = Date.now();
  return (
    <>
      <h2>Budget burn</h2>
      <ErrorNote error={burn.error} what="load budgets" />
      {burn.loading && !burn.data ? <p aria-busy="true">Loading budgets…</p> : null}
      {burn.data && burn.data.length === 0 ? (
        <Empty>
          No active policy has a period budget. <Link to="/policies">Give a policy a daily, weekly, monthly or lifetime budget</Link> to see it burn here.
        </Empty>
      ) : null}
      <div className="burn-grid">
        {(burn.data ?? []).map((b) => (
          <article key={b.policy.id} className="card burn-card" data-burn-policy={b.policy.id} aria-label={`Budget of ${b.policy.name}`}>
            <h3>
              <Link to={pathTo('/policies', b.policy.id)}>{b.policy.name}</Link>
            </h3>
            {b.chart ? (
              <BurnChart
                id={`burn-${b.policy.id}`}
                title={`${b.policy.name}: ${b.chart.budget.period === 'total' ? 'lifetime' : b.chart.budget.period} budget`}
                currency={b.policy.currency}
                limitCents={b.chart.budget.limit_cents}
                usedCents={b.chart.budget.spent_cents + b.chart.budget.held_cents}
                start={b.chart.start}
                end={b.chart.end}
                now={now}
                points={b.chart.points}
              />
            ) : (
              <p className="hint">{b.noAgent ? 'No active agent under this policy: nothing spends from it. Create one on the Agents page.' : 'No period budget.'}</p>
            )}
            {b.budgets.length > 0 ? (
              <ul className="budget-lines">
                {b.budgets.map((x) => (
                  <li key={x.period}>
                    <span className="tile-label">{x.period === 'total' ? 'lifetime' : x.period}</span>{' '}
                    <span className="num">
                      {money(x.spent_cents, b.policy.currency)} spent + {money(x.held_cents, b.policy.currency)} held of {money(x.limit_cents, b.policy.currency)}
                    </span>
                    {x.resets_at ? <span className="hint"> · resets {time(x.resets_at)}</span> : null}
                  </li>
                ))}
              </ul>
            ) : null}
          </article>
        ))}
      </div>
      <span className="sr-only">{`Budgets as of ${time(new Date(now).toISOString())}`}</span>
    </>
  );
}

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
