import { BursarError, InvalidRequestError, NotFoundError, newId } from '@bursar/core';
import { accounts, postTransaction } from '../../ledger/ledger.js';
import type { WalletRow } from '../../store/rows.js';
import { getTransfer as getTransferRow, insertTransfer, listTransfers as listTransferRows, type TransferRow } from '../../store/transfers.js';
import { lockWallet, walletForCurrency } from '../../store/wallets.js';
import { getWorkspace } from '../../store/workspaces.js';
import type { ServiceContext } from '../context.js';
import { audit, emitEvent } from '../events/outbox.js';
import { presentTransfer } from './present.js';

/**
 * Moves money from this workspace's wallet to another workspace's wallet of the same currency:
 * one ledger transaction on each side, through a transfers clearing account that nets to zero,
 * all in the caller's transaction. Never takes the source below zero.
 */
export async function createTransfer({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { to_workspace_id: string; amount_cents: number; currency: string; description: string };
}) {
  const target = await getWorkspace(ctx.tx, input.to_workspace_id);
  // Another livemode is another world: answer as if it did not exist.
  if (!target || (target.livemode === 1) !== ctx.workspace.livemode) {
    throw new InvalidRequestError(`No such workspace: '${input.to_workspace_id}'`, 'to_workspace_id');
  }
  if (target.id === ctx.workspace.id) throw new InvalidRequestError('A transfer goes to another workspace', 'to_workspace_id');
  const fromFound = await walletForCurrency(ctx.tx, ctx.workspace.id, input.currency);
  if (!fromFound) throw new InvalidRequestError(`This workspace has no ${input.currency} wallet`, 'currency');
  const toFound = await walletForCurrency(ctx.tx, target.id, input.currency);
  if (!toFound) throw new InvalidRequestError(`Workspace ${target.id} has no ${input.currency} wallet`, 'currency');
  // Two wallets: lock them in id order, so transfers crossing each other never deadlock.
  const locked = new Map<string, WalletRow>();
  for (const w of [fromFound, toFound].sort((a, b) => (a.id < b.id ? -1 : 1))) locked.set(w.id, (await lockWallet(ctx.tx, w.workspace_id, w.id))!);
  const from = locked.get(fromFound.id)!;
  const to = locked.get(toFound.id)!;
  if (from.available_cents < input.amount_cents) {
    throw new BursarError('funding_source_budget_exceeded', `The ${input.currency} wallet has ${from.available_cents} cents available; it cannot transfer ${input.amount_cents}`, {
      available_cents: from.available_cents,
    });
  }
  if (to.available_cents + input.amount_cents > Number.MAX_SAFE_INTEGER) {
    throw new InvalidRequestError('This amount would overflow the destination wallet', 'amount_cents');
  }
  const id = newId('trf', ctx.now);
  const cur = from.currency;
  const clearing = accounts.external('transfers', cur);
  const out = await postTransaction(ctx.tx, {
    wallet: from,
    type: 'transfer',
    spendRequestId: null,
    description: `Transfer ${id} to ${target.id}: ${input.description}`,
    postings: [
      { account: accounts.available(from.id), amount_cents: -input.amount_cents, currency: cur },
      { account: clearing, amount_cents: input.amount_cents, currency: cur },
    ],
    now: ctx.now,
  });
  const into = await postTransaction(ctx.tx, {
    wallet: to,
    type: 'transfer',
    spendRequestId: null,
    description: `Transfer ${id} from ${ctx.workspace.id}: ${input.description}`,
    postings: [
      { account: clearing, amount_cents: -input.amount_cents, currency: cur },
      { account: accounts.available(to.id), amount_cents: input.amount_cents, currency: cur },
    ],
    now: ctx.now,
  });
  const row: TransferRow = {
    id,
    from_workspace_id: ctx.workspace.id,
    to_workspace_id: target.id,
    from_wallet_id: from.id,
    to_wallet_id: to.id,
    amount_cents: input.amount_cents,
    currency: cur,
    description: input.description,
    status: 'completed',
    from_ledger_transaction_id: out.transaction.id,
    to_ledger_transaction_id: into.transaction.id,
    created_by: ctx.actor.type === 'system' ? null : ctx.actor.keyId,
    livemode: ctx.workspace.livemode ? 1 : 0,
    created_at: ctx.now,
  };
  await insertTransfer(ctx.tx, row);
  const outgoing = presentTransfer(row, ctx.workspace.id);
  await emitEvent(ctx, 'transfer.created', outgoing);
  await audit(ctx, 'transfer.created', 'transfer', id, null, outgoing);
  // The receiving workspace hears of it in its own outbox (and webhooks).
  await emitEvent({ ...ctx, workspace: { id: target.id, livemode: target.livemode === 1 } }, 'transfer.created', presentTransfer(row, target.id));
  return outgoing;
}

export async function getTransfer({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const row = await getTransferRow(ctx.tx, ctx.workspace.id, input.id);
  if (!row) throw new NotFoundError('transfer', input.id);
  return presentTransfer(row, ctx.workspace.id);
}

export async function listTransfers({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { limit: number; cursor?: string | undefined; direction?: 'outgoing' | 'incoming' | undefined };
}) {
  const page = await listTransferRows(ctx.tx, ctx.workspace.id, input, input.limit, input.cursor);
  return { ...page, data: page.data.map((t) => presentTransfer(t, ctx.workspace.id)) };
}
