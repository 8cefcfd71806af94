import type { LedgerTransaction, Wallet, Transfer } from '@bursar/core';
import type { DB } from '../../db/schema.js';
import type { WalletRow } from '../../store/rows.js';
import type { TransferRow } from '../../store/transfers.js';
import { iso } from '../iso.js';

export function presentWallet(w: WalletRow): Wallet {
  return {
    id: w.id,
    object: 'wallet',
    currency: w.currency,
    available_cents: w.available_cents,
    held_cents: w.held_cents,
    livemode: w.livemode === 1,
    created_at: iso(w.created_at),
  };
}

export function presentLedger(t: DB['ledger_transactions']): LedgerTransaction {
  return {
    id: t.id,
    object: 'ledger_transaction',
    wallet_id: t.wallet_id,
    sequence: t.sequence,
    type: t.type as LedgerTransaction['type'],
    spend_request_id: t.spend_request_id,
    description: t.description,
    postings: JSON.parse(t.postings) as LedgerTransaction['postings'],
    prev_hash: t.prev_hash,
    hash: t.hash,
    created_at: iso(t.created_at),
  };
}

/** A transfer as the caller's workspace sees it: outgoing from it, or incoming to it. */
export function presentTransfer(t: TransferRow, viewerWorkspaceId: string): Transfer {
  return {
    id: t.id,
    object: 'transfer',
    status: 'completed',
    direction: t.from_workspace_id === viewerWorkspaceId ? 'outgoing' : 'incoming',
    from_workspace_id: t.from_workspace_id,
    to_workspace_id: t.to_workspace_id,
    from_wallet_id: t.from_wallet_id,
    to_wallet_id: t.to_wallet_id,
    amount_cents: t.amount_cents,
    currency: t.currency,
    description: t.description,
    from_ledger_transaction_id: t.from_ledger_transaction_id,
    to_ledger_transaction_id: t.to_ledger_transaction_id,
    livemode: t.livemode === 1,
    created_at: iso(t.created_at),
  };
}
