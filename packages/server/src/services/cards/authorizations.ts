import { BursarError, InvalidRequestError, InvalidStateError, NotFoundError, newId, normalizeMerchant, type CardAuthorization } from '@bursar/core';
import type { Database } from '../../db/database.js';
import { settleApproval } from '../../store/approvals.js';
import { cardByNumberHash, getCard as getCardRow, getCardAuthorization, getCheckoutIntent, insertCardAuthorization, listCardAuthorizations as listAuthRows, lockCard, transitionCardAuthorization, updateCard, type CardAuthorizationRow, type CardRow } from '../../store/cards.js';
import { getAgent } from '../../store/agents.js';
import { lockPolicy } from '../../store/policies.js';
import type { PolicyRow } from '../../store/rows.js';
import { getSpend as getSpendRow, transitionSpend } from '../../store/spend.js';
import { cardStatusAt } from './status.js';
import type { ServiceConfig, ServiceContext } from '../context.js';
import { audit, emitEvent } from '../events/outbox.js';
import { kindOf, transitionEvent } from '../spend/kinds.js';
import { runService } from '../run.js';
import { createSpend, settleSpend } from '../spend/requests.js';
import { presentCardAuthorization } from './present.js';

type DeclineCode = NonNullable<CardAuthorization['decline_code']>;

const cardReasons: Partial<Record<DeclineCode, string>> = {
  card_frozen: 'The card is frozen',
  card_cancelled: 'The card is cancelled',
  card_expired: 'The card has expired',
  card_used: 'The single-use card was already used',
  card_inactive: "The credential's checkout intent is not approved",
  merchant_mismatch: 'The credential is bound to another merchant',
  amount_exceeds_credential: 'The amount exceeds what the credential was issued for',
  exceeds_card_limit: "The amount would exceed the card's spend limit",
  currency_mismatch: "The currency is not the card's",
  requires_approval: 'The amount requires a human approval, which a card authorization cannot wait for',
  agent_paused: "The credential's agent is paused",
  agent_revoked: "The credential's agent is revoked",
};

interface AuthorizeInput {
  card_number?: string | undefined;
  card_id?: string | undefined;
  merchant_name: string;
  mcc?: string | undefined;
  amount_cents: number;
  currency: string;
}

/** The card an authorization names, as read ahead of its transaction: what never changes of it. */
export type FoundCard = Pick<CardRow, 'id' | 'policy_id' | 'agent_id'>;

/**
 * The card a card authorization names, read ahead of its transaction so that the authorization
 * can join a decision batch (see Database.transactDecision) for the card's agent, under whose
 * policy the card was issued (the batch locks that policy first, as the authorization alone
 * would); authorizeCard then does not look it up again. Undefined where decisions are not
 * batched, or when the input names no card this workspace has: the authorization then runs
 * alone, and refuses.
 */
export async function cardAuthorizationDecision(db: Database, config: ServiceConfig, workspaceId: string, input: AuthorizeInput): Promise<{ agentIds: string[]; card: FoundCard } | undefined> {
  if (!db.batchesDecisions || (input.card_number === undefined) === (input.card_id === undefined)) return undefined;
  const card = input.card_id !== undefined
    ? await getCardRow(db.db, workspaceId, input.card_id)
    : await cardByNumberHash(db.db, workspaceId, config.secrets.lookupHash(input.card_number!));
  return card && { agentIds: [card.agent_id], card };
}

async function findCard(ctx: ServiceContext, input: AuthorizeInput): Promise<CardRow> {
  if ((input.card_number === undefined) === (input.card_id === undefined)) {
    throw new InvalidRequestError('send exactly one of card_number and card_id', 'card_number');
  }
  if (input.card_id !== undefined) {
    const card = await getCardRow(ctx.tx, ctx.workspace.id, input.card_id);
    if (!card) throw new NotFoundError('card', input.card_id);
    return card;
  }
  // Never echo the number: it is a secret even in an error.
  const card = await cardByNumberHash(ctx.tx, ctx.workspace.id, ctx.config.secrets.lookupHash(input.card_number!));
  if (!card) throw new BursarError('not_found', 'No card with this number in this workspace', { field: 'card_number' });
  return card;
}

