import { NotFoundError, type Reservation, type SpendStatus } from '@bursar/core';
import { getSpend as getSpendRow, listSpend as listSpendRows } from '../../store/spend.js';
import type { SpendRow } from '../../store/rows.js';
import type { ServiceContext } from '../context.js';
import { presentReservation } from './present.js';
import { actingAgent } from './spendguard.js';
import { createSpend, settleSpend, visibleSpend } from './requests.js';

/** The spend statuses each reservation status stands for. */
const statusesOf: Record<Reservation['status'], SpendStatus[]> = {
  reserved: ['approved'],
  declined: ['declined'],
  needs_approval: ['needs_approval'],
  captured: ['completed'],
  released: ['cancelled', 'failed'],
  expired: ['expired'],
};

/**
 * Reserves budget before an action: a spend request of kind 'reservation', decided by the same
 * engine, held the same way and sent to the same approvals.
 */
export async function createReservation({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: {
    amount_cents: number; currency: string; merchant_name?: string | undefined; reason?: string | undefined; category?: string | undefined;
    ttl_seconds?: number | undefined; metadata?: Record<string, string | number | boolean | null> | undefined; agent_id?: string | undefined;
  };
}): Promise<{ reservation: Reservation; fundingShortfall: boolean }> {
  const agent = await actingAgent(ctx, input.agent_id);
  const { spend, fundingShortfall } = await createSpend({
    ctx,
    input: {
      agent_id: agent.id,
      amount_cents: input.amount_cents,
      currency: input.currency,
      merchant_name: input.merchant_name ?? 'unspecified',
      reason: input.reason ?? 'SpendGuard reservation',
      category: input.category,
      metadata: input.metadata,
    },
    kind: 'reservation',
    holdTtlMs: input.ttl_seconds === undefined ? undefined : input.ttl_seconds * 1000,
  });
  const row = (await getSpendRow(ctx.tx, ctx.workspace.id, spend.id))!;
  return { reservation: presentReservation(row, ctx.config.publicUrl), fundingShortfall };
}

async function visibleReservation(ctx: ServiceContext, id: string): Promise<SpendRow> {
  if (!id.startsWith('res_')) throw new NotFoundError('reservation', id);
  try {
    const row = await visibleSpend(ctx, id);
    if (row.kind !== 'reservation') throw new NotFoundError('reservation', id);
    return row;
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundError('reservation', id);
    throw err;
  }
}

/** Captures at most the reserved amount (all of it by default) and releases the rest; once. */
export async function resolveReservation({ ctx, input }: { ctx: ServiceContext; input: { id: string; action: 'capture' | 'release'; amount_cents?: number | undefined } }) {
  await visibleReservation(ctx, input.id);
  await settleSpend({ ctx, input: { id: input.id, action: input.action === 'capture' ? 'complete' : 'cancel', amount_cents: input.amount_cents } });
  return presentReservation((await getSpendRow(ctx.tx, ctx.workspace.id, input.id))!, ctx.config.publicUrl);
}

export async function getReservation({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  return presentReservation(await visibleReservation(ctx, input.id), ctx.config.publicUrl);
}

export async function listReservations({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { limit: number; cursor?: string | undefined; status?: Reservation['status'] | undefined; agent_id?: string | undefined; created_after?: number | undefined; created_before?: number | undefined };
}) {
  let agentId = input.agent_id;
  if (ctx.actor.type === 'agent') {
    if (agentId !== undefined && agentId !== ctx.actor.agentId) return { data: [], has_more: false, next_cursor: null };
    agentId = ctx.actor.agentId;
  }
  const page = await listSpendRows(
    ctx.tx,
    ctx.workspace.id,
    { kind: 'reservation', statuses: input.status ? statusesOf[input.status] : undefined, agent_id: agentId, created_after: input.created_after, created_before: input.created_before },
    input.limit,
    input.cursor,
  );
  return { ...page, data: page.data.map((r) => presentReservation(r, ctx.config.publicUrl)) };
}
