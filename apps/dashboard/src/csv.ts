import type { LedgerTransaction, SpendRequest } from '@bursar/sdk';

function cell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The header of the ledger export: the same columns as `bursar ledger export --format csv`. */
export const LEDGER_CSV_HEADER = 'transaction_id,created_at,wallet_id,sequence,type,spend_request_id,description,account,amount_cents,currency,hash';

/** Ledger transactions (any order) as CSV, oldest first, one posting per row. */
export function ledgerCsv(transactions: readonly LedgerTransaction[]): string {
  const rows = [LEDGER_CSV_HEADER];
  const oldestFirst = [...transactions].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.sequence - b.sequence));
  for (const x of oldestFirst) {
    for (const p of x.postings) {
      rows.push([x.id, x.created_at, x.wallet_id, x.sequence, x.type, x.spend_request_id, x.description, p.account, p.amount_cents, p.currency, x.hash].map(cell).join(','));
    }
  }
  return `${rows.join('\n')}\n`;
}

/** The columns of the spend request export. */
export const SPEND_CSV_HEADER =
  'id,created_at,decided_at,status,amount_cents,captured_amount_cents,currency,merchant_name,category,agent_id,agent_name,policy_id,reason,decision_code,decision_reason';

/** Spend requests as CSV, in the order given (newest first, as listed); `agentName` names each agent. */
export function spendCsv(requests: readonly SpendRequest[], agentName: (id: string) => string): string {
  const rows = [SPEND_CSV_HEADER];
  for (const s of requests) {
    rows.push(
      [
        s.id, s.created_at, s.decided_at, s.status, s.amount_cents, s.captured_amount_cents, s.currency, s.merchant_name, s.category,
        s.agent_id, agentName(s.agent_id), s.policy_id, s.reason, s.decision_code, s.decision_reason,
      ].map(cell).join(','),
    );
  }
  return `${rows.join('\n')}\n`;
}

/** Hands a text file to the browser's downloads (no server round trip, nothing kept in storage). */
export function download(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