/** The card's own rules, before the policy's: state, binding of a just-in-time credential, spend limit. */
async function cardDecline(ctx: ServiceContext, card: CardRow, policy: PolicyRow, input: AuthorizeInput, merchantKey: string): Promise<DeclineCode | null> {
  const status = cardStatusAt(card, ctx.now);
  if (status !== 'active') return status === 'frozen' ? 'card_frozen' : status === 'cancelled' ? 'card_cancelled' : status === 'used' ? 'card_used' : 'card_expired';
  if (input.currency !== policy.currency) return 'currency_mismatch';
  if (card.checkout_intent_id !== null) {
    if (card.merchant_key !== merchantKey) return 'merchant_mismatch';
    if (input.amount_cents > (card.bound_amount_cents ?? 0)) return 'amount_exceeds_credential';
    const intent = await getSpendRow(ctx.tx, ctx.workspace.id, card.checkout_intent_id);
    // The credential dies with its agent: paused, it is refused and the intent keeps its hold.
    const agent = intent ? await getAgent(ctx.tx, ctx.workspace.id, intent.agent_id) : undefined;
    if (agent && agent.status !== 'active') return agent.status === 'paused' ? 'agent_paused' : 'agent_revoked';
    if (!intent || intent.status !== 'approved') return intent?.status === 'expired' ? 'card_expired' : intent?.status === 'cancelled' ? 'card_cancelled' : 'card_inactive';
    // A credential drawn on a funding card is no stronger than that card: frozen, it is frozen too
    // (cancelling the funding card already cancels the intent).
    const fundingId = (await getCheckoutIntent(ctx.tx, ctx.workspace.id, card.checkout_intent_id))?.card_id ?? null;
    const funding = fundingId === null ? undefined : await getCardRow(ctx.tx, ctx.workspace.id, fundingId);
    if (funding && cardStatusAt(funding, ctx.now) === 'frozen') return 'card_frozen';
  }
  if (card.spend_limit_cents !== null && card.spent_cents + card.held_cents + input.amount_cents > card.spend_limit_cents) return 'exceeds_card_limit';
  return null;
}

/** A spend request a card authorization cannot leave pending: declined on the spot, its approval with it. */
async function declinePending(ctx: ServiceContext, spendId: string): Promise<void> {
  const spend = (await getSpendRow(ctx.tx, ctx.workspace.id, spendId))!;
  if (spend.approval_id !== null) {
    await settleApproval(ctx.tx, spend.approval_id, { status: 'declined', note: cardReasons.requires_approval!, decided_by: null, override_budget: 0, decided_at: ctx.now });
  }
  const changes = { status: 'declined' as const, decision_reason: cardReasons.requires_approval!, updated_at: ctx.now, expires_at: null };
  await transitionSpend(ctx.tx, spendId, 'needs_approval', changes);
  const event = transitionEvent({ ...spend, ...changes }, ctx.config.publicUrl);
  await emitEvent(ctx, event.type, event.object);
}

/**
 * Decides a card authorization as a card network would ask for one, through the same engine as
 * a spend request: the card's state and binding first, then the policy, the budgets and the
 * wallet. Approved, the amount is held until capture or reversal. Every answer is recorded.
 */
