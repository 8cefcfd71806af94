import type { SpendAnalytics, SpendAnalyticsParams, SpendAnalyticsRow } from '@bursar/sdk';
import { money } from './format.js';
import { useLoad, type Loaded } from './hooks.js';
import { ListTable } from './list.js';
import { pathTo } from './router.js';
import { Link, useApp } from './ui.js';

const DAY = 86_400_000;

/** The ranges an operator picks from, by the days they span back from now. */
export const ranges = [
  ['7', 'Last 7 days'],
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
  ['365', 'Last 365 days'],
] as const;
export type RangeDays = (typeof ranges)[number][0];

export const isRange = (v: string): v is RangeDays => ranges.some(([d]) => d === v);

/** `from` of a range ending now, to the minute (so that a poll's query stays the same within it). */
export function rangeFrom(days: RangeDays, now = Date.now()): string {
  return new Date(Math.floor((now - Number(days) * DAY) / 60_000) * 60_000).toISOString();
}

/** GET /v1/analytics/spend, polled every minute while the page is open. */
export function useSpendAnalytics(q: SpendAnalyticsParams): Loaded<SpendAnalytics> {
  const { client } = useApp();
  const key = JSON.stringify(q);
  return useLoad(() => client.analytics.spend(q), [key], 60_000);
}

/** The totals of a query, one tile per currency: spent, held and captured, requests and declines. */
export function SpendTotals(props: { analytics: Loaded<SpendAnalytics>; label: string }) {
  const totals = props.analytics.data?.totals;
  if (totals && totals.length === 0) return <p className="hint">No request in this range.</p>;
  return (
    <div className="tiles" aria-label={props.label} role="group">
      {(totals ?? []).map((t) => (
        <div key={t.currency} className="tile" data-total={t.currency}>
          <span className="tile-label">Spent in {t.currency.toUpperCase()}</span>
          <span className="tile-value">{money(t.spent_cents, t.currency)}</span>
          <span className="hint">
            {money(t.captured_cents, t.currency)} captured + {money(t.held_cents, t.currency)} held · {t.request_count} requests, {t.declined_count} declined
          </span>
        </div>
      ))}
    </div>
  );
}

/** A row's group for people: an agent or policy links to its page. */
function GroupCell(props: { row: SpendAnalyticsRow; groupBy: SpendAnalytics['group_by'] }) {
  const { row, groupBy } = props;
  if (groupBy === 'agent' && row.key) return <Link to={pathTo('/agents', row.key)}>{row.label}</Link>;
  if (groupBy === 'policy' && row.key) return <Link to={pathTo('/policies', row.key)}>{row.label}</Link>;
  return <>{row.label}</>;
}

const rowId = (r: SpendAnalyticsRow) => ({ ...r, id: `${r.key ?? ''}|${r.currency}|${r.period_start ?? ''}` });

/** Spend per group, largest first, one row per group and currency. */
export function SpendTable(props: { analytics: Loaded<SpendAnalytics>; header: string; caption: string; empty: string; what: string }) {
  const { data, error } = props.analytics;
  return (
    <ListTable
      list={{ rows: data?.data.map(rowId), error }}
      what={props.what}
      empty={props.empty}
      caption={props.caption}
      rowId="group"
      columns={[
        { header: props.header, cell: (r) => <GroupCell row={r} groupBy={data!.group_by} /> },
        { header: 'Spent', className: 'num', cell: (r) => money(r.spent_cents, r.currency) },
        { header: 'Captured', className: 'num', cell: (r) => money(r.captured_cents, r.currency) },
        { header: 'Held', className: 'num', cell: (r) => money(r.held_cents, r.currency) },
        { header: 'Requests', className: 'num', cell: (r) => r.request_count },
        { header: 'Declined', className: 'num', cell: (r) => (r.declined_count ? `${r.declined_count} (${money(r.declined_cents, r.currency)})` : '0') },
      ]}
    />
  );
}

