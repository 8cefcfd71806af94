import type { Agent, Balance, BudgetLease, BursarClient, Policy } from '@bursar/sdk';
import { collect } from './api.js';
import { BurnChart, type BurnPoint } from './BurnChart.js';
import { money, time } from './format.js';
import { useLoad } from './hooks.js';
import { pathTo } from './router.js';
import { Empty, ErrorNote, LeaseParties, Link, useApp } from './ui.js';

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

const periodWord = (period: Budget['period']) => (period === 'total' ? 'lifetime' : period);

/** Why a policy's own windows could not be read, when they could not. */
type Unread = 'no_agent' | 'all_leased' | null;

interface Burn {
  policy: Policy;
  /** The policy's own windows: what every agent under it spends from, unless it spends from a lease. */
  budgets: Budget[];
  unread: Unread;
  /** Active leases drawn by this policy's agents: each is held in full in the windows it came from. */
  leases: BudgetLease[];
  chart?: { budget: Budget; start: number; end: number; points: BurnPoint[] };
}

/** The longest range the analytics endpoint sums over (core's MAX_ANALYTICS_RANGE_DAYS). */
const MAX_RANGE = 366 * DAY;

/**
 * What was charged to a policy's own windows (held or captured, leases' spends apart) from
 * `start` to now, summed by the server per UTC hour (per day over windows longer than a week),
 * each bucket a step of the chart at its start (or the window's, for the first).
 */
async function chargesOf(client: BursarClient, p: Policy, start: number, now: number): Promise<BurnPoint[]> {
  const from = Math.max(start, now - MAX_RANGE);
  const to = now + 60_000;
  if (from >= to) return [];
  const interval = to - from > 7 * DAY ? 'day' : 'hour';
  const rows = await client.analytics.spend({
    from: new Date(from).toISOString(), to: new Date(to).toISOString(), group_by: interval, policy_id: p.id, currency: p.currency, budget: 'policy', limit: 1000,
  });
  return rows.data.filter((r) => r.spent_cents > 0).map((r) => ({ at: Math.max(Date.parse(r.period_start!), from), cents: r.spent_cents }));
}

const isLive = (l: BudgetLease, now: number) => l.status === 'active' && (l.expires_at === null || Date.parse(l.expires_at) > now);

/**
 * Each active policy's own budget windows and its spend over the charted window. The management
 * API has no per-policy usage, so the windows are read from the balance of one agent under the
 * policy that does not spend from a lease (an agent with a lease sees only its lease).
 */
function useBurn() {
  const { client } = useApp();
  return useLoad(
    async (): Promise<{ burns: Burn[]; names: Map<string, string> }> => {
      const now = Date.now();
      const [policies, agents, active] = await Promise.all([
        collect((q) => client.policies.list(q), 200),
        collect((q) => client.agents.list(q), 1000),
        collect((q) => client.budgetLeases.list({ ...q, status: 'active' }), 1000),
      ]);
      const leases = active.filter((l) => isLive(l, now));
      const leased = new Set(leases.map((l) => l.child_agent_id));
      const policyOf = new Map(agents.map((a) => [a.id, a.policy_id]));
      const limited = policies.filter(
        (p) => p.is_active && [p.daily_limit_cents, p.weekly_limit_cents, p.monthly_limit_cents, p.total_limit_cents].some((l) => l !== null),
      );
      const burns: Burn[] = await Promise.all(
        limited.map(async (p): Promise<Burn> => {
          const own = leases.filter((l) => policyOf.get(l.parent_agent_id) === p.id);
          const mine = agents.filter((a: Agent) => a.policy_id === p.id);
          const readers = mine.filter((a) => !leased.has(a.id));
          // An active agent first; a revoked one still reads its policy's windows.
          const agent = readers.find((a) => a.status !== 'revoked') ?? readers[0];
          if (!agent) return { policy: p, budgets: [], leases: own, unread: mine.length === 0 ? 'no_agent' : 'all_leased' };
          const balance = await client.getBalance({ agent_id: agent.id }).catch(() => null);
          return { policy: p, budgets: balance?.budgets ?? [], leases: own, unread: balance === null ? 'no_agent' : null };
        }),
      );
      await Promise.all(
        burns.map(async (b) => {
          const budget = chartOrder.map((period) => b.budgets.find((x) => x.period === period)).find((x) => x !== undefined);
          if (!budget) return;
          const { start, end } = windowOf(budget, b.policy, now);
          // A lease is held in full in its parent's windows when granted; its child's spends count against the lease.
          const points = b.leases.filter((l) => l.source_lease_id === null).map((l) => ({ at: Date.parse(l.created_at), cents: l.amount_cents }));
          points.push(...(await chargesOf(client, b.policy, start, now)));
          b.chart = { budget, start, end, points };
        }),
      );
      return { burns, names: new Map(agents.map((a) => [a.id, a.name])) };
    },
    [],
    60_000,
  );
}

