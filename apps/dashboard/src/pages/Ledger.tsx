import { useState } from 'react';
import type { LedgerVerifyResult } from '@bursar/sdk';
import { collect } from '../api.js';
import { download, ledgerCsv } from '../csv.js';
import { accountWords, money, time } from '../format.js';
import { useAction, usePagedList } from '../hooks.js';
import { ListTable } from '../list.js';
import { pathTo } from '../router.js';
import { ActionError, Link, PageHeader, useApp } from '../ui.js';

/** Ledger transactions with their postings, and the hash-chain verification. */
export function Ledger() {
  const { client } = useApp();
  const txns = usePagedList((q) => client.ledger.transactions(q), []);
  const [exported, setExported] = useState<string>();
  const exporting = useAction();
  const [verify, setVerify] = useState<LedgerVerifyResult>();
  const verifying = useAction();

  async function exportCsv() {
    setExported('Exporting…');
    const done = await exporting.run(
      async () => {
        const all = await collect((q) => client.ledger.transactions(q), Number.MAX_SAFE_INTEGER);
        download(`bursar-ledger-${new Date().toISOString().slice(0, 10)}.csv`, ledgerCsv(all));
        setExported(`Exported ${all.length} transaction${all.length === 1 ? '' : 's'}.`);
      },
      { failure: 'export' },
    );
    if (!done) setExported(undefined);
  }

  return (
    <section>
      <PageHeader title="Ledger">
        <button type="button" onClick={exportCsv} disabled={exporting.busy !== undefined}>
          Export CSV
        </button>
        <button type="button" disabled={verifying.busy !== undefined} onClick={() => void verifying.run(async () => setVerify(await client.ledger.verify()), { failure: 'verify' })}>
          {verifying.busy ? 'Verifying…' : 'Verify the ledger'}
        </button>
      </PageHeader>
      <p className="hint">
        Append-only and hash-chained per wallet. The CSV has one posting per row, oldest first, the same columns as <code>bursar ledger export</code>.
      </p>
      <div aria-live="polite">
        {exported ? (
          <p className="alert ok" data-testid="export-result">
            {exported}
          </p>
        ) : null}
        <ActionError message={exporting.error} />
        {verify ? (
          <p className={`alert ${verify.ok ? 'ok' : 'error'}`} data-testid="verify-result">
            {verify.ok
              ? `Verified: ${verify.transactions_checked} transactions and ${verify.postings_checked} postings across ${verify.wallets_checked} wallet${verify.wallets_checked === 1 ? '' : 's'}: balanced, hash chain intact.`
              : `Broken: wallet ${verify.first_broken?.wallet_id}, transaction ${verify.first_broken?.transaction_id ?? '—'}: ${verify.first_broken?.problem}`}
          </p>
        ) : null}
        <ActionError message={verifying.error} />
      </div>
      <ListTable
        list={txns}
        what="load ledger transactions"
        empty="The ledger is empty. Funding a wallet writes its first transaction."
        caption="Ledger transactions, newest first"
        columns={[
          { header: 'When', title: (t) => t.id, cell: (t) => time(t.created_at) },
          { header: '#', className: 'num', cell: (t) => t.sequence },
          { header: 'Type', cell: (t) => t.type },
          {
            header: 'Description',
            cell: (t) => (
              <>
                {t.description}
                {t.spend_request_id ? (
                  <div className="hint">
                    <Link to={pathTo(t.spend_request_id.startsWith('res_') ? '/reservations' : '/spend-requests', t.spend_request_id)}>{t.spend_request_id}</Link>
                  </div>
                ) : null}
              </>
            ),
          },
          {
            header: 'Postings',
            cell: (t) => (
              <ul className="postings">
                {t.postings.map((p, i) => (
                  <li key={i}>
                    <span className="account" title={p.account}>
                      {accountWords(p.account, p.currency)}
                    </span> <span className={`num ${p.amount_cents < 0 ? 'neg' : ''}`}>{money(p.amount_cents, p.currency)}</span>
                  </li>
                ))}
              </ul>
            ),
          },
        ]}
      />
    </section>
  );
}
