import { useState } from 'react';
import type { AuditEntry } from '@bursar/sdk';
import { time } from '../format.js';
import { usePagedList } from '../hooks.js';
import { Filters, ListTable, SearchFilter } from '../list.js';
import { PageHeader, useApp } from '../ui.js';

/** The fields that changed between an entry's before and after. */
function changed(e: AuditEntry): string {
  if (!e.before) return 'created';
  if (!e.after) return 'deleted';
  const keys = Object.keys({ ...e.before, ...e.after }).filter((k) => k !== 'updated_at' && JSON.stringify(e.before?.[k]) !== JSON.stringify(e.after?.[k]));
  return keys.length ? keys.map((k) => `${k}: ${JSON.stringify(e.before?.[k] ?? null)} → ${JSON.stringify(e.after?.[k] ?? null)}`).join('; ') : 'no field changed';
}

/** Who did what to which object, newest first, filtered by action or object (read-only, append-only). */
export function AuditLog() {
  const { client } = useApp();
  const [action, setAction] = useState('');
  const [objectId, setObjectId] = useState('');
  const list = usePagedList(
    (q) => client.auditLog.list({ ...q, ...(action.trim() ? { action: action.trim() } : {}), ...(objectId.trim() ? { object_id: objectId.trim() } : {}) }),
    [action, objectId],
  );
  return (
    <section>
      <PageHeader title="Audit log" />
      <Filters>
        <SearchFilter label="Action" value={action} onChange={setAction} placeholder="e.g. policy.updated" />
        <SearchFilter label="Object id" value={objectId} onChange={setObjectId} placeholder="e.g. pol_…" />
      </Filters>
      <ListTable
        list={list}
        what="load the audit log"
        empty="No entry matches. Clear a filter; every operator action is recorded here."
        caption="Audit log, newest first"
        columns={[
          { header: 'When', title: (e) => e.id, cell: (e) => time(e.created_at) },
          { header: 'Action', cell: (e) => <code>{e.action}</code> },
          { header: 'Object', cell: (e) => <code>{e.object_id}</code> },
          {
            header: 'Actor',
            cell: (e) => (
              <>
                {e.actor_type}
                {e.actor_id ? <div className="hint">{e.actor_id}</div> : null}
              </>
            ),
          },
          { header: 'Change', className: 'change', cell: changed },
        ]}
      />
    </section>
  );
}
