import { NotFoundError, InvalidRequestError, type PolicySimulation, type SimulatePolicyInput, type Violation } from '@bursar/core';
import { decide, type DecisionStatus, type Rules, type WindowUsage } from '../../policy/decide.js';
import type { Window } from '../../policy/periods.js';
import { getPolicy as getPolicyRow } from '../../store/policies.js';
import { countRecordedDecisions, recordedDecisions, type HistoryCursor, type RecordedDecision } from '../../store/policy-history.js';
import type { PolicyRow } from '../../store/rows.js';
import { budgetStateOf, limitedOf, normalizeCategory, rulesOf, windowsAt } from '../budget/period-budget.js';
import type { ServiceContext } from '../context.js';
import { applyFields, assertCurrencyKept } from './policies.js';
import { iso } from '../iso.js';

/** Rows read per round trip: the replay holds one page at a time, whatever the history's length. */
const PAGE = 1000;
const MAX_EXAMPLES = 20;
const DEFAULT_RANGE_MS = 30 * 24 * 3_600_000;
const statuses: readonly DecisionStatus[] = ['approved', 'declined', 'needs_approval'];
/** Every change a draft can make, listed even when none occurred, so a client reads 0 rather than nothing. */
const noChanges = (): Record<string, number> =>
  Object.fromEntries(statuses.flatMap((was) => statuses.filter((s) => s !== was).map((s) => [`${was}_to_${s}`, 0])));

/** What a decision of the draft would hold until it settles the way the recorded request did. */
interface Settlement {
  at: number;
  windows: string[];
  held: number;
  captured: number;
}

/** A min-heap of settlements by time: only holds still open at the replay's clock are kept. */
class Settlements {
  private items: Settlement[] = [];

  push(s: Settlement): void {
    const a = this.items;
    a.push(s);
    for (let i = a.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (a[parent]!.at <= a[i]!.at) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }

  /** Removes and returns the earliest settlement due at or before `now`. */
  popDue(now: number): Settlement | undefined {
    const a = this.items;
    if (a.length === 0 || a[0]!.at > now) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let min = i;
        if (l < a.length && a[l]!.at < a[min]!.at) min = l;
        if (r < a.length && a[r]!.at < a[min]!.at) min = r;
        if (min === i) break;
        [a[min], a[i]] = [a[i]!, a[min]!];
        i = min;
      }
    }
    return top;
  }
}

/** How a recorded request was first decided: an approval id means it needed one, whatever the operator did next. */
function originalStatus(r: RecordedDecision): DecisionStatus {
  if (r.approval_id !== null) return 'needs_approval';
  return r.decision_code === 'approved' ? 'approved' : 'declined';
}

/**
 * The budget state of the draft as the replay goes: what its approvals hold and spent in each
 * current window (past windows are dropped: no later decision reads them), its recent
 * approvals for the velocity limits, and the holds still to settle.
 */
class Replay {
  private counters = new Map<string, { spent: number; held: number }>();
  private current = new Map<string, string>();
  private recent: number[] = [];
  private recentHead = 0;
  private settlements = new Settlements();
  private readonly rules: Rules;
  private windows: Window[] | undefined;

  constructor(private readonly policy: PolicyRow) {
    this.rules = rulesOf(policy);
  }

  /** The draft's decision on `r`, and its effect on the budget. */
  decide(r: RecordedDecision) {
    const t = r.created_at;
    for (let s = this.settlements.popDue(t); s; s = this.settlements.popDue(t)) this.charge(s.windows, s.captured, -s.held);
    // Decisions come oldest first: the windows last computed hold until the first of them resets
    // (computing them reads the time zone's calendar, the costliest step of a replay).
    if (!this.windows || this.windows.some((w) => w.resetsAt !== null && t >= w.resetsAt)) this.windows = windowsAt(this.policy, t);
    const windows = this.windows;
    for (const w of windows) {
      const prev = this.current.get(w.period);
      if (prev !== w.key) {
        if (prev !== undefined) this.counters.delete(`${w.period}:${prev}`);
        this.current.set(w.period, w.key);
      }
    }
    while (this.recentHead < this.recent.length && this.recent[this.recentHead]! < t - 3_600_000) this.recentHead++;
    if (this.recentHead > 4096) {
      this.recent = this.recent.slice(this.recentHead);
      this.recentHead = 0;
    }
    const violations = JSON.parse(r.violations) as Violation[];
    const codes = new Set(violations.map((v) => v.code));
    // A lease's budget is not the policy's: the lease's verdict stands, and its holds charge the lease.
    const lease = r.lease_id !== null ? violations.find((v) => v.lease_id !== undefined) : undefined;
    const keys = limitedOf(this.policy, windows).map((w) => `${w.period}:${w.key}`);
    const usage: WindowUsage[] = r.lease_id !== null ? [] : budgetStateOf(this.policy, windows, keys.map((k) => this.counters.get(k) ?? { spent: 0, held: 0 })).usage;
    const decision = decide(this.rules, {
      windows: usage,
      transactionsLastMinute: this.recentSince(t - 60_000),
      transactionsLastHour: this.recent.length - this.recentHead,
    }, {
      amountCents: r.amount_cents,
      // No currency: only the status and code are kept, and wording amounts in it is costly per row.
      merchantKey: r.merchant_key,
      category: r.category === null ? null : normalizeCategory(r.category),
      agentStatus: codes.has('agent_revoked') ? 'revoked' : codes.has('agent_paused') ? 'paused' : 'active',
    });
    let status = decision.status;
    let code: string = decision.code;
    // The wallet is not replayed: a request it could not cover still could not be, and a lease's refusal stands.
    if (status === 'approved' && codes.has('insufficient_funds')) [status, code] = ['declined', 'insufficient_funds'];
    else if (status === 'approved' && lease) [status, code] = ['declined', lease.code];
    if (status !== 'declined') this.recent.push(t);
    if (status === 'approved' && r.lease_id === null) this.hold(r, windows.map((w) => `${w.period}:${w.key}`));
    return { status, code };
  }

