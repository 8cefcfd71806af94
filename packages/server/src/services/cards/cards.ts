import type { CardRowStatus } from '../../db/schema.js';
import { InvalidRequestError, NotFoundError, newId, type CardType } from '@bursar/core';
import { getAgent } from '../../store/agents.js';
import { getCard as getCardRow, insertCard, listCards as listCardRows, type CardRow } from '../../store/cards.js';
import { getPolicy } from '../../store/policies.js';
import { issuerFor } from '../../rails/issuer.js';
import type { ServiceContext } from '../context.js';
import { createAgent } from '../agents/agents.js';
import { audit, emitEvent } from '../events/outbox.js';
import { presentCard } from './present.js';

/** Associated data of a sealed field: a sealed number moved to another row or field does not open. */
export const sealedAad = (cardId: string, field: 'number' | 'cvc') => `card:${cardId}:${field}`;

/** Opens a card's number and CVC (only to reveal a just-in-time credential once). */
export function openCard(ctx: ServiceContext, row: CardRow): { number: string; cvc: string } {
  return {
    number: ctx.config.secrets.decrypt(row.number_sealed, sealedAad(row.id, 'number')),
    cvc: ctx.config.secrets.decrypt(row.cvc_sealed, sealedAad(row.id, 'cvc')),
  };
}

export interface IssueInput {
  policyId: string;
  agentId: string;
  currency: string;
  type: CardType;
  name: string | null;
  spendLimitCents: number | null;
  isDefault: boolean;
  /** A checkout intent's just-in-time credential: bound to one merchant and amount until `expiresAt`. */
  checkout?: { intentId: string; merchantName: string; merchantKey: string; amountCents: number; expiresAt: number };
}

/** Has the issuer make a card and stores it with its number and CVC sealed; emits card.created. */
export async function issueCard(ctx: ServiceContext, input: IssueInput): Promise<CardRow> {
  const id = newId('card', ctx.now);
  const issuer = issuerFor(ctx.workspace.livemode);
  const made = await issuer.issue({ type: input.type, currency: input.currency, reference: id, spendLimitCents: input.spendLimitCents, now: ctx.now });
  const box = ctx.config.secrets;
  const row: CardRow = {
    id,
    workspace_id: ctx.workspace.id,
    policy_id: input.policyId,
    agent_id: input.agentId,
    name: input.name,
    type: input.type,
    status: 'active',
    brand: made.brand,
    last4: made.number.slice(-4),
    exp_month: made.expMonth,
    exp_year: made.expYear,
    number_sealed: box.encrypt(made.number, sealedAad(id, 'number')),
    cvc_sealed: box.encrypt(made.cvc, sealedAad(id, 'cvc')),
    number_hash: box.lookupHash(made.number),
    spend_limit_cents: input.spendLimitCents,
    spent_cents: 0,
    held_cents: 0,
    is_default: input.isDefault ? 1 : 0,
    checkout_intent_id: input.checkout?.intentId ?? null,
    merchant_name: input.checkout?.merchantName ?? null,
    merchant_key: input.checkout?.merchantKey ?? null,
    bound_amount_cents: input.checkout?.amountCents ?? null,
    issuer: issuer.id,
    issuer_card_id: made.issuerCardId,
    revealed_at: null,
    used_at: null,
    expires_at: input.checkout?.expiresAt ?? null,
    livemode: ctx.workspace.livemode ? 1 : 0,
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  await insertCard(ctx.tx, row);
  const card = presentCard(row, ctx.now);
  await emitEvent(ctx, 'card.created', card);
  await audit(ctx, 'card.created', 'card', id, null, card);
  return row;
}

/** The default card a default policy is provisioned with (held by the default agent). */
export function defaultCardInput(policyId: string, agentId: string, currency = 'usd'): IssueInput {
  return { policyId, agentId, currency, type: 'multi_use', name: 'Default card', spendLimitCents: null, isDefault: true };
}

export async function createCard({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { policy_id: string; type: CardType; spend_limit_cents?: number | undefined; agent_id?: string | undefined; name?: string | undefined };
}) {
  const policy = await getPolicy(ctx.tx, ctx.workspace.id, input.policy_id);
  if (!policy) throw new InvalidRequestError(`No such policy: '${input.policy_id}'`, 'policy_id');
  let agentId: string;
  if (input.agent_id !== undefined) {
    const agent = await getAgent(ctx.tx, ctx.workspace.id, input.agent_id);
    if (!agent) throw new InvalidRequestError(`No such agent: '${input.agent_id}'`, 'agent_id');
    if (agent.policy_id !== policy.id) throw new InvalidRequestError(`Agent ${agent.id} is not under policy ${policy.id}`, 'agent_id');
    if (agent.status === 'revoked') throw new InvalidRequestError(`Agent ${agent.id} is revoked`, 'agent_id');
    agentId = agent.id;
  } else {
    // A card spends as an agent under its policy (the decision engine's unit); by default its own.
    agentId = (await createAgent({ ctx, input: { name: `cardholder: ${input.name ?? `${input.type} card`}`, policy_id: policy.id } })).id;
  }
  const row = await issueCard(ctx, {
    policyId: policy.id,
    agentId,
    currency: policy.currency,
    type: input.type,
    name: input.name ?? null,
    spendLimitCents: input.spend_limit_cents ?? null,
    isDefault: false,
  });
  return presentCard(row, ctx.now);
}

export async function requireCard(ctx: ServiceContext, id: string): Promise<CardRow> {
  const row = await getCardRow(ctx.tx, ctx.workspace.id, id);
  if (!row) throw new NotFoundError('card', id);
  return row;
}

export async function getCard({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  return presentCard(await requireCard(ctx, input.id), ctx.now);
}

export async function listCards({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { limit: number; cursor?: string | undefined; policy_id?: string | undefined; status?: CardRowStatus | undefined };
}) {
  const page = await listCardRows(ctx.tx, ctx.workspace.id, input, input.limit, input.cursor);
  return { ...page, data: page.data.map((r) => presentCard(r, ctx.now)) };
}
