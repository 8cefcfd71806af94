import { useState, type FormEvent } from 'react';
import type { Agent } from '@bursar/sdk';
import { collect, type BudgetLease } from '../api.js';
import { describeError, money, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { treeOrder } from '../tree.js';
import { ActionError, ConfirmButton, Empty, ErrorNote, PageHeader, StatusBadge, useApp, useControl } from '../ui.js';

/** A new agent under a policy, optionally the child of another. */
function CreateAgent(props: { agents: readonly Agent[]; policies: ReadonlyArray<{ id: string; name: string }>; onCreated: () => void }) {
  const { client } = useApp();
  const [name, setName] = useState('');
  const [policyId, setPolicyId] = useState('');
  const [parentId, setParentId] = useState('');
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<string>();
  const chosenPolicy = policyId || props.policies[0]?.id || '';
  const nameError = name.trim() === '' ? 'Give the agent a name, e.g. research-bot.' : name.trim().length > 200 ? 'Must be at most 200 characters.' : undefined;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    setCreated(undefined);
    if (nameError || !chosenPolicy) {
      document.getElementById('agent-name')?.focus();
      return;
    }
    setError(undefined);
    try {
      const a = await client.agents.create({ name: name.trim(), policy_id: chosenPolicy, ...(parentId ? { parent_agent_id: parentId } : {}) });
      setName('');
      setTouched(false);
      setCreated(`Created ${a.name}. Give it a spending key on the Keys page.`);
      props.onCreated();
    } catch (err) {
      setError(describeError(err));
    }
  }

  return (
    <form className="card create-agent" onSubmit={submit} noValidate aria-labelledby="create-agent-title">
      <h2 id="create-agent-title">New agent</h2>
      <div className="grid-3">
        <div className={`field${touched && nameError ? ' invalid' : ''}`}>
          <label htmlFor="agent-name">Name</label>
          <input
            id="agent-name"
            value={name}
            maxLength={300}
            placeholder="research-bot"
            aria-invalid={touched && nameError ? true : undefined}
            aria-describedby={touched && nameError ? 'agent-name-error' : undefined}
            onChange={(e) => setName(e.target.value)}
            onBlur={() => setTouched(true)}
          />
          {touched && nameError ? (
            <span className="field-error" id="agent-name-error" role="alert">
              {nameError}
            </span>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="agent-policy">Policy</label>
          <select id="agent-policy" value={chosenPolicy} onChange={(e) => setPolicyId(e.target.value)}>
            {props.policies.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="agent-parent">Parent agent (optional)</label>
          <select id="agent-parent" value={parentId} onChange={(e) => setParentId(e.target.value)}>
            <option value="">None</option>
            {props.agents
              .filter((a) => a.status !== 'revoked')
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
          </select>
        </div>
      </div>
      <ActionError message={error} />
      {created ? (
        <p role="status" className="alert ok">
          {created}
        </p>
      ) : null}
      <div className="buttons">
        <button type="submit" className="primary" disabled={!chosenPolicy}>
          Create agent
        </button>
      </div>
    </form>
  );
}

/** Agents as a parent/child tree with their budget leases; pause, resume and revoke in one click each. */
export function Agents() {
  const { client } = useApp();
  const control = useControl();
  const agents = useLoad(() => collect((q) => client.agents.list(q), 1000), [], 10_000);
  const leases = useLoad(() => collect((q) => control.leases.list(q), 1000), [], 10_000);
  const policies = useLoad(() => client.policies.list({ limit: 100 }), []);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const policyName = new Map((policies.data?.data ?? []).map((p) => [p.id, p.name]));
  const name = new Map((agents.data ?? []).map((a) => [a.id, a.name]));
  const activeLease = new Map<string, BudgetLease>();
  for (const l of leases.data ?? []) if (l.status === 'active' && !activeLease.has(l.child_agent_id)) activeLease.set(l.child_agent_id, l);

  async function act(agent: Agent, action: 'pause' | 'resume' | 'revoke') {
    setBusy(agent.id);
    setError(undefined);
    try {
      await client.agents[action](agent.id);
      await agents.reload();
    } catch (err) {
      setError(`Could not ${action} ${agent.name}: ${describeError(err)}`);
    } finally {
      setBusy(undefined);
    }
  }

  async function release(l: BudgetLease) {
    setError(undefined);
    try {
      await control.leases.release(l.id);
      await leases.reload();
    } catch (err) {
      setError(`Could not release the lease of ${name.get(l.child_agent_id) ?? l.child_agent_id}: ${describeError(err)}`);
    }
  }

  const rows = treeOrder(agents.data ?? []);

  return (
    <section>
      <PageHeader title="Agents" />
      <p className="hint">
        A paused agent's requests are declined until you resume it; revoking also revokes its keys and cannot be undone. A child agent with an active lease spends
        only from it.
      </p>
      <ErrorNote error={agents.error} what="load agents" />
      <ActionError message={error} />
      {agents.data && agents.data.length === 0 ? <Empty>No agents yet. Create one below under a policy, then give it a spending key on the Keys page.</Empty> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="tree">
            <caption className="sr-only">Agents, each parent followed by its children</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Policy</th>
                <th scope="col">Budget lease</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ agent: a, depth }) => {
                const lease = activeLease.get(a.id);
                return (
                  <tr key={a.id} data-agent={a.id}>
                    <td className={`tree-name depth-${Math.min(depth, 6)}`} title={a.id}>
                      {depth > 0 ? (
                        <span className="tree-branch" aria-hidden="true">
                          └
                        </span>
                      ) : null}
                      {a.name}
                      {depth > 0 ? <span className="sr-only">, child of {name.get(a.parent_agent_id ?? '') ?? a.parent_agent_id}</span> : null}
                    </td>
                    <td>
                      <StatusBadge status={a.status} />
                    </td>
                    <td>{policyName.get(a.policy_id) ?? a.policy_id}</td>
                    <td>
                      {lease ? (
                        <span className="num" data-lease={lease.id}>
                          {money(lease.remaining_cents, lease.currency)} left of {money(lease.amount_cents, lease.currency)}
                          <span className="hint"> from {name.get(lease.parent_agent_id) ?? lease.parent_agent_id}</span>
                        </span>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>{time(a.created_at)}</td>
                    <td className="actions">
                      {a.status === 'active' ? (
                        <button type="button" disabled={busy === a.id} onClick={() => act(a, 'pause')} aria-label={`Pause ${a.name}`}>
                          Pause
                        </button>
                      ) : null}
                      {a.status === 'paused' ? (
                        <button type="button" disabled={busy === a.id} onClick={() => act(a, 'resume')} aria-label={`Resume ${a.name}`}>
                          Resume
                        </button>
                      ) : null}
                      {a.status !== 'revoked' ? (
                        <button type="button" className="danger" disabled={busy === a.id} onClick={() => act(a, 'revoke')} aria-label={`Revoke ${a.name}`}>
                          Revoke
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}

      {policies.data ? <CreateAgent agents={agents.data ?? []} policies={policies.data.data} onCreated={() => void agents.reload()} /> : null}

      <h2>Budget leases</h2>
      <ErrorNote error={leases.error} what="load budget leases" />
      {leases.data && leases.data.length === 0 ? (
        <Empty>No lease. A parent agent hands a child a bounded budget with POST /v1/spend-guard/budget-leases; what the child does not spend returns.</Empty>
      ) : null}
      {leases.data && leases.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Budget leases, newest first</caption>
            <thead>
              <tr>
                <th scope="col">From → to</th>
                <th scope="col">Status</th>
                <th scope="col">Amount</th>
                <th scope="col">Spent</th>
                <th scope="col">Held</th>
                <th scope="col">Left</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {leases.data.map((l) => (
                <tr key={l.id} data-lease-row={l.id}>
                  <td title={l.id}>
                    {name.get(l.parent_agent_id) ?? l.parent_agent_id} → {name.get(l.child_agent_id) ?? l.child_agent_id}
                  </td>
                  <td>
                    <StatusBadge status={l.status} />
                  </td>
                  <td className="num">{money(l.amount_cents, l.currency)}</td>
                  <td className="num">{money(l.spent_cents, l.currency)}</td>
                  <td className="num">{money(l.held_cents, l.currency)}</td>
                  <td className="num">{money(l.remaining_cents, l.currency)}</td>
                  <td>{l.expires_at ? time(l.expires_at) : 'never'}</td>
                  <td className="actions">
                    {l.status === 'active' ? (
                      <ConfirmButton
                        label="Release"
                        confirmLabel="Release lease"
                        name={`Release the lease to ${name.get(l.child_agent_id) ?? l.child_agent_id}`}
                        onConfirm={() => release(l)}
                      />
                    ) : null}
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
