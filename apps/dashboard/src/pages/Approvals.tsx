import { useEffect, useState } from 'react';
import { BursarApiError, type Approval } from '@bursar/sdk';
import { describeError, money, relative, time } from '../format.js';
import { useKeyNames, useLoad, usePagedList } from '../hooks.js';
import { Filters, ListTable, SelectFilter } from '../list.js';
import { pathTo, useLocation, useSearchParam } from '../router.js';
import { ActionError, AgentLink, ConfirmDialog, Empty, ErrorNote, Link, PageHeader, StatusBadge, useApp } from '../ui.js';

const POLL_MS = 3000;

// Characters that show as nothing: the server flags them as hidden_characters.
const HIDDEN = /[\p{Default_Ignorable_Code_Point}\u0080-\u009f]/u;
const codePoint = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * A merchant name as received. When the server flagged it, hidden characters are written out as
 * `<U+200B>` and every character outside ASCII is marked, with its code point as its title, so
 * `a\u200bws` or a Cyrillic `о` in `оpenai` cannot pass for the name it imitates.
 */
function MerchantName(props: { name: string; flagged: boolean }) {
  if (!props.flagged) return <span className="merchant">{props.name}</span>;
  return (
    <span className="merchant">
      {[...props.name].map((c, i) =>
        HIDDEN.test(c) ? (
          <code key={i}>&lt;{codePoint(c)}&gt;</code>
        ) : c.charCodeAt(0) > 0x7f ? (
          <mark key={i} title={codePoint(c)}>
            {c}
          </mark>
        ) : (
          c
        ),
      )}
    </span>
  );
}

const flagWords: Record<NonNullable<Approval['merchant_name_flags']>[number], string> = {
  hidden_characters: 'characters that show as nothing (written out as <U+…>)',
  mixed_scripts: 'letters of scripts not written together',
  lookalike_characters: 'letters that only look like plain ones',
};

/** Says in words what the marks in the name mean: not colour alone. */
function MerchantNameWarning(props: { approval: Approval }) {
  const flags = props.approval.merchant_name_flags ?? [];
  if (flags.length === 0) return null;
  const marked = [...new Set([...props.approval.merchant_name].filter((c) => c.charCodeAt(0) > 0x7f).map(codePoint))];
  return (
    <p className="alert warn" data-testid="merchant-name-warning">
      <strong>⚠ Merchant name contains hidden or look-alike characters:</strong> {flags.map((f) => flagWords[f]).join('; ')}.
      {marked.length > 0 ? ` Characters outside plain ASCII: ${marked.join(', ')}.` : ''} Policy merchant lists matched the name it reads as.
    </p>
  );
}

/**
 * A policy that asks several operators: how many approved of how many, who (the signed-in key is
 * "you"), and what is left to do. Nothing when one approval decides.
 */
function Quorum(props: { approval: Approval }) {
  const who = useKeyNames({ you: true });
  const a = props.approval;
  if (a.approvals_required <= 1 && a.approvals.length <= 1) return null;
  return (
    <>
      <dt>Approvals</dt>
      <dd data-testid="quorum">
        <strong>
          {a.approvals.length} of {a.approvals_required} approvals
        </strong>
        {a.approvals.length > 0 ? (
          <ul className="approvers">
            {a.approvals.map((v) => (
              <li key={v.by}>
                {who(v.by)} · {time(v.at)}
                {v.note ? ` — “${v.note}”` : ''}
              </li>
            ))}
          </ul>
        ) : null}
      </dd>
    </>
  );
}

/** "$120.00 spent + $400.00 held of $500.00 (monthly budget)": the budget a request is judged against, in words. */
function budgetWords(b: NonNullable<Approval['budget']>, currency: string): string {
  const which = b.lease_id ? 'budget lease' : `${b.period} budget`;
  return `${money(b.spent_cents, currency)} spent + ${money(b.held_cents, currency)} held of ${money(b.limit_cents, currency)} (${which})`;
}

/** The figure a decided approval was decided with: "over the monthly budget by $60.00 (overridden)", or that it fitted. */
function figureWords(a: Approval): string {
  if (!a.budget) return a.status === 'expired' ? '—' : 'no limited budget';
  if (a.budget.exceeds_by_cents === 0) return `within budget: ${budgetWords(a.budget, a.currency)}`;
  return `over by ${money(a.budget.exceeds_by_cents, a.currency)}${a.override_budget ? ' (overridden)' : ''}: ${budgetWords(a.budget, a.currency)}`;
}

/**
 * One approval with its decision controls: approve or decline with a note. Over budget, Approve
 * first asks the server for the approval again (another approval under the same budget may have
 * moved the figure since this card loaded), then asks for an explicit, audited override in a
 * dialog that shows the figure just fetched.
 */
