import { InvalidRequestError } from '@bursar/core';
import type { ServiceContext } from '../context.js';
import { iso } from '../iso.js';

const DAY = 86_400_000;
const MAX_WINDOW = 366 * DAY;

interface Bucket {
  count: number;
  amount_cents: number;
}

/** The agent an event is about, read from its object (a lease counts for the agent that gave it). */
function agentOf(o: Record<string, unknown>): string | null {
  const a = o.agent_id ?? o.parent_agent_id;
  return typeof a === 'string' ? a : null;
}

/**
 * Counts and sums the outbox events of a window by type, agent and UTC day. The outbox holds
 * every state change, so this is the control plane's own record of what happened.
 */
export async function usageSummary({ ctx, input }: { ctx: ServiceContext; input: { from?: string | undefined; to?: string | undefined; agent_id?: string | undefined } }) {
  const to = input.to === undefined ? ctx.now : Date.parse(input.to);
  const from = input.from === undefined ? to - 30 * DAY : Date.parse(input.from);
  if (from >= to) throw new InvalidRequestError('from must be before to', 'from');
  if (to - from > MAX_WINDOW) throw new InvalidRequestError('the window may span at most 366 days', 'from');
  let agentFilter = input.agent_id;
  if (ctx.actor.type === 'agent') agentFilter = ctx.actor.agentId;
  const rows = await ctx.tx
    .selectFrom('events')
    .select(['type', 'data', 'created_at'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .execute();
  const totals: Bucket = { count: 0, amount_cents: 0 };
  const byType = new Map<string, Bucket>();
  const byAgent = new Map<string | null, Bucket>();
  const byDay = new Map<string, Bucket>();
  const groups = new Map<string, Bucket & { type: string; agent_id: string | null; day: string }>();
  const add = <K>(m: Map<K, Bucket>, k: K, amount: number) => {
    const b = m.get(k) ?? { count: 0, amount_cents: 0 };
    b.count++;
    b.amount_cents += amount;
    m.set(k, b);
  };
  for (const r of rows) {
    const o = ((JSON.parse(r.data) as { object?: Record<string, unknown> }).object ?? {}) as Record<string, unknown>;
    const agent = agentOf(o);
    if (agentFilter !== undefined && agent !== agentFilter) continue;
    const amount = typeof o.amount_cents === 'number' ? o.amount_cents : 0;
    const day = iso(r.created_at).slice(0, 10);
    totals.count++;
    totals.amount_cents += amount;
    add(byType, r.type, amount);
    add(byAgent, agent, amount);
    add(byDay, day, amount);
    const key = `${r.type}\u0000${agent}\u0000${day}`;
    const g = groups.get(key) ?? { type: r.type, agent_id: agent, day, count: 0, amount_cents: 0 };
    g.count++;
    g.amount_cents += amount;
    groups.set(key, g);
  }
  const sorted = <T>(xs: T[], by: (x: T) => string) => xs.sort((a, b) => (by(a) < by(b) ? -1 : by(a) > by(b) ? 1 : 0));
  return {
    object: 'usage_summary' as const,
    from: iso(from),
    to: iso(to),
    totals,
    by_type: sorted([...byType].map(([type, b]) => ({ type, ...b })), (x) => x.type),
    by_agent: sorted([...byAgent].map(([agent_id, b]) => ({ agent_id, ...b })), (x) => x.agent_id ?? ''),
    by_day: sorted([...byDay].map(([day, b]) => ({ day, ...b })), (x) => x.day),
    groups: sorted([...groups.values()], (x) => `${x.day} ${x.type} ${x.agent_id ?? ''}`),
  };
}
