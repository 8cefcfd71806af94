import type { BursarEvent } from '@bursar/sdk';
import { money, preciseTime, time } from '../format.js';
import { useAgent, useLoad } from '../hooks.js';
import { ListView, Table } from '../list.js';
import { approvalPath, pathTo } from '../router.js';
import { AgentLink, DetailPage, Link, useApp } from '../ui.js';

/** What an event says, in a few words: its object's status and amount where it has them. */
function eventSummary(e: BursarEvent): string {
  const o = e.data.object;
  const parts: string[] = [];
  if (typeof o.status === 'string') parts.push(o.status.replace(/_/g, ' '));
  if (typeof o.note === 'string' && o.note) parts.push(`“${o.note}”`);
  const decision = ['spend_request.approved', 'spend_request.declined', 'spend_request.needs_approval'].includes(e.type);
  if (typeof o.decision_reason === 'string' && decision) parts.push(o.decision_reason);
  if (typeof o.captured_amount_cents === 'number' && typeof o.currency === 'string') parts.push(`captured ${money(o.captured_amount_cents, o.currency)}`);
  if (o.override_budget === true) parts.push('budget overridden');
  return parts.join(' · ');
}

/** One spend request: its facts, the timeline of its events (and its approval's), and its ledger postings. */
export function SpendRequestDetail(props: { id: string }) {
  const { client } = useApp();
  const spend = useLoad(() => client.spendRequests.get(props.id), [props.id], 5000);
  const approvalId = spend.data?.approval_id ?? null;
  const events = useLoad(
    async () => {
      const [own, approval] = await Promise.all([
        client.events.list({ object_id: props.id, limit: 100 }),
        approvalId ? client.events.list({ object_id: approvalId, limit: 100 }) : Promise.resolve({ data: [] as BursarEvent[] }),
      ]);
      return [...own.data, ...approval.data].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1));
    },
    [props.id, approvalId],
    5000,
  );
  const ledger = useLoad(() => client.ledger.transactions({ spend_request_id: props.id, limit: 100 }), [props.id], 5000);
  const s = spend.data;
  const agent = useAgent(s?.agent_id);
  const policy = useLoad(async () => (s ? client.policies.get(s.policy_id) : null), [s?.policy_id]);

  return (
    <DetailPage
      back="/spend-requests"
      title={s ? `${money(s.amount_cents, s.currency)} at ${s.merchant_name}` : 'Spend request'}
      status={s?.status}
      error={spend.error}
      what={`load spend request ${props.id}`}
      facts={
        s && [
          ['Id', <code key="id">{s.id}</code>],
          ['Agent', <AgentLink key="agent" id={s.agent_id} name={agent?.name} />],
          ['Policy', <Link key="p" to={pathTo('/policies', s.policy_id)}>{policy.data?.name ?? s.policy_id}</Link>],
          ['Reason', s.reason],
          ['Category', s.category],
          ['Decision', <span key="d">{s.decision_reason} <code className="hint">{s.decision_code}</code></span>],
          s.violations.length > 1 && ['Also violated', s.violations.slice(1).map((v) => v.message).join('; ')],
          ['Remaining budget', s.remaining_budget_cents === null ? 'no limit' : `${money(s.remaining_budget_cents, s.currency)}${s.budget_period ? ` (${s.budget_period})` : ''}`],
          ['Captured', s.captured_amount_cents === null ? null : `${money(s.captured_amount_cents, s.currency)} of ${money(s.amount_cents, s.currency)} requested`],
          ['Authorization token', s.authorization_token ? 'issued (signed, verifiable offline)' : 'none'],
          ['Created', preciseTime(s.created_at)],
          ['Decided', preciseTime(s.decided_at)],
          ['Hold expires', s.expires_at ? time(s.expires_at) : null],
          s.status === 'needs_approval' && ['Approval', <Link key="a" to={approvalPath(s.id)}>Decide now</Link>],
        ]
      }
    >
      <h2 id="timeline-title">Timeline</h2>
      <ListView list={{ rows: events.data, error: events.error }} what="load its events" empty="No event recorded for this request yet.">
        {(rows) => (
          <ol className="timeline" aria-labelledby="timeline-title">
            {rows.map((e) => (
              <li key={e.id} data-event-type={e.type}>
                <time dateTime={e.created_at}>{preciseTime(e.created_at)}</time>
                <code>{e.type}</code>
                <span>{eventSummary(e)}</span>
              </li>
            ))}
          </ol>
        )}
      </ListView>

      <h2>Ledger postings</h2>
      <ListView
        list={{ rows: ledger.data?.data, error: ledger.error }}
        what="load its ledger postings"
        empty="No money moved for this request (nothing was held or captured)."
      >
        {(txns) => (
          // Stacked at phone width (nothing to scroll sideways): a transaction's When and Type head its first posting only.
          <Table caption="Ledger transactions of this request" headers={['When', 'Type', 'Account', 'Amount']} className="stack">
            {[...txns].reverse().flatMap((t) =>
              t.postings.map((p, i) => (
                <tr key={`${t.id}-${i}`} role="row">
                  <td role="cell" data-label="When">{i === 0 ? <div className="cell">{preciseTime(t.created_at)}</div> : null}</td>
                  <td role="cell" data-label="Type">{i === 0 ? <div className="cell">{t.type}</div> : null}</td>
                  <td role="cell" data-label="Account" className="account">
                    <div className="cell">{p.account}</div>
                  </td>
                  <td role="cell" data-label="Amount" className={`num ${p.amount_cents < 0 ? 'neg' : ''}`}>
                    <div className="cell">{money(p.amount_cents, p.currency)}</div>
                  </td>
                </tr>
              )),
            )}
          </Table>
        )}
      </ListView>
    </DetailPage>
  );
}
