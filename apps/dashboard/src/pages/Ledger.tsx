import { useState } from 'react';
import type { LedgerVerifyResult } from '@bursar/sdk';
import { describeError, money, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { Empty, ErrorNote, PageHeader, useApp } from '../ui.js';

/** Ledger transactions with their postings, and the hash-chain verification. */
export function Ledger() {
  const { client } = useApp();
  const txns = useLoad(() => client.ledger.transactions({ limit: 100 }), []);
  const [verify, setVerify] = useState<LedgerVerifyResult>();
  const [verifyError, setVerifyError] = useState<string>();
  const [verifying, setVerifying] = useState(false);

  return (
    <section>
      <PageHeader title="Ledger">
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
      <div aria-live="polite">
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
      {txns.data && txns.data.data.length === 0 ? <Empty>The ledger is empty. Funding a wallet writes its first transaction.</Empty> : null}
      {txns.data && txns.data.data.length > 0 ? (
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
              {txns.data.data.map((t) => (
                <tr key={t.id}>
                  <td title={t.id}>{time(t.created_at)}</td>
                  <td className="num">{t.sequence}</td>
                  <td>{t.type}</td>
                  <td>
                    {t.description}
                    {t.spend_request_id ? <div className="hint">{t.spend_request_id}</div> : null}
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
    </section>
  );
}
