import { useState } from 'react';
import type { LedgerTransaction, LedgerVerifyResult } from '@bursar/sdk';
import { collect } from '../api.js';
import { download, ledgerCsv } from '../csv.js';
import { describeError, money, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { ActionError, Empty, ErrorNote, Link, PageHeader, useApp } from '../ui.js';

/** Ledger transactions with their postings, and the hash-chain verification. */
export function Ledger() {
  const { client } = useApp();
  const [more, setMore] = useState<LedgerTransaction[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const txns = useLoad(async () => {
    const page = await client.ledger.transactions({ limit: 100 });
    setMore([]);
    setCursor(page.next_cursor);
    return page;
  }, []);
  const rows = [...(txns.data?.data ?? []), ...more];
  const [exporting, setExporting] = useState<string>();
  const [exportError, setExportError] = useState<string>();

  async function exportCsv() {
    setExportError(undefined);
    setExporting('Exporting…');
    try {
      const all = await collect((q) => client.ledger.transactions(q), Number.MAX_SAFE_INTEGER);
      download(`bursar-ledger-${new Date().toISOString().slice(0, 10)}.csv`, ledgerCsv(all));
      setExporting(`Exported ${all.length} transaction${all.length === 1 ? '' : 's'}.`);
    } catch (err) {
      setExporting(undefined);
      setExportError(`Could not export: ${describeError(err)}`);
    }
  }
  const [verify, setVerify] = useState<LedgerVerifyResult>();
  const [verifyError, setVerifyError] = useState<string>();
  const [verifying, setVerifying] = useState(false);

  return (
    <section>
      <PageHeader title="Ledger">
        <button type="button" onClick={exportCsv} disabled={exporting === 'Exporting…'}>
          Export CSV
        </button>
        <button
          type="button"
          disabled={verifying}
          onClick={async () => {
            setVerifying(true);
            setVerifyError(undefined);
            try {
              setVerify(await client.ledger.verify());
            } catch (err) {
              setVerifyError(describeError(err));
            } finally {
              setVerifying(false);
            }
          }}
        >
          {verifying ? 'Verifying…' : 'Verify the ledger'}
        </button>
      </PageHeader>
      <p className="hint">
        Append-only and hash-chained per wallet. The CSV has one posting per row, oldest first, the same columns as <code>bursar ledger export</code>.
      </p>
      <div aria-live="polite">
        {exporting ? (
          <p className="alert ok" data-testid="export-result">
            {exporting}
          </p>
        ) : null}
        <ActionError message={exportError} />
        {verify ? (
          <p className={`alert ${verify.ok ? 'ok' : 'error'}`} data-testid="verify-result">
            {verify.ok
              ? `Verified: ${verify.transactions_checked} transactions and ${verify.postings_checked} postings across ${verify.wallets_checked} wallet${verify.wallets_checked === 1 ? '' : 's'}: balanced, hash chain intact.`
              : `Broken: wallet ${verify.first_broken?.wallet_id}, transaction ${verify.first_broken?.transaction_id ?? '—'}: ${verify.first_broken?.problem}`}
          </p>
        ) : null}
        {verifyError ? (
          <p role="alert" className="alert error">
            Could not verify: {verifyError}
          </p>
        ) : null}
      </div>
      <ErrorNote error={txns.error} what="load ledger transactions" />
      {txns.data && rows.length === 0 ? <Empty>The ledger is empty. Funding a wallet writes its first transaction.</Empty> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Ledger transactions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">#</th>
                <th scope="col">Type</th>
                <th scope="col">Description</th>
                <th scope="col">Postings</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr key={t.id}>
                  <td title={t.id}>{time(t.created_at)}</td>
                  <td className="num">{t.sequence}</td>
                  <td>{t.type}</td>
                  <td>
                    {t.description}
                    {t.spend_request_id ? (
                      <div className="hint">
                        <Link to={`/${t.spend_request_id.startsWith('res_') ? 'reservations' : 'spend-requests'}/${encodeURIComponent(t.spend_request_id)}`}>{t.spend_request_id}</Link>
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <ul className="postings">
                      {t.postings.map((p, i) => (
                        <li key={i}>
                          <span className="account">{p.account}</span> <span className={`num ${p.amount_cents < 0 ? 'neg' : ''}`}>{money(p.amount_cents, p.currency)}</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {cursor ? (
        <button
          type="button"
          className="load-more"
          onClick={async () => {
            try {
              const page = await client.ledger.transactions({ limit: 100, cursor });
              setMore((m) => [...m, ...page.data]);
              setCursor(page.next_cursor);
            } catch (err) {
              setExportError(`Could not load more: ${describeError(err)}`);
            }
          }}
        >
          Load more
        </button>
      ) : null}
    </section>
  );
}
