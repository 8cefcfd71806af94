import { useState, type FormEvent } from 'react';
import type { CreatedApiKey } from '@bursar/sdk';
import { describeError, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { Empty, ErrorNote, PageHeader, SecretOnce, useApp } from '../ui.js';

export function Keys() {
  const { client } = useApp();
  const keys = useLoad(() => client.apiKeys.list({ limit: 100 }), []);
  const agents = useLoad(() => client.agents.list({ status: 'active', limit: 100 }), []);
  const [type, setType] = useState<'spending' | 'management'>('spending');
  const [agentId, setAgentId] = useState('');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiKey>();
  const [error, setError] = useState<string>();
  const agentName = new Map((agents.data?.data ?? []).map((a) => [a.id, a.name]));
  const chosenAgent = agentId || agents.data?.data[0]?.id || '';

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      const input = type === 'management' ? { type, ...(name ? { name } : {}) } : { agent_id: chosenAgent, ...(name ? { name } : {}) };
      setCreated(await client.apiKeys.create(input));
      setName('');
      await keys.reload();
    } catch (err) {
      setError(describeError(err));
    }
  }

  async function revoke(id: string) {
    setError(undefined);
    try {
      await client.apiKeys.revoke(id);
      await keys.reload();
    } catch (err) {
      setError(describeError(err));
    }
  }

  return (
    <section>
      <PageHeader title="Keys" />
      {created ? (
        <SecretOnce
          title="Copy the new key now"
          hint="This is the only time it is shown: Bursar keeps only its hash."
          secret={created.key}
          testId="new-secret"
          onDone={() => setCreated(undefined)}
        />
      ) : null}
      <form className="card create-key" onSubmit={create} aria-label="Create a key">
        <h2>Create a key</h2>
        <fieldset>
          <legend>Type</legend>
          <label className="check">
            <input type="radio" name="type" value="spending" checked={type === 'spending'} onChange={() => setType('spending')} />
            Spending key for one agent (bsk_…)
          </label>
          <label className="check">
            <input type="radio" name="type" value="management" checked={type === 'management'} onChange={() => setType('management')} />
            Management key (bmk_…): full control of the workspace
          </label>
        </fieldset>
        {type === 'spending' ? (
          <label>
            Agent
            <select value={chosenAgent} onChange={(e) => setAgentId(e.target.value)} required>
              {(agents.data?.data ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          Name (optional)
          <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} placeholder="e.g. research-bot on prod" />
        </label>
        {error ? (
          <p role="alert" className="alert error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={type === 'spending' && !chosenAgent}>
          Create key
        </button>
      </form>

      <h2>Keys</h2>
      <ErrorNote error={keys.error} what="load keys" />
      {keys.data && keys.data.data.length === 0 ? <Empty>No keys. Create one above.</Empty> : null}
      {keys.data && keys.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Type</th>
                <th scope="col">Name</th>
                <th scope="col">Agent</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.data.map((k) => (
                <tr key={k.id} data-key={k.id}>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.type}</td>
                  <td>{k.name ?? '—'}</td>
                  <td>{k.agent_id ? (agentName.get(k.agent_id) ?? k.agent_id) : '—'}</td>
                  <td>{time(k.last_used_at)}</td>
                  <td>{k.revoked_at ? `revoked ${time(k.revoked_at)}` : 'active'}</td>
                  <td className="actions">
                    {k.revoked_at ? null : (
                      <button type="button" className="danger" onClick={() => revoke(k.id)} aria-label={`Revoke key ${k.prefix}`}>
                        Revoke
                      </button>
                    )}
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
