import { Filters, SelectFilter } from '../list.js';
import { useSearchParam } from '../router.js';
import { DailySpend, DeclineTable, SpendTable, SpendTotals, isRange, rangeFrom, ranges, useSpendAnalytics } from '../spend-analytics.js';
import { PageHeader } from '../ui.js';

const groups = [
  ['agent', 'Agent'],
  ['merchant', 'Merchant'],
  ['category', 'Category'],
  ['policy', 'Policy'],
] as const;
type Group = (typeof groups)[number][0];
const isGroup = (v: string): v is Group => groups.some(([g]) => g === v);

/**
 * Spend over a range, summed by the server (GET /v1/analytics/spend): totals per currency, top
 * spenders by agent, merchant, category or policy, spend per day, and declines by reason over
 * time. The range and grouping live in the address.
 */
export function Analytics() {
  const [rangeParam, setRange] = useSearchParam('range');
  const [groupParam, setGroup] = useSearchParam('group_by');
  const days = isRange(rangeParam) ? rangeParam : '30';
  const groupBy = isGroup(groupParam) ? groupParam : 'agent';
  const from = rangeFrom(days);
  const label = groups.find(([g]) => g === groupBy)![1];

  const top = useSpendAnalytics({ from, group_by: groupBy, limit: 20 });
  const daily = useSpendAnalytics({ from, group_by: 'day', limit: 1000 });
  const reasons = useSpendAnalytics({ from, group_by: 'decline_reason', limit: 50 });
  const reasonsByDay = useSpendAnalytics({ from, group_by: 'decline_reason', interval: 'day', limit: 1000 });

  return (
    <section>
      <PageHeader title="Spend analytics" />
      <Filters>
        <SelectFilter label="Range" value={days} options={ranges} any={null} onChange={(v) => setRange(v === '30' ? '' : v)} />
        <SelectFilter label="Group by" value={groupBy} options={groups} any={null} onChange={(v) => setGroup(v === 'agent' ? '' : v)} />
      </Filters>
      <p className="hint">
        Requests of every kind created in the range, summed by the server; amounts in different currencies are never added. Spent is what counts against budgets:
        captured plus still held.
      </p>
      <SpendTotals analytics={top} label="Totals per currency" />

      <h2>Top spenders by {label.toLowerCase()}</h2>
      <SpendTable
        analytics={top}
        header={label}
        caption={`Spend by ${label.toLowerCase()}, largest first`}
        empty="Nothing was asked for in this range."
        what="load spend analytics"
      />
      {top.data?.has_more ? <p className="hint">The 20 largest are shown.</p> : null}

      <h2>Spend per day</h2>
      <DailySpend analytics={daily} id="analytics-daily" />

      <h2>Declines by reason</h2>
      <DeclineTable analytics={reasons} caption="Declined requests by reason, most first" />

      <h2>Declines by reason over time</h2>
      <DeclineTable analytics={reasonsByDay} caption="Declined requests per UTC day and reason, oldest first" overTime />
    </section>
  );
}
