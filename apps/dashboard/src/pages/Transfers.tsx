import { useState } from 'react';
import type { Transfer } from '@bursar/sdk';
import { money, time } from '../format.js';
import { usePagedList } from '../hooks.js';
import { Filters, ListTable, SelectFilter } from '../list.js';
import { PageHeader, useApp } from '../ui.js';

const directions = [
  ['outgoing', 'Outgoing'],
  ['incoming', 'Incoming'],
] as const;

/** Transfers between workspaces' wallets, in and out, newest first (read-only). */
export function Transfers() {
  const { client, session } = useApp();
  const [direction, setDirection] = useState<Transfer['direction'] | ''>('');
  const list = usePagedList((q) => client.transfers.list({ ...q, ...(direction ? { direction } : {}) }), [direction], { intervalMs: 10_000 });
  const outgoing = (t: Transfer) => t.direction === 'outgoing';
  return (
    <section>
      <PageHeader title="Transfers" />
      <p className="hint">Money moved between this workspace ({session.workspace_id}) and another, each side recorded in its own ledger.</p>
      <Filters>
        <SelectFilter label="Direction" value={direction} options={directions} onChange={setDirection} any="In and out" />
      </Filters>
      <ListTable
        list={list}
        what="load transfers"
        empty={`No transfer${direction ? ` ${direction}` : ''} yet. Send one with POST /v1/transfers.`}
        caption="Transfers, newest first"
        rowId="transfer"
        columns={[
          { header: 'When', title: (t) => t.id, cell: (t) => time(t.created_at) },
          { header: 'Direction', cell: (t) => t.direction },
          { header: 'Amount', className: (t) => `num ${outgoing(t) ? 'neg' : ''}`, cell: (t) => money(outgoing(t) ? -t.amount_cents : t.amount_cents, t.currency) },
          { header: 'Counterparty', cell: (t) => <code>{outgoing(t) ? t.to_workspace_id : t.from_workspace_id}</code> },
          { header: 'Description', cell: (t) => t.description },
        ]}
      />
    </section>
  );
}
