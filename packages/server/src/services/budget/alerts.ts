import type { BudgetAlert } from '@bursar/core';
import type { Write } from '../../db/prepared.js';
import type { WindowUsage } from '../../policy/decide.js';
import { windowStart } from '../../policy/periods.js';
import { recordBudgetAlert } from '../../store/budget-alerts.js';
import type { PolicyRow } from '../../store/rows.js';
import type { ServiceContext } from '../context.js';
import { eventWriteAbout } from '../events/outbox.js';
import { iso } from '../iso.js';

/**
 * The thresholds (percents of the window's limit) that adding `addedCents` to a window's
 * spent + held reaches from below. No I/O: a change that crosses nothing costs no statement.
 */
export function crossedThresholds(thresholds: readonly number[], w: WindowUsage, addedCents: number): number[] {
  if (addedCents <= 0 || w.limitCents <= 0) return [];
  // In hundredths of a cent, so that no percent is rounded (limits are at most 10^12).
  const before = (w.spentCents + w.heldCents) * 100;
  const after = before + addedCents * 100;
  return thresholds.filter((t) => before < t * w.limitCents && after >= t * w.limitCents);
}

/**
 * The alerts a hold of `heldCents` newly charged to the policy's windows raises (a decision, an
 * approval, a lease granted from the policy's budget), given the windows' usage before it.
 * Each crossing is recorded in the caller's transaction, once per policy, window and threshold
 * (the key of `budget_alerts`, inserted with `on conflict do nothing`), and only a row this
 * call inserted gets its `budget.threshold_crossed` event: the writes returned, for the
 * caller's batch. A decision made again alone after its batch rolled back inserts again (the
 * batch's row rolled back with it); a release that falls back below, and the next crossing in
 * the same window, find the row and raise nothing.
 */
export async function budgetAlertWrites(
  ctx: ServiceContext,
  policy: PolicyRow,
  budget: { usage: readonly WindowUsage[]; windows: ReadonlyArray<{ period: string; key: string }> },
  heldCents: number,
): Promise<Write[]> {
  const thresholds = JSON.parse(policy.alert_thresholds_percent) as number[];
  if (thresholds.length === 0) return [];
  const writes: Write[] = [];
  for (const w of budget.usage) {
    const crossed = crossedThresholds(thresholds, w, heldCents);
    if (crossed.length === 0) continue;
    const key = budget.windows.find((x) => x.period === w.period)?.key;
    if (key === undefined) continue;
    const start = windowStart(w.period, key, policy.timezone);
    for (const threshold of crossed) {
      const alert: BudgetAlert = {
        object: 'budget_alert',
        policy_id: policy.id,
        period: w.period,
        window_start: start === null ? null : iso(start),
        threshold_percent: threshold,
        limit_cents: w.limitCents,
        spent_cents: w.spentCents,
        held_cents: w.heldCents + heldCents,
        currency: policy.currency,
      };
      const event = eventWriteAbout(ctx, 'budget.threshold_crossed', policy.id, alert);
      const recorded = await recordBudgetAlert(ctx.tx, {
        policy_id: policy.id,
        period: w.period,
        window_key: key,
        threshold_percent: threshold,
        workspace_id: ctx.workspace.id,
        event_id: event.id,
        limit_cents: alert.limit_cents,
        spent_cents: alert.spent_cents,
        held_cents: alert.held_cents,
        created_at: ctx.now,
      });
      if (recorded) writes.push(event.write);
    }
  }
  return writes;
}
