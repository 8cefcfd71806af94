import { money, time } from './format.js';

/** One charge against a budget: when it was decided and how much it took. */
export interface BurnPoint {
  at: number;
  cents: number;
}

export interface BurnChartProps {
  id: string;
  /** e.g. "Research agents, monthly budget" */
  title: string;
  currency: string;
  limitCents: number;
  /** What the server counts against the window right now (spent + held). */
  usedCents: number;
  start: number;
  end: number;
  now: number;
  points: BurnPoint[];
}

const W = 360;
const H = 150;
const PAD = { left: 8, right: 8, top: 14, bottom: 22 };

/**
 * Cumulative spend over a budget window against its limit: a step line, the limit as a dashed
 * rule, "now" as a marker. Plain SVG, styled by class (the CSP allows no inline style), and
 * described in words for screen readers.
 */
export function BurnChart(props: BurnChartProps) {
  const { start, end, now, limitCents, currency } = props;
  const sorted = [...props.points].filter((p) => p.at >= start && p.at <= now).sort((a, b) => a.at - b.at);
  let total = 0;
  const steps = sorted.map((p) => ({ at: p.at, cum: (total += p.cents) }));
  // The server's figure is authoritative (it also counts what this page did not load): end on it.
  const finalCents = Math.max(props.usedCents, 0);
  const yMax = Math.max(limitCents, finalCents, total, 1) * 1.12;
  const x = (t: number) => PAD.left + ((Math.min(Math.max(t, start), end) - start) / Math.max(end - start, 1)) * (W - PAD.left - PAD.right);
  const y = (c: number) => H - PAD.bottom - (c / yMax) * (H - PAD.top - PAD.bottom);

  let d = `M${x(start).toFixed(1)},${y(0).toFixed(1)}`;
  let prev = 0;
  for (const s of steps) {
    d += ` H${x(s.at).toFixed(1)} V${y(s.cum).toFixed(1)}`;
    prev = s.cum;
  }
  if (finalCents !== prev) d += ` H${x(now).toFixed(1)} V${y(finalCents).toFixed(1)}`;
  d += ` H${x(now).toFixed(1)}`;
  const area = `${d} V${y(0).toFixed(1)} Z`;

  const pct = limitCents > 0 ? Math.round((finalCents / limitCents) * 100) : finalCents > 0 ? 100 : 0;
  const overBy = finalCents - limitCents;
  // Over means past the limit (overrides can push it there), not merely at it.
  const level = overBy > 0 ? 'over' : pct >= 80 ? 'high' : 'ok';
  const standing = overBy > 0 ? `over the limit by ${money(overBy, currency)}` : `${money(limitCents - finalCents, currency)} left`;
  const summary = `${money(finalCents, currency)} of ${money(limitCents, currency)} used (${pct}%), ${standing}; window ${time(new Date(start).toISOString())} to ${time(new Date(end).toISOString())}.`;
  const titleId = `${props.id}-title`;
  const descId = `${props.id}-desc`;

  return (
    <figure className={`burn burn-${level}`} data-testid="burn-chart">
      <figcaption>
        <span className="burn-title">{props.title}</span>
        <span className="burn-figure">
          <strong>{money(finalCents, currency)}</strong> of {money(limitCents, currency)} · {pct}%
        </span>
        {overBy > 0 ? (
          <strong className="over-limit burn-alarm" data-testid="burn-over">
            ⚠ Over limit by {money(overBy, currency)}
          </strong>
        ) : null}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${titleId} ${descId}`} className="burn-svg">
        <title id={titleId}>{props.title}</title>
        <desc id={descId}>{summary}</desc>
        <line className="burn-axis" x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} />
        <path className="burn-area" d={area} />
        <path className="burn-line" d={d} />
        <line className="burn-limit" x1={PAD.left} x2={W - PAD.right} y1={y(limitCents)} y2={y(limitCents)} />
        <text className="burn-label" x={W - PAD.right} y={y(limitCents) - 4} textAnchor="end">
          limit {money(limitCents, currency)}
        </text>
        <line className="burn-now" x1={x(now)} x2={x(now)} y1={PAD.top} y2={y(0)} />
        <text className="burn-label" x={PAD.left} y={H - 6}>
          {new Date(start).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}
        </text>
        <text className="burn-label" x={W - PAD.right} y={H - 6} textAnchor="end">
          {new Date(end).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}
        </text>
      </svg>
    </figure>
  );
}
