import { collect } from './api.js';
import { money, relative, time } from './format.js';
import { useLoad, usePagedList } from './hooks.js';
import { listBudgetAlerts, type AlertEvent } from './policy-history.js';
import { ListView } from './list.js';
import { pathTo } from './router.js';
import { Link, useApp } from './ui.js';

const periodWords = { daily: 'daily', weekly: 'weekly', monthly: 'monthly', total: 'lifetime' } as const;

/** "80% of the monthly budget reached: $400.00 spent + $20.00 held of $500.00". */
function AlertLine(props: { event: AlertEvent; policyName?: string | undefined }) {
  const a = props.event.alert;
  return (
    <li className="budget-alert" data-budget-alert={props.event.id} data-threshold={a.threshold_percent}>
      <strong>
        {a.threshold_percent}% of the {periodWords[a.period]} budget reached
        {props.policyName !== undefined ? (
          <>
            {' '}by <Link to={pathTo('/policies', a.policy_id)}>{props.policyName}</Link>
          </>
        ) : null}
      </strong>
      <div>
        {money(a.spent_cents, a.currency)} spent + {money(a.held_cents, a.currency)} held of {money(a.limit_cents, a.currency)}
        <span className="hint">
          {a.window_start === null ? '' : ` · window from ${time(a.window_start)}`} · <time dateTime={props.event.created_at} title={time(props.event.created_at)}>{relative(props.event.created_at)}</time>
        </span>
      </div>
    </li>
  );
}

/**
 * Recent budget alerts (`budget.threshold_crossed` events), newest first, refreshed every 30 s:
 * of one policy when `policyId` is given, else of every policy, each named. `thresholds` (the
 * policy's own) words the empty state.
 */
export function BudgetAlerts(props: { policyId?: string; thresholds?: readonly number[]; limit?: number; headingLevel?: 2 | 3 }) {
  const { client } = useApp();
  const alerts = usePagedList((q) => listBudgetAlerts(client, { ...q, policyId: props.policyId }), [props.policyId], { limit: props.limit ?? 10, intervalMs: 30_000 });
  // Across policies each alert names its policy; one policy's page needs no names.
  const names = useLoad(async () => (props.policyId ? undefined : new Map((await collect((q) => client.policies.list(q), 200)).map((p) => [p.id, p.name]))), [props.policyId]);
  const Heading = props.headingLevel === 3 ? 'h3' : 'h2';
  const thresholds = props.thresholds;
  const empty =
    thresholds === undefined
      ? 'No budget alert yet. Each policy alerts at 80% and 100% of its budgets unless told otherwise.'
      : thresholds.length === 0
        ? 'This policy sends no budget alerts (its thresholds are empty).'
        : `No budget alert yet. This policy alerts at ${thresholds.map((t) => `${t}%`).join(' and ')} of each budget.`;
  return (
    <section className="budget-alerts" aria-labelledby={`budget-alerts-${props.policyId ?? 'all'}`}>
      <Heading id={`budget-alerts-${props.policyId ?? 'all'}`}>Budget alerts</Heading>
      <ListView list={alerts} what="load budget alerts" empty={empty}>
        {(rows) => (
          <ul className="card budget-alert-list" aria-label="Recent budget alerts">
            {rows.map((e) => (
              <AlertLine key={e.id} event={e} policyName={props.policyId ? undefined : (names.data?.get(e.alert.policy_id) ?? e.alert.policy_id)} />
            ))}
          </ul>
        )}
      </ListView>
    </section>
  );
}