/** Declines per reason, most first; with `overTime`, per UTC day and reason, oldest first. */
export function DeclineTable(props: { analytics: Loaded<SpendAnalytics>; caption: string; overTime?: boolean }) {
  const { data, error } = props.analytics;
  const day = { header: 'Day (UTC)', cell: (r: SpendAnalyticsRow) => r.period_start?.slice(0, 10) ?? '' };
  return (
    <ListTable
      list={{ rows: data?.data.map(rowId), error }}
      what="load declines"
      empty="No request was declined in this range."
      caption={props.caption}
      rowId="decline"
      columns={[
        ...(props.overTime ? [day] : []),
        { header: 'Reason', cell: (r) => r.label, title: (r) => r.key ?? '' },
        { header: 'Declines', className: 'num', cell: (r) => r.declined_count },
        { header: 'Amount declined', className: 'num', cell: (r) => money(r.declined_cents, r.currency) },
      ]}
    />
  );
}

const W = 360;
const H = 120;
const PAD = { left: 6, right: 6, top: 10, bottom: 20 };

/**
 * Spend per UTC day in one currency as bars, described in words for screen readers (and its
 * figures are in the table beside it). Plain SVG styled by class: the CSP allows no inline style.
 */
export function DailySpendChart(props: { rows: readonly SpendAnalyticsRow[]; currency: string; from: string; to: string; id: string }) {
  const start = Math.floor(Date.parse(props.from) / DAY) * DAY;
  const days = Math.max(1, Math.ceil((Date.parse(props.to) - start) / DAY));
  const mine = props.rows.filter((r) => r.currency === props.currency && r.period_start);
  const max = Math.max(1, ...mine.map((r) => r.spent_cents));
  const total = mine.reduce((sum, r) => sum + r.spent_cents, 0);
  const busiest = mine.reduce<SpendAnalyticsRow | undefined>((best, r) => (!best || r.spent_cents > best.spent_cents ? r : best), undefined);
  const slot = (W - PAD.left - PAD.right) / days;
  const title = `Spend per day in ${props.currency.toUpperCase()}`;
  const desc = busiest
    ? `${money(total, props.currency)} over ${days} days; the most on ${busiest.period_start!.slice(0, 10)}: ${money(busiest.spent_cents, props.currency)}.`
    : `Nothing spent in ${props.currency.toUpperCase()} over ${days} days.`;
  return (
    <figure className="daily" data-testid="daily-chart" data-currency={props.currency}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${props.id}-title ${props.id}-desc`} className="burn-svg">
        <title id={`${props.id}-title`}>{title}</title>
        <desc id={`${props.id}-desc`}>{desc}</desc>
        <line className="burn-axis" x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} />
        {mine.map((r) => {
          const i = Math.floor((Date.parse(r.period_start!) - start) / DAY);
          const h = (r.spent_cents / max) * (H - PAD.top - PAD.bottom);
          return <rect key={r.period_start} className="daily-bar" x={PAD.left + i * slot + 1} width={Math.max(slot - 2, 1)} y={H - PAD.bottom - h} height={h} />;
        })}
        <text className="burn-label" x={PAD.left} y={H - 6}>
          {new Date(start).toISOString().slice(0, 10)}
        </text>
        <text className="burn-label" x={W - PAD.right} y={H - 6} textAnchor="end">
          {props.to.slice(0, 10)}
        </text>
      </svg>
      <figcaption className="hint">{title}</figcaption>
    </figure>
  );
}

/** One daily chart per currency a query's totals name. */
export function DailySpend(props: { analytics: Loaded<SpendAnalytics>; id: string }) {
  const a = props.analytics.data;
  if (!a) return null;
  return (
    <div className="daily-grid">
      {a.totals.map((t) => (
        <DailySpendChart key={t.currency} id={`${props.id}-${t.currency}`} rows={a.data} currency={t.currency} from={a.from} to={a.to} />
      ))}
    </div>
  );
}
