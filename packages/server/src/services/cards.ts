import { InvalidRequestError, InvalidStateError, NotFoundError, newId, type Card, type CardStatus, type CardType } from '@bursar/core';
import { getAgent } from '../store/agents.js';
import { getCard as getCardRow, insertCard, listCards as listCardRows, lockCard, updateCard, type CardRow } from '../store/cards.js';
import { getPolicy, lockPolicy } from '../store/policies.js';
import { issuerFor } from '../rails/issuer.js';
import type { ServiceContext } from './context.js';
import { createAgent } from './agents.js';
import { cancelIntentsOfCard } from './checkout.js';
import { audit, emitEvent } from './outbox.js';
import { iso } from './present.js';

/** A card's status now: `expired` once its credential window or its printed expiry has passed. */
export function cardStatusAt(row: CardRow, now: number): CardStatus {
  if (row.status !== 'active') return row.status as CardStatus;
  if (row.expires_at !== null && row.expires_at <= now) return 'expired';
  // Printed expiry: valid through the last day of exp_month.
  if (Date.UTC(row.exp_year, row.exp_month, 1) <= now) return 'expired';
  return 'active';
}

/** A card as the API shows it: last4, brand and expiry only, never the number or CVC. */
export function presentCard(row: CardRow, now: number): Card {
  return {
    id: row.id,
    object: 'card',
    name: row.name,
    type: row.type as CardType,
    status: cardStatusAt(row, now),
    brand: row.brand,
    last4: row.last4,
    exp_month: row.exp_month,
    exp_year: row.exp_year,
    policy_id: row.policy_id,
    agent_id: row.agent_id,
    is_default: row.is_default === 1,
    spend_limit_cents: row.spend_limit_cents,
    spent_cents: row.spent_cents,
    held_cents: row.held_cents,
    checkout_intent_id: row.checkout_intent_id,
    merchant_name: row.merchant_name,
    issuer: row.issuer,
    livemode: row.livemode === 1,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    expires_at: row.expires_at === null ? null : iso(row.expires_at),
  };
}

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
  input: { limit: number; cursor?: string | undefined; policy_id?: string | undefined; status?: string | undefined };
}) {
  const page = await listCardRows(ctx.tx, ctx.workspace.id, input, input.limit, input.cursor);
  return { ...page, data: page.data.map((r) => presentCard(r, ctx.now)) };
}

export type CardTransition = 'freeze' | 'unfreeze' | 'cancel';
const eventOf: Record<CardTransition, string> = { freeze: 'card.frozen', unfreeze: 'card.unfrozen', cancel: 'card.cancelled' };

/** Freezes, unfreezes or cancels a card (cancelling is final, and ends the checkout intents it funds); the issuer mirrors it. */
export async function changeCardStatus({ ctx, input }: { ctx: ServiceContext; input: { id: string; transition: CardTransition } }) {
  // Lock order: the card's policy, then the card (as an authorization takes them).
  const found = await requireCard(ctx, input.id);
  await lockPolicy(ctx.tx, ctx.workspace.id, found.policy_id);
  const row = (await lockCard(ctx.tx, ctx.workspace.id, input.id))!;
  const status = cardStatusAt(row, ctx.now);
  const target = input.transition === 'freeze' ? 'frozen' : input.transition === 'unfreeze' ? 'active' : 'cancelled';
  if (status === target) return presentCard(row, ctx.now);
  const allowed = input.transition === 'cancel' ? status !== 'cancelled' : input.transition === 'freeze' ? status === 'active' : status === 'frozen';
  if (!allowed) throw new InvalidStateError(`Card ${row.id} is ${status}; it cannot ${input.transition}`, { status });
  const issuer = issuerFor(row.livemode === 1);
  await issuer[input.transition](row.issuer_card_id);
  const changes = { status: target, updated_at: ctx.now };
  await updateCard(ctx.tx, row.id, changes);
  let after = presentCard({ ...row, ...changes }, ctx.now);
  // Cancelling is final: the checkout intents this card funds (or is the credential of) end
  // with it and release their holds now, not when they would expire. Freezing is not: a frozen
  // card can be unfrozen, so they keep their holds.
  if (input.transition === 'cancel' && (await cancelIntentsOfCard(ctx, { ...row, ...changes })) > 0) {
    after = presentCard((await getCardRow(ctx.tx, ctx.workspace.id, row.id))!, ctx.now);
  }
  await emitEvent(ctx, eventOf[input.transition], after);
  await audit(ctx, eventOf[input.transition], 'card', row.id, presentCard(row, ctx.now), after);
  return after;
}
