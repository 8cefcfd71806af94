import { useState, type FormEvent } from 'react';
import type { ApiKey, CreatedApiKey } from '@bursar/sdk';
import { time } from '../format.js';
import { useAction, useAgentNames, usePagedList } from '../hooks.js';
import { ListTable, RowAction } from '../list.js';
import { AgentLink, ActionError, ConfirmDialog, PageHeader, SecretOnce, useApp } from '../ui.js';

/** Management and spending keys: create one (its secret shown once), revoke one (after a confirmation). */
export function Keys() {
  const { client, session } = useApp();
  const keys = usePagedList((q) => client.apiKeys.list(q), []);
  const agents = useAgentNames({ status: 'active' });
  const [type, setType] = useState<'spending' | 'management'>('spending');
  const [agentId, setAgentId] = useState('');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiKey>();
  const [revoking, setRevoking] = useState<ApiKey>();
  const action = useAction();
  const chosenAgent = agentId || agents.agents[0]?.id || '';

  async function create(e: FormEvent) {
    e.preventDefault();
    await action.run(async () => {
      const input = type === 'management' ? { type, ...(name ? { name } : {}) } : { agent_id: chosenAgent, ...(name ? { name } : {}) };
      setCreated(await client.apiKeys.create(input));
      setName('');
      await keys.reload();
    });
  }

  const revoke = (id: string) => action.run(() => client.apiKeys.revoke(id).then(keys.reload));

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
              {agents.agents.map((a) => (
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
        <ActionError message={action.error} />
        <button type="submit" className="primary" disabled={type === 'spending' && !chosenAgent}>
          Create key
        </button>
      </form>

      <h2>Keys</h2>
      <ListTable
        list={keys}
        what="load keys"
        empty="No keys. Create one above."
        caption="API keys"
        rowId="key"
        columns={[
          { header: 'Key', cell: (k) => <code>{k.prefix}…</code> },
          { header: 'Type', cell: (k) => k.type },
          { header: 'Name', cell: (k) => k.name ?? '—' },
          { header: 'Agent', cell: (k) => (k.agent_id ? <AgentLink id={k.agent_id} name={agents.name(k.agent_id)} /> : '—') },
          { header: 'Last used', cell: (k) => time(k.last_used_at) },
          { header: 'Status', cell: (k) => (k.revoked_at ? `revoked ${time(k.revoked_at)}` : 'active') },
        ]}
        actions={(k) => (k.revoked_at ? null : <RowAction label="Revoke" object={`key ${k.prefix}`} danger onClick={() => setRevoking(k)} />)}
      />
      {revoking ? (
        <ConfirmDialog title={`Revoke key ${revoking.prefix}…?`} confirmLabel="Revoke key" onConfirm={() => revoke(revoking.id)} onClose={() => setRevoking(undefined)}>
          <p>
            Every call made with it is refused from now on. This cannot be undone.
            {revoking.prefix === session.key_prefix ? ' It is the key this session signed in with: you will be signed out.' : ''}
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
