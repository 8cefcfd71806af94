import { InvalidRequestError, InvalidStateError, NotFoundError, type CheckoutIntent, type SpendStatus } from '@bursar/core';
import { getCard as getCardRow, getCheckoutIntent as getIntentRow, insertCheckoutIntent, lockCard, openAuthorizationOnCard, openIntentsOfCard, clearFundingHold, setCredentialCard, staleFundingHolds, updateCard, type CardRow, type CheckoutIntentRow } from '../../store/cards.js';
import { getAgent } from '../../store/agents.js';
import { lockPolicy } from '../../store/policies.js';
import type { SpendRow } from '../../store/rows.js';
import { getSpend as getSpendRow, listSpend as listSpendRows, transitionSpend } from '../../store/spend.js';
import { cardStatusAt } from './status.js';
import { issueCard, openCard } from './cards.js';
import { presentCard, presentCheckoutIntent } from './present.js';
import type { Database } from '../../db/database.js';
import type { ServiceConfig, ServiceContext } from '../context.js';
import { runService } from '../run.js';
import { audit, emitEvent } from '../events/outbox.js';
import { createSpend, requireAgentActor, settleSpend, visibleSpend } from '../spend/requests.js';
import { withdrawApproval } from '../approvals/approvals.js';

/** How long a just-in-time credential works once shown (its checkout intent's hold lasts as long, unless used). */
export const CREDENTIAL_TTL_MS = 10 * 60_000;

/** What the caller may keep of an answer that revealed a credential: everything but its number and CVC. */
export function withoutCredentialSecrets(body: unknown): unknown {
  const b = body as { credential?: Record<string, unknown> | null; checkout_intent?: unknown; error?: unknown };
  if (b.credential) {
    const { number: _n, cvc: _c, ...rest } = b.credential;
    return { ...b, credential: rest };
  }
  return body;
}

/**
 * Issues an approved intent's just-in-time credential, bound to its merchant and amount and
 * valid for CREDENTIAL_TTL_MS; the intent's hold is cut to the same window. Returns the card
 * and its number and CVC, which the caller shows once.
 */
async function issueCredential(ctx: ServiceContext, s: SpendRow): Promise<{ card: CardRow; revealed: { number: string; cvc: string } }> {
  const expiresAt = Math.min(ctx.now + CREDENTIAL_TTL_MS, s.expires_at ?? Number.MAX_SAFE_INTEGER);
  const card = await issueCard(ctx, {
    policyId: s.policy_id,
    agentId: s.agent_id,
    currency: s.currency,
    type: 'single_use',
    name: `Checkout at ${s.merchant_name}`.slice(0, 200),
    spendLimitCents: s.amount_cents,
    isDefault: false,
    checkout: { intentId: s.id, merchantName: s.merchant_name, merchantKey: s.merchant_key, amountCents: s.amount_cents, expiresAt },
  });
  card.revealed_at = ctx.now;
  await updateCard(ctx.tx, card.id, { revealed_at: ctx.now });
  await setCredentialCard(ctx.tx, s.id, card.id);
  if (s.expires_at !== expiresAt) await transitionSpend(ctx.tx, s.id, 'approved', { expires_at: expiresAt });
  s.expires_at = expiresAt;
  await audit(ctx, 'checkout_intent.credential_revealed', 'checkout_intent', s.id, null, { card_id: card.id, last4: card.last4 });
  return { card, revealed: openCard(ctx, card) };
}

/**
 * A checkout intent: a spend request of kind 'checkout', decided by the same engine. Approved,
 * it holds the money and answers a single-use credential bound to the merchant and amount,
 * shown this once; needs_approval and declined behave as for a spend request.
 */
