import { useEffect, useRef, useState, type FormEvent } from 'react';
import { BursarApiError, newIdempotencyKey, type Transfer, type Wallet } from '@bursar/sdk';
import { amountPlaceholder, fieldError, money, parseAmount, refusedField, sentence, time } from '../format.js';
import { useLoad, usePagedList } from '../hooks.js';
import { Filters, ListTable, SelectFilter } from '../list.js';
import { ActionError, Empty, Field, PageHeader, useApp } from '../ui.js';

const directions = [
  ['outgoing', 'Outgoing'],
  ['incoming', 'Incoming'],
] as const;

/** The fields of a transfer, named as the API names them (a refusal's `field` lands on its own). */
type TransferField = 'to_workspace_id' | 'amount_cents' | 'currency' | 'description';
const transferFields: TransferField[] = ['to_workspace_id', 'amount_cents', 'currency', 'description'];

/**
 * Sends money from one of this workspace's wallets to another workspace: checked as typed,
 * confirmed once more (the money leaves at once), then refused or sent by the server.
 */
function SendTransfer(props: { wallets: readonly Wallet[]; onSent: () => void; onRefused: () => void }) {
  const { client, session } = useApp();
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('');
  const [description, setDescription] = useState('');
  const [touched, setTouched] = useState<Partial<Record<TransferField, boolean>>>({});
  const [serverError, setServerError] = useState<{ field?: string; message: string }>();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<string>();
  // One key per transfer the operator means to send: sending it again after a failure (a lost
  // answer, say) reuses it, so the server moves the money at most once; any edit is another transfer.
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const reviewButton = useRef<HTMLButtonElement>(null);
  const focusNext = useRef<TransferField | 'review'>(undefined);

  const wallet = props.wallets.find((w) => w.currency === currency) ?? props.wallets[0];
  const cur = wallet?.currency ?? 'usd';
  const parsed = parseAmount(amount, cur);
  const cents = 'cents' in parsed ? parsed.cents : null;
  const target = to.trim();

  // What the form itself can tell, then what the server refused (until the field changes).
  const checks: Partial<Record<TransferField, string>> = {
    to_workspace_id:
      target === ''
        ? 'Enter the id of the workspace to pay, e.g. ws_….'
        : target === session.workspace_id
          ? 'That is this workspace: a transfer goes to another one.'
          : target.length > 64
            ? 'Must be at most 64 characters.'
            : undefined,
    amount_cents:
      'error' in parsed
        ? parsed.error
        : cents === null
          ? 'Enter the amount to send, e.g. 12.50.'
          : cents === 0
            ? 'Must be more than zero.'
            : wallet && cents > wallet.available_cents
              ? `More than the ${money(wallet.available_cents, cur)} available in the ${cur.toUpperCase()} wallet.`
              : undefined,
    currency: wallet ? undefined : 'This workspace has no wallet to send from.',
    description: description.trim() === '' ? 'Say what the money is for; both workspaces see it.' : description.trim().length > 500 ? 'Must be at most 500 characters.' : undefined,
  };
  const refused = refusedField(serverError, transferFields);
  const errors = { ...checks };
  if (refused) errors[refused] = sentence(serverError!.message);
  const shown = (k: TransferField) => (touched[k] || refused === k ? errors[k] : undefined);

  function edit(k: TransferField, set: (v: string) => void) {
    return (e: { target: { value: string } }) => {
      set(e.target.value);
      setSent(undefined);
      setIdempotencyKey(newIdempotencyKey());
      if (refused === k || (refused === undefined && serverError)) setServerError(undefined);
    };
  }
  // Leaving a field empty is said only when the form is sent: an error appearing on the way to
  // the button would move the button from under the pointer.
  const blur = (k: TransferField) => (e: { target: { value: string } }) => {
    if (e.target.value.trim() !== '') setTouched((t) => ({ ...t, [k]: true }));
  };
  const focus = (k: TransferField) => document.getElementById(`transfer-${k}`)?.focus();

  useEffect(() => {
    // Once the form is editable again: the field the server refused, or the button that led to the confirmation.
    const next = focusNext.current;
    if (confirming || busy || !next) return;
    focusNext.current = undefined;
    if (next === 'review') reviewButton.current?.focus();
    else focus(next);
  }, [confirming, busy]);

  function review(e: FormEvent) {
    e.preventDefault();
    setSent(undefined);
    setServerError(undefined);
    setTouched(Object.fromEntries(transferFields.map((k) => [k, true])));
    // The server judges again on every send: its earlier refusal gives way to the checks here.
    const firstBad = transferFields.find((k) => checks[k]);
    if (firstBad) {
      focus(firstBad);
      return;
    }
    setConfirming(true);
  }

  function back() {
    focusNext.current = 'review';
    setConfirming(false);
  }

  async function send() {
    if (!wallet || cents === null) return;
    setBusy(true);
    try {
      const t = await client.transfers.create({ to_workspace_id: target, amount_cents: cents, currency: cur, description: description.trim() }, { idempotencyKey });
      setSent(`Sent ${money(t.amount_cents, t.currency)} to ${t.to_workspace_id}.`);
      setTo('');
      setAmount('');
      setDescription('');
      setTouched({});
      setIdempotencyKey(newIdempotencyKey());
      focusNext.current = 'review';
      props.onSent();
    } catch (err) {
      if (err instanceof BursarApiError && err.code === 'funding_source_budget_exceeded') {
        // The balance shown here was stale: say what there is, and load it again.
        const available = typeof err.body.available_cents === 'number' ? err.body.available_cents : undefined;
        setServerError({
          field: 'amount_cents',
          message: `Not enough money: the ${cur.toUpperCase()} wallet has ${available === undefined ? 'less than that' : money(available, cur)} available. Nothing was sent.`,
        });
        props.onRefused();
        focusNext.current = 'amount_cents';
      } else {
        const e = fieldError(err);
        setServerError(e);
        focusNext.current = refusedField(e, transferFields) ?? 'review';
      }
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  const sum = cents === null ? '' : money(cents, cur);
  return (
    <form className="card send-transfer" onSubmit={review} noValidate aria-labelledby="send-transfer-title">
      <h2 id="send-transfer-title">Send a transfer</h2>
      <fieldset disabled={confirming || busy}>
        <div className="grid-3">
          <Field id="transfer-to_workspace_id" label="To workspace" hint="The id of the receiving workspace (it starts with ws_)." error={shown('to_workspace_id')}>
            {(c) => (
              <input {...c} value={to} autoComplete="off" spellCheck={false} placeholder="ws_…" onChange={edit('to_workspace_id', setTo)} onBlur={blur('to_workspace_id')} />
            )}
          </Field>
          <Field id="transfer-currency" label="Currency" hint="Sent from this workspace's wallet in it." error={shown('currency')}>
            {(c) => (
              <select {...c} value={cur} onChange={edit('currency', setCurrency)}>
                {props.wallets.map((w) => (
                  <option key={w.id} value={w.currency}>
                    {w.currency.toUpperCase()}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="transfer-amount_cents" label="Amount" hint={wallet ? `${money(wallet.available_cents, cur)} available.` : undefined} error={shown('amount_cents')}>
            {(c) => (
              <div className="input-row">
                <span className="unit" aria-hidden="true">
                  {cur.toUpperCase()}
                </span>
                <input {...c} value={amount} inputMode="decimal" autoComplete="off" placeholder={amountPlaceholder(12, cur)} onChange={edit('amount_cents', setAmount)} onBlur={blur('amount_cents')} />
              </div>
            )}
          </Field>
        </div>
        <Field id="transfer-description" label="Description" hint="What the money is for; both workspaces see it." error={shown('description')}>
          {(c) => (
            <input {...c} value={description} maxLength={600} autoComplete="off" placeholder="Monthly budget" onChange={edit('description', setDescription)} onBlur={blur('description')} />
          )}
        </Field>
      </fieldset>
      <ActionError message={serverError && !refused ? serverError.message : undefined} />
      {sent ? (
        <p role="status" className="alert ok">
          {sent}
        </p>
      ) : null}
      {confirming ? (
        <div
          className="alert warn send-confirm"
          role="group"
          aria-labelledby="transfer-confirm-question"
          onKeyDown={(e) => {
            if (e.key === 'Escape') back();
          }}
        >
          <p id="transfer-confirm-question">
            Send <strong>{sum}</strong> to <code>{target}</code>?
          </p>
          <p className="hint">The money leaves this workspace's {cur.toUpperCase()} wallet at once; only the other workspace can send it back.</p>
          <div className="buttons">
            <button type="button" className="primary" autoFocus disabled={busy} onClick={() => void send()}>
              {busy ? 'Sending…' : `Send ${sum}`}
            </button>
            <button type="button" disabled={busy} onClick={back}>
              Back
            </button>
          </div>
        </div>
      ) : (
        <div className="buttons">
          <button ref={reviewButton} type="submit" className="primary" disabled={!wallet}>
            Review transfer
          </button>
        </div>
      )}
    </form>
  );
}

/** Transfers between workspaces' wallets, in and out, newest first; and a form to send one. */
export function Transfers() {
  const { client, session } = useApp();
  const [direction, setDirection] = useState<Transfer['direction'] | ''>('');
  const list = usePagedList((q) => client.transfers.list({ ...q, ...(direction ? { direction } : {}) }), [direction], { intervalMs: 10_000 });
  const wallets = useLoad(() => client.wallets.list({ limit: 100 }), []);
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
        empty={`No transfer${direction ? ` ${direction}` : ''} yet.${direction === 'incoming' ? '' : ' Send one below.'}`}
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

      {wallets.data && wallets.data.data.length === 0 ? <Empty>This workspace has no wallet to send from.</Empty> : null}
      {wallets.data && wallets.data.data.length > 0 ? (
        <SendTransfer
          wallets={wallets.data.data}
          onSent={() => {
            void list.reload();
            void wallets.reload();
          }}
          onRefused={() => void wallets.reload()}
        />
      ) : null}
    </section>
  );
}
