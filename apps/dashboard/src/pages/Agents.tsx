import { useState } from 'react';
import type { Agent } from '@bursar/sdk';
import { describeError, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { Empty, ErrorNote, PageHeader, StatusBadge, useApp } from '../ui.js';

/** Agents with pause, resume and revoke, one click each. */
export function Agents() {
  const { client } = useApp();
  const agents = useLoad(() => client.agents.list({ limit: 100 }), [], 10_000);
  const policies = useLoad(() => client.policies.list({ limit: 100 }), []);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const policyName = new Map((policies.data?.data ?? []).map((p) => [p.id, p.name]));

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

  return (
    <section>
      <PageHeader title="Agents" />
      <p className="hint">A paused agent's requests are declined until you resume it; revoking also revokes its keys and cannot be undone.</p>
      <ErrorNote error={agents.error} what="load agents" />
      {error ? (
        <p role="alert" className="alert error">
          {error}
        </p>
      ) : null}
      {agents.data && agents.data.data.length === 0 ? <Empty>No agents yet. Create one with POST /v1/agents under a policy.</Empty> : null}
      {agents.data && agents.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Agents</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Policy</th>
                <th scope="col">Parent</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {agents.data.data.map((a) => (
                <tr key={a.id} data-agent={a.id}>
                  <td title={a.id}>{a.name}</td>
                  <td>
                    <StatusBadge status={a.status} />
                  </td>
                  <td>{policyName.get(a.policy_id) ?? a.policy_id}</td>
                  <td>{a.parent_agent_id ?? '—'}</td>
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
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
