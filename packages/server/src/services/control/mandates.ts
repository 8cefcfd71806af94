import { BursarError, InvalidRequestError, InvalidStateError, NotFoundError, newId, type createMandateBody, type updateMandateBody } from '@bursar/core';
import type { z } from 'zod';
import { getAgent } from '../../store/agents.js';
import { getMandate as getMandateRow, insertMandate, listMandates as listMandateRows, lockMandate, updateMandate as updateMandateRow, type MandateFilter, type MandateRow } from '../../store/mandates.js';
import { getPolicy } from '../../store/policies.js';
import type { ServiceContext } from '../context.js';
import { audit, emitEvent } from '../events/outbox.js';
import { presentMandate, mandateStatusAt } from './present.js';

function futureOrNull(ctx: ServiceContext, at: string | null | undefined): number | null {
  if (at === null || at === undefined) return null;
  const t = Date.parse(at);
  if (t <= ctx.now) throw new InvalidRequestError('expires_at must be in the future', 'expires_at');
  return t;
}

/** Records what a human pre-authorized an agent to pay for; audited. */
export async function createMandate({ ctx, input }: { ctx: ServiceContext; input: z.output<typeof createMandateBody> }) {
  const agent = await getAgent(ctx.tx, ctx.workspace.id, input.agent_id);
  if (!agent) throw new InvalidRequestError(`No such agent: '${input.agent_id}'`, 'agent_id');
  if (agent.status === 'revoked') throw new InvalidRequestError(`Agent ${agent.id} is revoked`, 'agent_id');
  const policy = await getPolicy(ctx.tx, ctx.workspace.id, agent.policy_id);
  if (policy && policy.currency !== input.currency) throw InvalidRequestError.about('currency', `must be '${policy.currency}', the currency of the agent's policy`);
  const row: MandateRow = {
    id: newId('mdt', ctx.now),
    workspace_id: ctx.workspace.id,
    agent_id: agent.id,
    description: input.description,
    currency: input.currency,
    max_amount_cents: input.max_amount_cents ?? null,
    total_limit_cents: input.total_limit_cents ?? null,
    spent_cents: 0,
    allowed_merchants: JSON.stringify(input.allowed_merchants ?? []),
    allowed_categories: JSON.stringify(input.allowed_categories ?? []),
    expires_at: futureOrNull(ctx, input.expires_at),
    status: 'active',
    livemode: ctx.workspace.livemode ? 1 : 0,
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  await insertMandate(ctx.tx, row);
  const m = presentMandate(row, ctx.now);
  await emitEvent(ctx, 'mandate.created', m);
  await audit(ctx, 'mandate.created', 'mandate', row.id, null, m);
  return m;
}

export async function requireMandate(ctx: ServiceContext, id: string): Promise<MandateRow> {
  const m = await getMandateRow(ctx.tx, ctx.workspace.id, id);
  if (!m) throw new NotFoundError('mandate', id);
  return m;
}

export async function getMandate({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  return presentMandate(await requireMandate(ctx, input.id), ctx.now);
}

/** Changes a mandate's scope or revokes it (revoking is final); every change is audited with before and after. */
export async function updateMandate({ ctx, input }: { ctx: ServiceContext; input: z.output<typeof updateMandateBody> & { id: string } }) {
  await requireMandate(ctx, input.id);
  const row = (await lockMandate(ctx.tx, ctx.workspace.id, input.id))!;
  if (row.status === 'revoked') throw new InvalidStateError(`Mandate ${row.id} is revoked; create a new one`, { status: 'revoked' });
  const changes: Partial<MandateRow> = { updated_at: ctx.now };
  if (input.description !== undefined) changes.description = input.description;
  if (input.max_amount_cents !== undefined) changes.max_amount_cents = input.max_amount_cents;
  if (input.total_limit_cents !== undefined) changes.total_limit_cents = input.total_limit_cents;
  if (input.allowed_merchants !== undefined) changes.allowed_merchants = JSON.stringify(input.allowed_merchants);
  if (input.allowed_categories !== undefined) changes.allowed_categories = JSON.stringify(input.allowed_categories);
  if (input.expires_at !== undefined) changes.expires_at = futureOrNull(ctx, input.expires_at);
  if (input.status !== undefined) changes.status = input.status;
  await updateMandateRow(ctx.tx, row.id, changes);
  const before = presentMandate(row, ctx.now);
  const after = presentMandate({ ...row, ...changes }, ctx.now);
  const type = input.status === 'revoked' ? 'mandate.revoked' : 'mandate.updated';
  await emitEvent(ctx, type, after);
  await audit(ctx, type, 'mandate', row.id, before, after);
  return after;
}

/** Refuses a mandate that can no longer be used, with the code a payment or a mint answers. */
export function assertUsable(m: MandateRow, now: number): void {
  const status = mandateStatusAt(m, now);
  if (status === 'revoked') throw new BursarError('mandate_revoked', `Mandate ${m.id} is revoked`);
  if (status === 'expired') throw new BursarError('mandate_expired', `Mandate ${m.id} expired`);
  if (m.total_limit_cents !== null && m.spent_cents >= m.total_limit_cents) throw new BursarError('mandate_exhausted', `Mandate ${m.id} is exhausted`);
}

/** Mandates of the workspace, newest first, by agent and presented status. */
export async function listMandates({ ctx, input }: { ctx: ServiceContext; input: MandateFilter & { limit: number; cursor?: string | undefined } }) {
  const page = await listMandateRows(ctx.tx, ctx.workspace.id, input, ctx.now, input.limit, input.cursor);
  return { ...page, data: page.data.map((m) => presentMandate(m, ctx.now)) };
}
