import { ForbiddenError, InvalidRequestError, NotFoundError, newId } from '@bursar/core';
import { accounts, GENESIS_HASH, postTransaction } from '../../ledger/ledger.js';
import { getWallet, insertWallet, listWallets as listWalletRows, lockWallet, walletForCurrency } from '../../store/wallets.js';
import type { WalletRow } from '../../store/rows.js';
import type { ServiceContext } from '../context.js';
import { audit, emitEvent } from '../events/outbox.js';
import { presentWallet } from './present.js';

async function requireWallet(ctx: ServiceContext, id: string): Promise<WalletRow> {
  const wallet = await getWallet(ctx.tx, ctx.workspace.id, id);
  if (!wallet) throw new NotFoundError('wallet', id);
  return wallet;
}

export async function createWallet({ ctx, input }: { ctx: ServiceContext; input: { currency: string } }) {
  if (await walletForCurrency(ctx.tx, ctx.workspace.id, input.currency)) {
    throw new InvalidRequestError(`This workspace already has a ${input.currency} wallet`, 'currency');
  }
  const row: WalletRow = {
    id: newId('wal', ctx.now),
    workspace_id: ctx.workspace.id,
    currency: input.currency,
    livemode: ctx.workspace.livemode ? 1 : 0,
    available_cents: 0,
    held_cents: 0,
    last_sequence: 0,
    last_hash: GENESIS_HASH,
    created_at: ctx.now,
  };
  await insertWallet(ctx.tx, row);
  const wallet = presentWallet(row);
  await audit(ctx, 'wallet.created', 'wallet', row.id, null, wallet);
  return wallet;
}

export async function getWalletById({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  return presentWallet(await requireWallet(ctx, input.id));
}

export async function listWallets({ ctx, input }: { ctx: ServiceContext; input: { limit: number; cursor?: string | undefined } }) {
  const page = await listWalletRows(ctx.tx, ctx.workspace.id, input.limit, input.cursor);
  return { ...page, data: page.data.map(presentWallet) };
}

export async function getWalletBalance({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const w = await requireWallet(ctx, input.id);
  return {
    object: 'wallet_balance' as const,
    wallet_id: w.id,
    currency: w.currency,
    available_cents: w.available_cents,
    held_cents: w.held_cents,
    total_cents: w.available_cents + w.held_cents,
  };
}

/** Sandbox faucet: moves money from the external funding account into the wallet. */
export async function fundWallet({ ctx, input }: { ctx: ServiceContext; input: { id: string; amount_cents: number } }) {
  if (ctx.workspace.livemode) throw new ForbiddenError('The faucet funds sandbox wallets only; fund live wallets through a funding source');
  const wallet = await lockWallet(ctx.tx, ctx.workspace.id, input.id);
  if (!wallet) throw new NotFoundError('wallet', input.id);
  if (wallet.available_cents + input.amount_cents > Number.MAX_SAFE_INTEGER) {
    throw new InvalidRequestError('This amount would overflow the wallet balance', 'amount_cents');
  }
  const { transaction, wallet: after } = await postTransaction(ctx.tx, {
    wallet,
    type: 'funding',
    spendRequestId: null,
    description: 'Sandbox faucet funding',
    postings: [
      { account: accounts.external('funding', wallet.currency), amount_cents: -input.amount_cents, currency: wallet.currency },
      { account: accounts.available(wallet.id), amount_cents: input.amount_cents, currency: wallet.currency },
    ],
    now: ctx.now,
  });
  const funded = presentWallet(after);
  await emitEvent(ctx, 'wallet.funded', funded);
  await audit(ctx, 'wallet.funded', 'wallet', wallet.id, presentWallet(wallet), funded);
  return { ...funded, ledger_transaction_id: transaction.id };
}
