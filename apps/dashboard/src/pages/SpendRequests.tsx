import type { ListSpendParams, SpendStatus } from '@bursar/sdk';
import { collect } from '../api.js';
import { download, spendCsv } from '../csv.js';
import { money, parseAmount, preciseTime } from '../format.js';
import { useAction, useAgentNames, useLoad, usePagedList } from '../hooks.js';
import { Filters, ListTable, SearchFilter, SelectFilter } from '../list.js';
import { approvalPath, pathTo, useSearchParam } from '../router.js';
import { ActionError, AgentLink, Link, PageHeader, StatusBadge, useApp } from '../ui.js';

const statuses = ['needs_approval', 'approved', 'declined', 'completed', 'cancelled', 'failed', 'expired'] as const satisfies readonly SpendStatus[];

const isStatus = (s: string): s is SpendStatus => (statuses as readonly string[]).includes(s);
const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00`));

/** The start of a local calendar day (`2025-01-06` → its midnight here), as ISO; `days` later for the end of a range. */
function localMidnight(date: string, days = 0): string {
  const d = new Date(`${date}T00:00`);
  d.setDate(d.getDate() + days);
  return d.toISOString();
}

/** An amount bound typed in major units of `currency` (two decimals when none is chosen): minor units, or why not. */
function amountBound(text: string, currency: string): { cents?: number; error?: string } {
  const parsed = parseAmount(text, currency || 'usd');
  if ('error' in parsed) return { error: parsed.error };
  return parsed.cents === null ? {} : { cents: parsed.cents };
}

/** A date filter: a calendar day in the viewer's time zone. */
function DateFilter(props: { label: string; value: string; onChange: (v: string) => void }) {
  return (
    <label>
      {props.label}
      <input type="date" value={props.value} onChange={(e) => props.onChange(e.target.value)} />
    </label>
  );
}

/** An amount filter in major units, its error under it. */
function AmountFilter(props: { label: string; id: string; value: string; error: string | undefined; onChange: (v: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        inputMode="decimal"
        value={props.value}
        placeholder="e.g. 25.00"
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.error ? (
        <span id={`${props.id}-error`} className="field-error" role="alert">
          {props.error}
        </span>
      ) : null}
    </div>
  );
}

/**
 * Every spend request, newest first, filtered by status, agent, part of the merchant's name,
 * currency, creation day and amount; the filters live in the address, and the filtered list
 * exports as CSV.
 */
export function SpendRequests() {
  const { client } = useApp();
  const [statusParam, setStatus] = useSearchParam('status');
  const status = isStatus(statusParam) ? statusParam : '';
  const [agentId, setAgentId] = useSearchParam('agent_id');
  const [merchant, setMerchant] = useSearchParam('merchant');
  const [currency, setCurrency] = useSearchParam('currency');
  const [from, setFrom] = useSearchParam('from');
  const [to, setTo] = useSearchParam('to');
  const [min, setMin] = useSearchParam('min');
  const [max, setMax] = useSearchParam('max');
  const agents = useAgentNames();
  const wallets = useLoad(() => client.wallets.list({ limit: 100 }), []);
  const currencies = [...new Set((wallets.data?.data ?? []).map((w) => w.currency))].sort();
  const minBound = amountBound(min, currency);
  const maxBound = amountBound(max, currency);

  const filters: ListSpendParams = {
    ...(status ? { status } : {}),
    ...(agentId ? { agent_id: agentId } : {}),
    ...(merchant.trim() ? { merchant_contains: merchant.trim() } : {}),
    ...(currency ? { currency } : {}),
    ...(isDate(from) ? { created_after: localMidnight(from) } : {}),
    ...(isDate(to) ? { created_before: localMidnight(to, 1) } : {}),
    ...(minBound.cents !== undefined ? { min_amount_cents: minBound.cents } : {}),
    ...(maxBound.cents !== undefined ? { max_amount_cents: maxBound.cents } : {}),
  };
  const key = JSON.stringify(filters);
  const list = usePagedList((q) => client.spendRequests.list({ ...q, ...filters }), [key], { limit: 50 });
  const exporting = useAction();

  async function exportCsv() {
    await exporting.run(
      async () => {
        const all = await collect((q) => client.spendRequests.list({ ...q, ...filters }), 10_000);
        download(`bursar-spend-requests-${new Date().toISOString().slice(0, 10)}.csv`, spendCsv(all, agents.name));
      },
      { failure: 'export the spend requests' },
    );
  }

  return (
    <section>
      <PageHeader title="Spend requests">
        <button type="button" onClick={exportCsv} disabled={exporting.busy !== undefined}>
          {exporting.busy ? 'Exporting…' : 'Export CSV'}
        </button>
      </PageHeader>
      <ActionError message={exporting.error} />
      <Filters>
        <SelectFilter label="Status" value={status} options={statuses} onChange={setStatus} />
        <SelectFilter label="Agent" value={agentId} options={agents.agents.map((a) => [a.id, a.name] as const)} onChange={setAgentId} />
        <SearchFilter label="Merchant" value={merchant} onChange={setMerchant} placeholder="part of the name, e.g. openai" />
        <SelectFilter label="Currency" value={currency} options={currencies.map((c) => [c, c.toUpperCase()] as const)} onChange={setCurrency} />
        <DateFilter label="Created from" value={from} onChange={setFrom} />
        <DateFilter label="Created to" value={to} onChange={setTo} />
        <AmountFilter label={`Min amount${currency ? ` (${currency.toUpperCase()})` : ''}`} id="min-amount" value={min} error={minBound.error} onChange={setMin} />
        <AmountFilter label={`Max amount${currency ? ` (${currency.toUpperCase()})` : ''}`} id="max-amount" value={max} error={maxBound.error} onChange={setMax} />
      </Filters>
      <ListTable
        list={list}
        what="load spend requests"
        empty="No spend request matches. Clear a filter, or wait for an agent to ask."
        caption="Spend requests, newest first"
        columns={[
          {
            header: 'Created',
            cell: (s) => (
              <Link to={pathTo('/spend-requests', s.id)} aria-label={`${s.merchant_name}, ${money(s.amount_cents, s.currency)}, ${preciseTime(s.created_at)}: details`}>
                <time dateTime={s.created_at}>{preciseTime(s.created_at)}</time>
              </Link>
            ),
          },
          {
            header: 'Status',
            cell: (s) =>
              s.status === 'needs_approval' ? (
                <Link to={approvalPath(s.id)}>
                  <StatusBadge status={s.status} />
                </Link>
              ) : (
                <StatusBadge status={s.status} />
              ),
          },
          {
            header: 'Amount',
            className: 'num',
            cell: (s) => (
              <>
                {money(s.amount_cents, s.currency)}
                {s.captured_amount_cents === null ? null : <div className="hint" data-captured>captured {money(s.captured_amount_cents, s.currency)}</div>}
              </>
            ),
          },
          { header: 'Merchant', cell: (s) => s.merchant_name },
          { header: 'Agent', cell: (s) => <AgentLink id={s.agent_id} name={agents.name(s.agent_id)} /> },
          { header: 'Reason', cell: (s) => s.reason },
          { header: 'Decision', cell: (s) => s.decision_reason },
        ]}
      />
    </section>
  );
}