export async function createCheckoutIntent({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { amount_cents: number; currency: string; merchant_name: string; reason: string; card_id?: string | undefined };
}): Promise<{ intent: CheckoutIntent; fundingShortfall: boolean }> {
  const agentId = requireAgentActor(ctx);
  let funding: CardRow | undefined;
  if (input.card_id !== undefined) {
    const agent = await getAgent(ctx.tx, ctx.workspace.id, agentId);
    const found = await getCardRow(ctx.tx, ctx.workspace.id, input.card_id);
    if (!agent || !found || found.checkout_intent_id !== null) throw new InvalidRequestError(`No such card: '${input.card_id}'`, 'card_id');
    if (found.policy_id !== agent.policy_id) throw new InvalidRequestError(`Card ${found.id} is not under this agent's policy`, 'card_id');
    // Lock order: the policy, then the card (the engine then takes the lease and the wallet).
    await lockPolicy(ctx.tx, ctx.workspace.id, agent.policy_id);
    funding = (await lockCard(ctx.tx, ctx.workspace.id, found.id))!;
    const status = cardStatusAt(funding, ctx.now);
    if (status !== 'active') throw new InvalidStateError(`Card ${funding.id} is ${status}`, { status });
    if (funding.spend_limit_cents !== null && funding.spent_cents + funding.held_cents + input.amount_cents > funding.spend_limit_cents) {
      throw InvalidRequestError.about('amount_cents', `exceeds what is left of card ${funding.id}'s spend limit`);
    }
  }
  const { spend, fundingShortfall } = await createSpend({
    ctx,
    input: { agent_id: agentId, amount_cents: input.amount_cents, currency: input.currency, merchant_name: input.merchant_name, reason: input.reason },
    kind: 'checkout',
    holdTtlMs: Math.min(CREDENTIAL_TTL_MS, ctx.config.holdTtlMs),
  });
  const row = (await getSpendRow(ctx.tx, ctx.workspace.id, spend.id))!;
  const holdsFunding = funding !== undefined && row.status !== 'declined';
  const intentRow: CheckoutIntentRow = {
    id: row.id, workspace_id: ctx.workspace.id, card_id: input.card_id ?? null, credential_card_id: null,
    funding_held_cents: holdsFunding ? row.amount_cents : 0,
  };
  await insertCheckoutIntent(ctx.tx, intentRow);
  // Pending or approved, the intent counts against its funding card's limit until it settles.
  if (holdsFunding) await updateCard(ctx.tx, funding!.id, { held_cents: funding!.held_cents + row.amount_cents, updated_at: ctx.now });
  let shown: { card: CardRow; revealed: { number: string; cvc: string } } | undefined;
  if (row.status === 'approved') {
    shown = await issueCredential(ctx, row);
    intentRow.credential_card_id = shown.card.id;
  }
  const intent = presentCheckoutIntent(row, intentRow, shown?.card, ctx.config.publicUrl, ctx.now);
  await emitEvent(ctx, `checkout_intent.${row.status}`, intent);
  return { intent: shown ? presentCheckoutIntent(row, intentRow, shown.card, ctx.config.publicUrl, ctx.now, shown.revealed) : intent, fundingShortfall };
}

async function visibleIntent(ctx: ServiceContext, id: string): Promise<SpendRow> {
  if (!id.startsWith('ci_')) throw new NotFoundError('checkout intent', id);
  try {
    const row = await visibleSpend(ctx, id);
    if (row.kind !== 'checkout') throw new NotFoundError('checkout intent', id);
    return row;
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundError('checkout intent', id);
    throw err;
  }
}

async function credentialOf(ctx: ServiceContext, intent: CheckoutIntentRow | undefined): Promise<CardRow | undefined> {
  return intent?.credential_card_id ? getCardRow(ctx.tx, ctx.workspace.id, intent.credential_card_id) : undefined;
}

/**
 * Reads an intent. Its agent reading an intent approved by an operator since gets the
 * credential now, once; every other read shows last4 only.
 */
