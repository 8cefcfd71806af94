import { useState } from 'react';
import type { Transfer } from '../api.js';
import { money, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { Empty, ErrorNote, PageHeader, useApp, useControl } from '../ui.js';

/** Transfers between workspaces' wallets, in and out, newest first (read-only). */
export function Transfers() {
  const { session } = useApp();
  const control = useControl();
  const [direction, setDirection] = useState<Transfer['direction'] | ''>('');
  const list = useLoad(() => control.transfers.list({ limit: 100, ...(direction ? { direction } : {}) }), [direction], 10_000);
  return (
    <section>
      <PageHeader title="Transfers" />
      <p className="hint">Money moved between this workspace ({session.workspace_id}) and another, each side recorded in its own ledger.</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Direction
          <select value={direction} onChange={(e) => setDirection(e.target.value as Transfer['direction'] | '')}>
            <option value="">In and out</option>
            <option value="outgoing">Outgoing</option>
            <option value="incoming">Incoming</option>
          </select>
        </label>
      </form>
      <ErrorNote error={list.error} what="load transfers" />
      {list.data && list.data.data.length === 0 ? <Empty>No transfer{direction ? ` ${direction}` : ''} yet. Send one with POST /v1/transfers.</Empty> : null}
      {list.data && list.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Transfers, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Direction</th>
                <th scope="col">Amount</th>
                <th scope="col">Counterparty</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((t) => (
                <tr key={t.id} data-transfer={t.id}>
                  <td title={t.id}>{time(t.created_at)}</td>
                  <td>{t.direction}</td>
                  <td className={`num ${t.direction === 'outgoing' ? 'neg' : ''}`}>{money(t.direction === 'outgoing' ? -t.amount_cents : t.amount_cents, t.currency)}</td>
                  <td>
                    <code>{t.direction === 'outgoing' ? t.to_workspace_id : t.from_workspace_id}</code>
                  </td>
                  <td>{t.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