/** Used against a limit in words: "$12.00 spent + $3.00 held of $100.00 · 15%", and by how much it is over. */
export function Usage(props: { spent: number; held: number; limit: number; currency: string }) {
  const { spent, held, limit, currency } = props;
  const used = spent + held;
  const over = used - limit;
  const pct = limit > 0 ? Math.round((used / limit) * 100) : used > 0 ? 100 : 0;
  return (
    <>
      <span className="num">
        {money(spent, currency)} spent + {money(held, currency)} held of {money(limit, currency)} · {pct}%
      </span>
      {over > 0 ? (
        <strong className="over-limit" data-over-limit>
          {' '}
          ⚠ Over limit by {money(over, currency)}
        </strong>
      ) : null}
    </>
  );
}

const unreadWords: Record<Exclude<Unread, null>, string> = {
  no_agent: 'No active agent under this policy: nothing spends from it. Create one on the Agents page.',
  all_leased:
    'Every agent under this policy spends from a lease, so its own windows cannot be read here: the API reports a policy’s windows only through the balance of an agent without a lease.',
};

function BurnCard(props: { burn: Burn; names: Map<string, string>; now: number }) {
  const { policy: p, budgets, leases, chart, unread } = props.burn;
  const name = (id: string) => props.names.get(id) ?? id;
  const over = budgets.some((x) => x.spent_cents + x.held_cents > x.limit_cents);
  return (
    <article className={`card burn-card${over ? ' burn-card-over' : ''}`} data-burn-policy={p.id} aria-label={`Budget of ${p.name}`}>
      <h3>
        <Link to={pathTo('/policies', p.id)}>{p.name}</Link>
      </h3>
      {chart ? (
        <BurnChart
          id={`burn-${p.id}`}
          title={`${p.name}: ${periodWord(chart.budget.period)} budget`}
          currency={p.currency}
          limitCents={chart.budget.limit_cents}
          usedCents={chart.budget.spent_cents + chart.budget.held_cents}
          start={chart.start}
          end={chart.end}
          now={props.now}
          points={chart.points}
        />
      ) : (
        <p className="hint">{unread ? unreadWords[unread] : 'No period budget.'}</p>
      )}
      {budgets.length > 0 ? (
        <ul className="budget-lines" aria-label={`Budget windows of ${p.name}`}>
          {budgets.map((x) => (
            <li key={x.period} data-window={x.period}>
              <span className="tile-label">{periodWord(x.period)}</span>{' '}
              <Usage spent={x.spent_cents} held={x.held_cents} limit={x.limit_cents} currency={p.currency} />
              {x.resets_at ? <span className="hint"> · resets {time(x.resets_at)}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {leases.length > 0 ? (
        <>
          <h4 className="burn-leases-title">Leases to child agents</h4>
          <p className="hint">Each is held in full in the windows above; its child spends only from the lease.</p>
          <ul className="budget-lines" aria-label={`Leases granted by agents of ${p.name}`}>
            {leases.map((l) => (
              <li key={l.id} data-lease={l.id}>
                <span className="tile-label">
                  lease <LeaseParties lease={l} name={name} />
                </span>{' '}
                <Usage spent={l.spent_cents} held={l.held_cents} limit={l.amount_cents} currency={l.currency} />
                <span className="hint"> · {l.expires_at ? `expires ${time(l.expires_at)}` : 'until released'}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </article>
  );
}

/** The overview's budget burn: each active policy's own windows, over-limit in red and in words, leases apart. */
export function BudgetBurn() {
  const burn = useBurn();
  const now = Date.now();
  return (
    <>
      <h2>Budget burn</h2>
      <ErrorNote error={burn.error} what="load budgets" />
      {burn.loading && !burn.data ? <p aria-busy="true">Loading budgets…</p> : null}
      {burn.data && burn.data.burns.length === 0 ? (
        <Empty>
          No active policy has a period budget. <Link to="/policies">Give a policy a daily, weekly, monthly or lifetime budget</Link> to see it burn here.
        </Empty>
      ) : null}
      <div className="burn-grid">
        {(burn.data?.burns ?? []).map((b) => (
          <BurnCard key={b.policy.id} burn={b} names={burn.data!.names} now={now} />
        ))}
      </div>
      <span className="sr-only">{`Budgets as of ${time(new Date(now).toISOString())}`}</span>
    </>
  );
}