export async function getCheckoutIntent({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  let row = await visibleIntent(ctx, input.id);
  let intent = await getIntentRow(ctx.tx, ctx.workspace.id, row.id);
  if (ctx.actor.type === 'agent' && row.status === 'approved' && intent && intent.credential_card_id === null) {
    // Under the policy's lock, so two reads never issue two credentials.
    await lockPolicy(ctx.tx, ctx.workspace.id, row.policy_id);
    row = await visibleIntent(ctx, input.id);
    intent = await getIntentRow(ctx.tx, ctx.workspace.id, row.id);
    if (row.status === 'approved' && intent && intent.credential_card_id === null) {
      const shown = await issueCredential(ctx, row);
      intent.credential_card_id = shown.card.id;
      return presentCheckoutIntent(row, intent, shown.card, ctx.config.publicUrl, ctx.now, shown.revealed);
    }
  }
  return presentCheckoutIntent(row, intent, await credentialOf(ctx, intent), ctx.config.publicUrl, ctx.now);
}

export async function listCheckoutIntents({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { limit: number; cursor?: string | undefined; status?: SpendStatus | undefined; created_after?: number | undefined; created_before?: number | undefined };
}) {
  const agentId = ctx.actor.type === 'agent' ? ctx.actor.agentId : undefined;
  const page = await listSpendRows(
    ctx.tx,
    ctx.workspace.id,
    { kind: 'checkout', status: input.status, agent_id: agentId, created_after: input.created_after, created_before: input.created_before },
    input.limit,
    input.cursor,
  );
  const data: CheckoutIntent[] = [];
  for (const row of page.data) {
    const intent = await getIntentRow(ctx.tx, ctx.workspace.id, row.id);
    data.push(presentCheckoutIntent(row, intent, await credentialOf(ctx, intent), ctx.config.publicUrl, ctx.now));
  }
  return { ...page, data };
}

/**
 * Cancels an intent. Approved, with its credential unused: the hold is released and the
 * credential cancelled. Pending a human (`needs_approval`): the request is withdrawn, its
 * approval closes (declined, noted as withdrawn) and nothing was held. Either way the intent
 * ends `cancelled` and its funding card's hold is freed.
 */
export async function cancelCheckoutIntent({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const found = await visibleIntent(ctx, input.id);
  await lockPolicy(ctx.tx, ctx.workspace.id, found.policy_id);
  const row = await visibleIntent(ctx, input.id);
  if (row.status !== 'approved' && row.status !== 'needs_approval') {
    throw new InvalidStateError(`Checkout intent ${row.id} is ${row.status}; only an approved or pending intent can be cancelled`, { status: row.status });
  }
  const note = ctx.actor.type === 'agent' ? 'Withdrawn by the agent' : 'Checkout intent cancelled';
  const intent = await getIntentRow(ctx.tx, ctx.workspace.id, row.id);
  const card = intent?.credential_card_id ? await lockCard(ctx.tx, ctx.workspace.id, intent.credential_card_id) : undefined;
  if (card && (await openAuthorizationOnCard(ctx.tx, card.id))) {
    throw new InvalidStateError(`Checkout intent ${row.id} has an open card authorization; capture or reverse it instead`);
  }
  return closeIntent(ctx, row, intent, card, note);
}

/** Ends an open intent as cancelled (the caller holds its policy's lock and has checked its credential). */
async function closeIntent(ctx: ServiceContext, row: SpendRow, intent: CheckoutIntentRow | undefined, credential: CardRow | undefined, note: string) {
  if (row.status === 'needs_approval') {
    await withdrawApproval({ ctx, input: { id: row.approval_id!, note } });
  } else {
    await settleSpend({ ctx, input: { id: row.id, action: 'cancel' } });
  }
  await settleFundingHold(ctx, row.id);
  const card = await cancelCredential(ctx, credential);
  const after = presentCheckoutIntent((await getSpendRow(ctx.tx, ctx.workspace.id, row.id))!, intent, card, ctx.config.publicUrl, ctx.now);
  await emitEvent(ctx, 'checkout_intent.cancelled', after);
  await audit(ctx, 'checkout_intent.cancelled', 'checkout_intent', row.id, { status: row.status }, { status: after.status, note });
  return after;
}

/** Cancels an intent's just-in-time credential (if it has one still open) and records it. */
async function cancelCredential(ctx: ServiceContext, credential: CardRow | undefined): Promise<CardRow | undefined> {
  if (!credential || credential.status === 'cancelled') return credential;
  const card = { ...credential, status: 'cancelled' as const, updated_at: ctx.now };
  await updateCard(ctx.tx, card.id, { status: 'cancelled', updated_at: ctx.now });
  await emitEvent(ctx, 'card.cancelled', presentCard(card, ctx.now));
  await audit(ctx, 'card.cancelled', 'card', card.id, presentCard(credential, ctx.now), presentCard(card, ctx.now));
  return card;
}

/**
 * A card was cancelled: the open checkout intents it funds, or whose just-in-time credential it
 * is, are cancelled with it in the caller's transaction (which holds the card's policy and the
 * card): approved ones release their holds and lose their credentials, pending ones are
 * withdrawn from approval. An intent whose credential has an open authorization is left to be
 * captured or reversed, as a card's own authorizations are. Freezing does not come here: a
 * frozen card can be unfrozen, and its intents keep their holds until they settle or expire.
 */
export async function cancelIntentsOfCard(ctx: ServiceContext, cancelled: CardRow): Promise<number> {
  let count = 0;
  for (const id of await openIntentsOfCard(ctx.tx, ctx.workspace.id, cancelled.id)) {
    const row = (await getSpendRow(ctx.tx, ctx.workspace.id, id))!;
    if (row.status !== 'approved' && row.status !== 'needs_approval') continue;
    await lockPolicy(ctx.tx, ctx.workspace.id, row.policy_id);
    const intent = await getIntentRow(ctx.tx, ctx.workspace.id, id);
    const card = intent?.credential_card_id ? await lockCard(ctx.tx, ctx.workspace.id, intent.credential_card_id) : undefined;
    if (card && (await openAuthorizationOnCard(ctx.tx, card.id))) continue;
    const why = intent?.credential_card_id === cancelled.id ? `Credential ${cancelled.id} cancelled` : `Funding card ${cancelled.id} cancelled`;
    await closeIntent(ctx, row, intent, card, why);
    count++;
  }
  return count;
}

/**
 * A pending intent whose approval closed with its revoked agent (the request is now `declined`,
 * `agent_revoked`): frees what it counted against its funding card and records the intent's end.
 */
export async function intentDeclinedWithAgent(ctx: ServiceContext, id: string): Promise<void> {
  await settleFundingHold(ctx, id);
  const row = (await getSpendRow(ctx.tx, ctx.workspace.id, id))!;
  const intent = await getIntentRow(ctx.tx, ctx.workspace.id, id);
  const after = presentCheckoutIntent(row, intent, await credentialOf(ctx, intent), ctx.config.publicUrl, ctx.now);
  await emitEvent(ctx, 'checkout_intent.declined', after);
  await audit(ctx, 'checkout_intent.declined', 'checkout_intent', id, { status: 'needs_approval' }, { status: after.status, decision_code: after.decision_code });
}

/**
 * An approved intent whose hold was cancelled with its revoked agent: frees what it counted
 * against its funding card, cancels its just-in-time credential and records the intent's end.
 */
export async function intentCancelledWithAgent(ctx: ServiceContext, id: string): Promise<void> {
  await settleFundingHold(ctx, id);
  const row = (await getSpendRow(ctx.tx, ctx.workspace.id, id))!;
  const intent = await getIntentRow(ctx.tx, ctx.workspace.id, id);
  const card = await cancelCredential(ctx, intent?.credential_card_id ? await lockCard(ctx.tx, ctx.workspace.id, intent.credential_card_id) : undefined);
  const after = presentCheckoutIntent(row, intent, card, ctx.config.publicUrl, ctx.now);
  await emitEvent(ctx, 'checkout_intent.cancelled', after);
  await audit(ctx, 'checkout_intent.cancelled', 'checkout_intent', id, { status: 'approved' }, { status: after.status, cancellation_reason: after.cancellation_reason });
}

/**
 * Once an intent has settled (completed, cancelled, declined or expired), takes what it counted
 * against its funding card off the card's held amount, and adds what was captured to its spend.
 * Runs once: the intent's funding_held_cents is zeroed.
 */
export async function settleFundingHold(ctx: ServiceContext, intentId: string): Promise<void> {
  const intent = await getIntentRow(ctx.tx, ctx.workspace.id, intentId);
  if (!intent || intent.card_id === null || intent.funding_held_cents === 0) return;
  const spend = (await getSpendRow(ctx.tx, ctx.workspace.id, intentId))!;
  if (spend.status === 'approved' || spend.status === 'needs_approval') return;
  await lockPolicy(ctx.tx, ctx.workspace.id, spend.policy_id);
  const card = await lockCard(ctx.tx, ctx.workspace.id, intent.card_id);
  if (!card || !(await clearFundingHold(ctx.tx, intentId, intent.funding_held_cents))) return;
  await updateCard(ctx.tx, card.id, {
    held_cents: Math.max(0, card.held_cents - intent.funding_held_cents),
    spent_cents: card.spent_cents + (spend.status === 'completed' ? (spend.captured_amount_cents ?? 0) : 0),
    updated_at: ctx.now,
  });
}

/** Intents whose funding-card hold outlived them (expired or declined by an operator): settled by the sweeper. */
export async function settleStaleFundingHolds(db: Database, config: ServiceConfig, limit = 200): Promise<number> {
  const due = await staleFundingHolds(db.db, limit);
  for (const d of due) {
    const caller = { workspace: { id: d.workspace_id, livemode: d.livemode === 1 }, actor: { type: 'system' as const } };
    await runService(db, config, caller, (ctx) => settleFundingHold(ctx, d.id));
  }
  return due.length;
}

/** A card authorization on an intent's credential was resolved: its funding card is settled and the intent's end reported. */
export async function intentSettledByAuthorization(ctx: ServiceContext, spend: SpendRow, credential: CardRow): Promise<void> {
  await settleFundingHold(ctx, spend.id);
  const after = (await getSpendRow(ctx.tx, ctx.workspace.id, spend.id))!;
  const intent = await getIntentRow(ctx.tx, ctx.workspace.id, spend.id);
  await emitEvent(ctx, `checkout_intent.${after.status}`, presentCheckoutIntent(after, intent, credential, ctx.config.publicUrl, ctx.now));
}
