import { useState, type FormEvent } from 'react';
import type { Agent, BudgetLease } from '@bursar/sdk';
import { collect } from '../api.js';
import { money, time } from '../format.js';
import { useAction, useLoad } from '../hooks.js';
import { ListTable, RowAction } from '../list.js';
import { treeOrder } from '../tree.js';
import { ActionError, AgentLink, ConfirmButton, ConfirmDialog, Field, LeaseParties, PageHeader, StatusBadge, useApp } from '../ui.js';

/** A new agent under a policy, optionally the child of another. */
function CreateAgent(props: { agents: readonly Agent[]; policies: ReadonlyArray<{ id: string; name: string }>; onCreated: () => void }) {
  const { client } = useApp();
  const [name, setName] = useState('');
  const [policyId, setPolicyId] = useState('');
  const [parentId, setParentId] = useState('');
  const [touched, setTouched] = useState(false);
  const action = useAction();
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
    await action.run(async () => {
      const a = await client.agents.create({ name: name.trim(), policy_id: chosenPolicy, ...(parentId ? { parent_agent_id: parentId } : {}) });
      setName('');
      setTouched(false);
      setCreated(`Created ${a.name}. Give it a spending key on the Keys page.`);
      props.onCreated();
    });
  }

  return (
    <form className="card create-agent" onSubmit={submit} noValidate aria-labelledby="create-agent-title">
      <h2 id="create-agent-title">New agent</h2>
      <div className="grid-3">
        <Field id="agent-name" label="Name" error={touched ? nameError : undefined}>
          {(c) => <input {...c} value={name} maxLength={300} placeholder="research-bot" onChange={(e) => setName(e.target.value)} onBlur={() => setTouched(true)} />}
        </Field>
        <Field id="agent-policy" label="Policy">
          {(c) => (
            <select {...c} value={chosenPolicy} onChange={(e) => setPolicyId(e.target.value)}>
              {props.policies.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="agent-parent" label="Parent agent (optional)">
          {(c) => (
            <select {...c} value={parentId} onChange={(e) => setParentId(e.target.value)}>
              <option value="">None</option>
              {props.agents
                .filter((a) => a.status !== 'revoked')
                .map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
            </select>
          )}
        </Field>
      </div>
      <ActionError message={action.error} />
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

/** Agents as a parent/child tree with their budget leases; pause and resume in one click, revoke after a confirmation. */
export function Agents() {
  const { client } = useApp();
  const [revoking, setRevoking] = useState<Agent>();
  const agents = useLoad(() => collect((q) => client.agents.list(q), 1000), [], 10_000);
  const leases = useLoad(() => collect((q) => client.budgetLeases.list(q), 1000), [], 10_000);
  const policies = useLoad(() => client.policies.list({ limit: 100 }), []);
  const action = useAction();
  const policyName = new Map((policies.data?.data ?? []).map((p) => [p.id, p.name]));
  const names = new Map((agents.data ?? []).map((a) => [a.id, a.name]));
  const name = (id: string) => names.get(id) ?? id;
  const activeLease = new Map<string, BudgetLease>();
  for (const l of leases.data ?? []) if (l.status === 'active' && !activeLease.has(l.child_agent_id)) activeLease.set(l.child_agent_id, l);

  const act = (agent: Agent, what: 'pause' | 'resume' | 'revoke') =>
    action.run(() => client.agents[what](agent.id).then(agents.reload), { failure: `${what} ${agent.name}`, key: agent.id });
  const release = (l: BudgetLease) =>
    action.run(() => client.budgetLeases.release(l.id).then(leases.reload), { failure: `release the lease of ${name(l.child_agent_id)}` });

  // A table row is keyed by its id.
  const tree = treeOrder(agents.data ?? []).map((row) => ({ ...row, id: row.agent.id }));

  return (
    <section>
      <PageHeader title="Agents" />
      <p className="hint">
        A paused agent's requests are declined until you resume it; revoking also revokes its keys and cannot be undone. A child agent with an active lease spends
        only from it.
      </p>
      <ActionError message={action.error} />
      <ListTable
        list={{ rows: agents.data && tree, error: agents.error }}
        what="load agents"
        empty="No agents yet. Create one below under a policy, then give it a spending key on the Keys page."
        caption="Agents, each parent followed by its children"
        className="tree"
        rowId="agent"
        columns={[
          {
            header: 'Name',
            className: ({ depth }) => `tree-name depth-${Math.min(depth, 6)}`,
            title: ({ agent: a }) => a.id,
            cell: ({ agent: a, depth }) => (
              <>
                {depth > 0 ? (
                  <span className="tree-branch" aria-hidden="true">
                    └
                  </span>
                ) : null}
                <AgentLink id={a.id} name={a.name} />
                {depth > 0 ? <span className="sr-only">, child of {name(a.parent_agent_id ?? '')}</span> : null}
              </>
            ),
          },
          { header: 'Status', cell: ({ agent: a }) => <StatusBadge status={a.status} /> },
          { header: 'Policy', cell: ({ agent: a }) => policyName.get(a.policy_id) ?? a.policy_id },
          {
            header: 'Budget lease',
            cell: ({ agent: a }) => {
              const lease = activeLease.get(a.id);
              if (!lease) return '—';
              return (
                <span className="num" data-lease={lease.id}>
                  {money(lease.remaining_cents, lease.currency)} left of {money(lease.amount_cents, lease.currency)}
                  <span className="hint">
                    {' '}
                    from <AgentLink id={lease.parent_agent_id} name={name(lease.parent_agent_id)} />
                  </span>
                </span>
              );
            },
          },
          { header: 'Created', cell: ({ agent: a }) => time(a.created_at) },
        ]}
        actions={({ agent: a }) => (
          <>
            {a.status === 'active' ? <RowAction label="Pause" object={a.name} disabled={action.busy === a.id} onClick={() => act(a, 'pause')} /> : null}
            {a.status === 'paused' ? <RowAction label="Resume" object={a.name} disabled={action.busy === a.id} onClick={() => act(a, 'resume')} /> : null}
            {a.status !== 'revoked' ? <RowAction label="Revoke" object={a.name} danger disabled={action.busy === a.id} onClick={() => setRevoking(a)} /> : null}
          </>
        )}
      />

      {revoking ? (
        <ConfirmDialog title={`Revoke ${revoking.name}?`} confirmLabel="Revoke agent" onConfirm={() => act(revoking, 'revoke')} onClose={() => setRevoking(undefined)}>
          <p>Its requests are declined from now on and its keys stop working. This cannot be undone: to pause it for a while, use Pause instead.</p>
        </ConfirmDialog>
      ) : null}

      {policies.data ? <CreateAgent agents={agents.data ?? []} policies={policies.data.data} onCreated={() => void agents.reload()} /> : null}

      <h2>Budget leases</h2>
      <ListTable
        list={{ rows: leases.data, error: leases.error }}
        what="load budget leases"
        empty="No lease. A parent agent hands a child a bounded budget with POST /v1/spend-guard/budget-leases; what the child does not spend returns."
        caption="Budget leases, newest first"
        rowId="lease-row"
        columns={[
          { header: 'From → to', title: (l) => l.id, cell: (l) => <LeaseParties lease={l} name={name} /> },
          { header: 'Status', cell: (l) => <StatusBadge status={l.status} /> },
          { header: 'Amount', className: 'num', cell: (l) => money(l.amount_cents, l.currency) },
          { header: 'Spent', className: 'num', cell: (l) => money(l.spent_cents, l.currency) },
          { header: 'Held', className: 'num', cell: (l) => money(l.held_cents, l.currency) },
          { header: 'Left', className: 'num', cell: (l) => money(l.remaining_cents, l.currency) },
          { header: 'Expires', cell: (l) => (l.expires_at ? time(l.expires_at) : 'never') },
        ]}
        actions={(l) =>
          l.status === 'active' ? (
            <ConfirmButton label="Release" confirmLabel="Release lease" name={`Release the lease to ${name(l.child_agent_id)}`} onConfirm={() => release(l)} />
          ) : null
        }
      />
    </section>
  );
}
