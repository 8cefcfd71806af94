import { useState } from 'react';
import type { AuditEntry } from '../api.js';
import { time } from '../format.js';
import { useLoad } from '../hooks.js';
import { Empty, ErrorNote, PageHeader, useControl } from '../ui.js';

/** The fields that changed between an entry's before and after. */
function changed(e: AuditEntry): string {
  if (!e.before) return 'created';
  if (!e.after) return 'deleted';
  const keys = Object.keys({ ...e.before, ...e.after }).filter((k) => k !== 'updated_at' && JSON.stringify(e.before?.[k]) !== JSON.stringify(e.after?.[k]));
  return keys.length ? keys.map((k) => `${k}: ${JSON.stringify(e.before?.[k] ?? null)} → ${JSON.stringify(e.after?.[k] ?? null)}`).join('; ') : 'no field changed';
}

/** Who did what to which object, newest first, filtered by action or object (read-only, append-only). */
export function AuditLog() {
  const control = useControl();
  const [action, setAction] = useState('');
  const [objectId, setObjectId] = useState('');
  const list = useLoad(
    () => control.auditLog.list({ limit: 100, ...(action.trim() ? { action: action.trim() } : {}), ...(objectId.trim() ? { object_id: objectId.trim() } : {}) }),
    [action, objectId],
  );
  return (
    <section>
      <PageHeader title="Audit log" />
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Action
          <input type="search" value={action} onChange={(e) => setAction(e.target.value)} placeholder="e.g. policy.updated" />
        </label>
        <label>
          Object id
          <input type="search" value={objectId} onChange={(e) => setObjectId(e.target.value)} placeholder="e.g. pol_…" />
        </label>
      </form>
      <ErrorNote error={list.error} what="load the audit log" />
      {list.data && list.data.data.length === 0 ? <Empty>No entry matches. Clear a filter; every operator action is recorded here.</Empty> : null}
      {list.data && list.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Audit log, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Object</th>
                <th scope="col">Actor</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((e) => (
                <tr key={e.id}>
                  <td title={e.id}>{time(e.created_at)}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    <code>{e.object_id}</code>
                  </td>
                  <td>
                    {e.actor_type}
                    {e.actor_id ? <div className="hint">{e.actor_id}</div> : null}
                  </td>
                  <td className="change">{changed(e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