function Decision(props: { approval: Approval; onDecided: () => void; focused?: boolean }) {
  const { client, session } = useApp();
  const a = props.approval;
  const [note, setNote] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [overrun, setOverrun] = useState(a.exceeds_budget_by_cents);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // A refreshed list (the queue polls) brings the server's newer figure.
  useEffect(() => setOverrun(a.exceeds_budget_by_cents), [a.exceeds_budget_by_cents]);
  const pending = a.status === 'pending';
  const overBudget = overrun > 0;
  // Distinct operators: this key has had its say; another operator finishes (or anyone declines).
  const approvedByMe = a.approvals.some((v) => v.by === session.key_id);
  const lastApproval = a.approvals.length + 1 >= a.approvals_required;
  const noteId = `note-${a.id}`;

  async function decide(kind: 'approve' | 'decline', override = false) {
    setBusy(true);
    setError(undefined);
    try {
      const input = note.trim() === '' ? {} : { note: note.trim() };
      if (kind === 'approve') await client.approvals.approve(a.id, override ? { ...input, override_budget: true } : input);
      else await client.approvals.decline(a.id, input);
      props.onDecided();
    } catch (err) {
      if (err instanceof BursarApiError && err.code === 'budget_exceeded') {
        // The budget moved again since the dialog: show the new figure; Approve asks once more.
        const by = Number(err.body.exceeds_budget_by_cents ?? 0);
        setOverrun(by > 0 ? by : 1);
      }
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  /** Approve: with the figure the server computes now; over budget, only after the dialog. */
  async function approve() {
    setBusy(true);
    setError(undefined);
    let fresh: Approval;
    try {
      fresh = await client.approvals.get(a.id);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
      return;
    }
    setBusy(false);
    setOverrun(fresh.exceeds_budget_by_cents);
    if (fresh.status !== 'pending') {
      setError(`This approval is already ${fresh.status}.`);
      props.onDecided();
    } else if (fresh.exceeds_budget_by_cents > 0 && fresh.approvals.length + 1 >= fresh.approvals_required) setConfirming(true);
    else await decide('approve');
  }

  return (
    <article className={`card approval${props.focused ? ' focused' : ''}`} aria-labelledby={`title-${a.id}`} data-spend-request={a.spend_request_id}>
      <header className="approval-head">
        <h2 id={`title-${a.id}`}>
          <span className="amount">{money(a.amount_cents, a.currency)}</span> at{' '}
          <MerchantName name={a.merchant_name} flagged={(a.merchant_name_flags ?? []).length > 0} />
        </h2>
        <StatusBadge status={a.status} />
      </header>
      <MerchantNameWarning approval={a} />
      <dl className="facts">
        <dt>Agent</dt>
        <dd>
          <AgentLink id={a.agent_id} name={a.agent_name} />
        </dd>
        <dt>Reason</dt>
        <dd>{a.reason}</dd>
        <dt>Why it waits</dt>
        <dd>{a.decision_reason}</dd>
        <dt>Requested</dt>
        <dd>{time(a.created_at)}</dd>
        {a.budget ? (
          <>
            <dt>{pending ? 'Budget now' : 'Budget at the decision'}</dt>
            <dd data-testid="budget-figure">{budgetWords(a.budget, a.currency)}</dd>
          </>
        ) : null}
        <Quorum approval={a} />
        {pending ? (
          <>
            <dt>Expires</dt>
            <dd>
              {time(a.expires_at)} ({relative(a.expires_at)})
            </dd>
          </>
        ) : (
          <>
            <dt>Decided</dt>
            <dd>
              {time(a.decided_at)}
              {a.note ? ` — “${a.note}”` : ''}
              {a.override_budget ? ' (budget overridden)' : ''}
            </dd>
          </>
        )}
      </dl>
      {pending && approvedByMe ? (
        <p className="alert" role="status">
          You approved this request. It needs {a.approvals_required - a.approvals.length} more approval
          {a.approvals_required - a.approvals.length === 1 ? '' : 's'} from another operator; you can still decline it.
        </p>
      ) : null}
      {pending && overBudget && !approvedByMe ? (
        <p className="alert warn">
          Exceeds the {a.budget_period ?? ''} budget by <strong>{money(overrun, a.currency)}</strong>.{' '}
          {lastApproval ? 'Approving needs a budget override.' : 'The last approval will need a budget override.'}
        </p>
      ) : null}
      {pending ? (
        <div className="decide">
          <label htmlFor={noteId}>Note (optional, kept with the decision)</label>
          <textarea id={noteId} rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
          <ActionError message={error} />
          <div className="buttons">
            {approvedByMe ? null : (
              <button type="button" className="primary" disabled={busy} onClick={() => void approve()}>
                {overBudget && lastApproval ? 'Approve over budget' : lastApproval ? 'Approve' : `Approve (${a.approvals.length + 1} of ${a.approvals_required})`}
              </button>
            )}
            <button type="button" className="danger" disabled={busy} onClick={() => decide('decline')}>
              Decline
            </button>
          </div>
        </div>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={`Approve ${money(a.amount_cents, a.currency)} over budget?`}
          confirmLabel="Approve over budget"
          onConfirm={() => decide('approve', true)}
          onClose={() => setConfirming(false)}
        >
          <p data-testid="override-figure">
            As of now, approving {money(a.amount_cents, a.currency)} at <MerchantName name={a.merchant_name} flagged={(a.merchant_name_flags ?? []).length > 0} /> exceeds the {a.budget_period ? `${a.budget_period} ` : ''}budget by{' '}
            <strong>{money(overrun, a.currency)}</strong>.
          </p>
          <p>The override is audited.</p>
        </ConfirmDialog>
      ) : null}
    </article>
  );
}

/** The approval an approval_url points at (`/approvals?spend_request_id=req_…`), whatever its status. */
function Linked(props: { spendRequestId: string; onDecided: () => void }) {
  const { client } = useApp();
  const linked = useLoad(
    async () => {
      const spend = await client.spendRequests.get(props.spendRequestId);
      return spend.approval_id ? client.approvals.get(spend.approval_id) : null;
    },
    [props.spendRequestId],
  );
  if (linked.error) return <ErrorNote error={linked.error} what={`load spend request ${props.spendRequestId}`} />;
  if (linked.loading) return <p aria-busy="true">Loading {props.spendRequestId}…</p>;
  if (!linked.data) return <Empty>Spend request {props.spendRequestId} never needed an approval.</Empty>;
  return (
    <section aria-label="Linked request">
      <Decision
        approval={linked.data}
        focused
        onDecided={() => {
          void linked.reload();
          props.onDecided();
        }}
      />
      <p>
        <Link to="/approvals">Show the whole queue</Link>
      </p>
    </section>
  );
}

const decidedStatuses = ['approved', 'declined', 'expired'] as const;
type Decided = (typeof decidedStatuses)[number];

/**
 * Decided approvals, newest first: who decided, when, and the budget figure the server computed
 * at that moment (what an override went over by), kept whatever the budget did since.
 */
function History(props: { decisions: number }) {
  const { client } = useApp();
  const [param, setParam] = useSearchParam('history');
  const status: Decided = (decidedStatuses as readonly string[]).includes(param) ? (param as Decided) : 'approved';
  // Reloaded after each decision made on this page.
  const list = usePagedList((q) => client.approvals.list({ ...q, status }), [status, props.decisions], { limit: 25 });
  const who = useKeyNames({ you: true });
  return (
    <section aria-labelledby="approval-history-title">
      <h2 id="approval-history-title">History</h2>
      <Filters>
        <SelectFilter
          label="Decision"
          value={status}
          any={null}
          options={decidedStatuses}
          onChange={(v) => setParam(v === 'approved' ? '' : v)}
        />
      </Filters>
      <ListTable
        list={list}
        what="load decided approvals"
        empty={`No ${status} approval yet.`}
        caption={`Approvals ${status}, newest first`}
        rowId="approval"
        columns={[
          { header: 'Request', title: (a) => a.id, cell: (a) => <Link to={pathTo('/spend-requests', a.spend_request_id)}>{`${money(a.amount_cents, a.currency)} at ${a.merchant_name}`}</Link> },
          { header: 'Agent', cell: (a) => <AgentLink id={a.agent_id} name={a.agent_name} /> },
          { header: 'Decided', cell: (a) => time(a.decided_at) },
          {
            header: 'By',
            cell: (a) =>
              a.status === 'expired' ? 'nobody in time' : a.approvals.length > 1 ? a.approvals.map((v) => who(v.by)).join(', ') : a.decided_by ? who(a.decided_by) : 'Bursar',
          },
          { header: 'Budget figure', cell: (a) => figureWords(a) },
          { header: 'Note', cell: (a) => a.note ?? '—' },
        ]}
      />
    </section>
  );
}

export function Approvals() {
  const { client } = useApp();
  const location = useLocation();
  const linkedId = location.searchParams.get('spend_request_id');
  const queue = useLoad(() => client.approvals.list({ status: 'pending', limit: 100 }), [], POLL_MS);
  const others = (queue.data?.data ?? []).filter((a) => a.spend_request_id !== linkedId);
  const [decisions, setDecisions] = useState(0);
  const decided = () => {
    setDecisions((n) => n + 1);
    void queue.reload();
  };

  return (
    <section>
      <PageHeader title="Approvals">
        <span className="hint" aria-live="polite">
          {queue.data ? `${queue.data.data.length} waiting · refreshes every few seconds` : ''}
        </span>
      </PageHeader>
      {linkedId ? <Linked spendRequestId={linkedId} onDecided={decided} /> : null}
      <ErrorNote error={queue.error} what="load the approval queue" />
      {queue.loading && !queue.data ? <p aria-busy="true">Loading the queue…</p> : null}
      {queue.data && others.length === 0 ? (
        <Empty>{linkedId ? 'Nothing else waits for a decision.' : 'Nothing waits for a decision.'} Requests over a policy's approval threshold appear here as soon as an agent makes them.</Empty>
      ) : null}
      <div className="approval-list">
        {others.map((a) => (
          <Decision key={a.id} approval={a} onDecided={decided} />
        ))}
      </div>
      <History decisions={decisions} />
    </section>
  );
}