export async function authorizeCard({ ctx, input, found: ahead }: { ctx: ServiceContext; input: AuthorizeInput; found?: FoundCard | undefined }): Promise<CardAuthorization> {
  // Its id and policy never change: a card read ahead (cardAuthorizationDecision) is not read again here.
  const found = ahead ?? (await findCard(ctx, input));
  // Lock order: the policy, then the card; the engine then takes the lease and the wallet. In a
  // decision batch the wallet may be held already: harmless, since a card is only ever locked
  // under its policy's lock, which the batch holds, so no other transaction can hold the card.
  const policy = (await lockPolicy(ctx.tx, ctx.workspace.id, found.policy_id))!;
  const card = (await lockCard(ctx.tx, ctx.workspace.id, found.id))!;
  const merchantKey = normalizeMerchant(input.merchant_name);
  const row: CardAuthorizationRow = {
    id: newId('cauth', ctx.now),
    workspace_id: ctx.workspace.id,
    card_id: card.id,
    spend_request_id: null,
    merchant_name: input.merchant_name,
    merchant_key: merchantKey,
    mcc: input.mcc ?? null,
    amount_cents: input.amount_cents,
    currency: input.currency,
    status: 'declined',
    decline_code: null,
    decline_reason: null,
    captured_amount_cents: null,
    livemode: ctx.workspace.livemode ? 1 : 0,
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  const declined = await cardDecline(ctx, card, policy, input, merchantKey);
  const cardChanges: Partial<CardRow> = {};
  if (declined !== null) {
    row.decline_code = declined;
    row.decline_reason = cardReasons[declined] ?? declined;
  } else if (card.checkout_intent_id !== null) {
    // A just-in-time credential: its checkout intent already holds the money; the hold now waits for capture.
    row.status = 'approved';
    row.spend_request_id = card.checkout_intent_id;
    await transitionSpend(ctx.tx, card.checkout_intent_id, 'approved', { expires_at: ctx.now + ctx.config.holdTtlMs, updated_at: ctx.now });
  } else {
    const { spend } = await createSpend({
      ctx,
      input: {
        agent_id: card.agent_id,
        amount_cents: input.amount_cents,
        currency: input.currency,
        merchant_name: input.merchant_name,
        reason: `Card authorization on ${card.brand} ending ${card.last4}${input.mcc ? ` (MCC ${input.mcc})` : ''}`,
        metadata: { card_id: card.id, card_authorization_id: row.id },
      },
      kind: 'card',
    });
    row.spend_request_id = spend.id;
    if (spend.status === 'approved') {
      row.status = 'approved';
    } else {
      if (spend.status === 'needs_approval') await declinePending(ctx, spend.id);
      row.decline_code = spend.decision_code === 'approved' ? 'requires_approval' : (spend.decision_code as DeclineCode);
      row.decline_reason = spend.status === 'needs_approval' ? cardReasons.requires_approval! : spend.decision_reason;
    }
  }
  if (row.status === 'approved') {
    cardChanges.held_cents = card.held_cents + input.amount_cents;
    if (card.type === 'single_use') Object.assign(cardChanges, { status: 'used', used_at: ctx.now });
    await updateCard(ctx.tx, card.id, { ...cardChanges, updated_at: ctx.now });
  }
  await insertCardAuthorization(ctx.tx, row);
  const out = presentCardAuthorization(row, card.last4);
  await emitEvent(ctx, `card_authorization.${row.status}`, out);
  await audit(ctx, `card_authorization.${row.status}`, 'card_authorization', row.id, null, { status: row.status, decline_code: row.decline_code, amount_cents: row.amount_cents });
  return out;
}

async function requireAuthorization(ctx: ServiceContext, id: string): Promise<CardAuthorizationRow> {
  const row = await getCardAuthorization(ctx.tx, ctx.workspace.id, id);
  if (!row) throw new NotFoundError('card authorization', id);
  return row;
}

export type AuthorizationAction = 'capture' | 'reverse' | 'expire';
const endStatus = { capture: 'captured', reverse: 'reversed', expire: 'reversed' } as const;

/**
 * Ends an approved authorization: `capture` charges at most its amount (all by default) and
 * releases the rest of the hold; `reverse` (and the sweeper's `expire`) releases all of it.
 */
export async function resolveCardAuthorization({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { id: string; action: AuthorizationAction; amount_cents?: number | undefined };
}): Promise<CardAuthorization> {
  const found = await requireAuthorization(ctx, input.id);
  const cardFound = (await getCardRow(ctx.tx, ctx.workspace.id, found.card_id))!;
  await lockPolicy(ctx.tx, ctx.workspace.id, cardFound.policy_id);
  const card = (await lockCard(ctx.tx, ctx.workspace.id, cardFound.id))!;
  const row = await requireAuthorization(ctx, input.id);
  if (row.status !== 'approved') {
    throw new InvalidStateError(`Card authorization ${row.id} is ${row.status}; only an approved one can be ${endStatus[input.action]}`, { status: row.status });
  }
  const captured = input.action === 'capture' ? (input.amount_cents ?? row.amount_cents) : 0;
  if (captured > row.amount_cents) throw InvalidRequestError.about('amount_cents', `must be at most the authorized ${row.amount_cents}`);
  const spend = (await getSpendRow(ctx.tx, ctx.workspace.id, row.spend_request_id!))!;
  // The sweeper may have expired the hold already; then there is nothing left to settle.
  if (spend.status === 'approved') {
    await settleSpend({ ctx, input: captured > 0 ? { id: spend.id, action: 'complete', amount_cents: captured } : { id: spend.id, action: input.action === 'expire' ? 'expire' : 'cancel' } });
  } else if (input.action === 'capture') {
    throw new InvalidStateError(`The hold of card authorization ${row.id} has ${spend.status}; it cannot be captured`, { status: spend.status });
  }
  await updateCard(ctx.tx, card.id, {
    held_cents: Math.max(0, card.held_cents - row.amount_cents),
    spent_cents: card.spent_cents + captured,
    updated_at: ctx.now,
  });
  const changes = { status: endStatus[input.action], captured_amount_cents: input.action === 'capture' ? captured : null, updated_at: ctx.now };
  if (!(await transitionCardAuthorization(ctx.tx, row.id, 'approved', changes))) {
    throw new InvalidStateError(`Card authorization ${row.id} changed while resolving; retry`);
  }
  const out = presentCardAuthorization({ ...row, ...changes }, card.last4);
  await emitEvent(ctx, `card_authorization.${changes.status}`, out);
  await audit(ctx, `card_authorization.${changes.status}`, 'card_authorization', row.id, { status: 'approved' }, { status: changes.status, captured_amount_cents: changes.captured_amount_cents });
  // The hold's kind may follow (a checkout intent frees its funding card and reports its end).
  await kindOf(spend.kind).onCardAuthorizationResolved?.(ctx, spend, { ...card, held_cents: 0 });
  return out;
}

export async function getCardAuthorizationById({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const row = await requireAuthorization(ctx, input.id);
  const card = await getCardRow(ctx.tx, ctx.workspace.id, row.card_id);
  return presentCardAuthorization(row, card?.last4 ?? '');
}

export async function listCardAuthorizations({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { limit: number; cursor?: string | undefined; card_id?: string | undefined; status?: CardAuthorizationRow['status'] | undefined };
}) {
  const page = await listAuthRows(ctx.tx, ctx.workspace.id, input, input.limit, input.cursor);
  const last4 = new Map<string, string>();
  for (const a of page.data) {
    if (!last4.has(a.card_id)) last4.set(a.card_id, (await getCardRow(ctx.tx, ctx.workspace.id, a.card_id))?.last4 ?? '');
  }
  return { ...page, data: page.data.map((a) => presentCardAuthorization(a, last4.get(a.card_id)!)) };
}

/** Approved authorizations whose hold has timed out: reversed, so the card's limit is freed too. */
export async function expireCardAuthorizations(db: Database, config: ServiceConfig, now: number, limit = 200): Promise<number> {
  const due = await db.db
    .selectFrom('card_authorizations')
    .innerJoin('spend_requests', 'spend_requests.id', 'card_authorizations.spend_request_id')
    .select(['card_authorizations.id as id', 'card_authorizations.workspace_id as workspace_id', 'card_authorizations.livemode as livemode'])
    .where('card_authorizations.status', '=', 'approved')
    .where((eb) => eb.or([eb('spend_requests.status', '!=', 'approved'), eb('spend_requests.expires_at', '<=', now)]))
    .limit(limit)
    .execute();
  let n = 0;
  for (const a of due) {
    const caller = { workspace: { id: a.workspace_id, livemode: a.livemode === 1 }, actor: { type: 'system' as const } };
    try {
      await runService(db, config, caller, (ctx) => resolveCardAuthorization({ ctx, input: { id: a.id, action: 'expire' } }));
      n++;
    } catch (err) {
      if (!(err instanceof InvalidStateError)) throw err;
    }
  }
  return n;
}
