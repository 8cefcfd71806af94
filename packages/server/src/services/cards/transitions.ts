import type { CardRowStatus } from '../../db/schema.js';
import { InvalidStateError } from '@bursar/core';
import { getCard as getCardRow, lockCard, updateCard } from '../../store/cards.js';
import { lockPolicy } from '../../store/policies.js';
import { issuerFor } from '../../rails/issuer.js';
import type { ServiceContext } from '../context.js';
import { audit, emitEvent } from '../events/outbox.js';
import { cardStatusAt } from './status.js';
import { presentCard } from './present.js';
import { requireCard } from './cards.js';
import { cancelIntentsOfCard } from './checkout.js';

export type CardTransition = 'freeze' | 'unfreeze' | 'cancel';
const eventOf: Record<CardTransition, string> = { freeze: 'card.frozen', unfreeze: 'card.unfrozen', cancel: 'card.cancelled' };

/** Freezes, unfreezes or cancels a card (cancelling is final, and ends the checkout intents it funds); the issuer mirrors it. */
export async function changeCardStatus({ ctx, input }: { ctx: ServiceContext; input: { id: string; transition: CardTransition } }) {
  // Lock order: the card's policy, then the card (as an authorization takes them).
  const found = await requireCard(ctx, input.id);
  await lockPolicy(ctx.tx, ctx.workspace.id, found.policy_id);
  const row = (await lockCard(ctx.tx, ctx.workspace.id, input.id))!;
  const status = cardStatusAt(row, ctx.now);
  const target: CardRowStatus = input.transition === 'freeze' ? 'frozen' : input.transition === 'unfreeze' ? 'active' : 'cancelled';
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