  /** Holds the amount in every window (limited or not, as decisions do) until it settles as the recorded request did. */
  private hold(r: RecordedDecision, windows: string[]): void {
    this.charge(windows, 0, r.amount_cents);
    if (r.captured_amount_cents !== null) {
      this.settlements.push({ at: r.updated_at, windows, held: r.amount_cents, captured: r.captured_amount_cents });
    } else if (r.decision_code === 'approved' && !(statuses as readonly string[]).includes(r.status)) {
      this.settlements.push({ at: r.updated_at, windows, held: r.amount_cents, captured: 0 });
    }
    // Otherwise it is still held, or it never was: what the agent would have done with it is unknown, so it stays held.
  }

  private charge(windows: string[], spent: number, held: number): void {
    for (const k of windows) {
      const period = k.slice(0, k.indexOf(':'));
      if (this.current.get(period) !== k.slice(period.length + 1)) continue; // a past window
      const c = this.counters.get(k) ?? { spent: 0, held: 0 };
      c.spent += spent;
      c.held += held;
      this.counters.set(k, c);
    }
  }

  private recentSince(since: number): number {
    let n = 0;
    for (let i = this.recent.length - 1; i >= this.recentHead && this.recent[i]! >= since; i--) n++;
    return n;
  }
}

function timeOf(value: string | undefined, fallback: number): number {
  return value === undefined ? fallback : Date.parse(value);
}

/** How far a replay has come: `total` is the count of decisions in the range when it began. */
export interface SimulationProgress {
  evaluated: number;
  total: number;
}

/** Who watches a long replay: told before the first page and after each one; `signal` stops it (the client went away). */
export interface SimulationWatcher {
  progress(p: SimulationProgress): void | Promise<void>;
  signal?: AbortSignal;
}

/**
 * Replays a policy's recorded decisions in [from, to), oldest first, under `draft` applied over
 * the current policy, with the budgets the draft's own approvals would have used, and compares.
 * Reads only: nothing is written, no event, no audit entry. A `watcher` is told the progress
 * (which costs one count of the range) once the input has been checked, and after every page.
 */
export async function simulatePolicy({ ctx, input, watcher }: {
  ctx: ServiceContext;
  input: SimulatePolicyInput & { id: string };
  watcher?: SimulationWatcher | undefined;
}): Promise<PolicySimulation> {
  const row = await getPolicyRow(ctx.tx, ctx.workspace.id, input.id);
  if (!row) throw new NotFoundError('policy', input.id);
  assertCurrencyKept(row, input.draft, 'draft.currency');
  const to = timeOf(input.to, ctx.now);
  const from = timeOf(input.from, to - DEFAULT_RANGE_MS);
  if (from > to) throw new InvalidRequestError('from must not be after to', 'from');
  const replay = new Replay(applyFields(row, input.draft));
  const result: PolicySimulation = {
    object: 'policy_simulation', from: iso(from), to: iso(to), evaluated: 0, unchanged: 0, changes: noChanges(), by_decision_code: {}, examples: [],
  };
  const scope = { workspaceId: ctx.workspace.id, policyId: row.id, from, to };
  const total = watcher ? await countRecordedDecisions(ctx.tx, scope) : 0;
  await watcher?.progress({ evaluated: 0, total });
  let after: HistoryCursor | null = null;
  for (;;) {
    watcher?.signal?.throwIfAborted();
    const page = await recordedDecisions(ctx.tx, scope, after, PAGE);
    for (const r of page) {
      const was = originalStatus(r);
      const next = replay.decide(r);
      result.evaluated++;
      result.by_decision_code[next.code] = (result.by_decision_code[next.code] ?? 0) + 1;
      if (next.status === was) {
        result.unchanged++;
        continue;
      }
      const change = `${was}_to_${next.status}`;
      result.changes[change] = (result.changes[change] ?? 0) + 1;
      if (result.examples.length < MAX_EXAMPLES) result.examples.push({ spend_request_id: r.id, was, would_be: next.status, decision_code: next.code });
    }
    const last = page[page.length - 1];
    if (page.length < PAGE || !last) return result;
    // Decisions recorded while the replay runs may join the range: the total is what it was at the start.
    await watcher?.progress({ evaluated: result.evaluated, total: Math.max(total, result.evaluated) });
    after = { createdAt: last.created_at, id: last.id };
    // better-sqlite3 answers synchronously: without a turn of the event loop between pages, a long
    // replay would hold up every request that needs no database, and its own progress lines, to its end.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
