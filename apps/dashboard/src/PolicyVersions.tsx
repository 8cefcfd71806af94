import type { Policy } from '@bursar/sdk';
import { time } from './format.js';
import { useKeyNames, usePagedList } from './hooks.js';
import { ListTable } from './list.js';
import { describeChanges } from './policy-fields.js';
import { listPolicyVersions, type PolicyVersion } from './policy-history.js';
import { useApp } from './ui.js';

/** What a version changed from the one before it; the first says it was created. */
function Changes(props: { version: PolicyVersion; older: PolicyVersion | undefined }) {
  if (props.version.version === 1) return <>Created</>;
  if (!props.older) return <span className="hint">Load more to compare with version {props.version.version - 1}</span>;
  const changes = describeChanges(props.older.policy, props.version.policy);
  if (changes.length === 0) return <span className="hint">No field changed</span>;
  return (
    <ul className="changes">
      {changes.map((c) => (
        <li key={c}>{c}</li>
      ))}
    </ul>
  );
}

/** A policy's versions, newest first: who made each (the key's name or prefix), when, and what it changed. */
export function PolicyVersions(props: { policy: Policy }) {
  const { client } = useApp();
  const versions = usePagedList((q) => listPolicyVersions(client, props.policy.id, q), [props.policy.id, props.policy.version], { limit: 20 });
  const keyName = useKeyNames();
  const rows = versions.rows ?? [];
  const olderOf = (v: PolicyVersion) => rows.find((r) => r.version === v.version - 1);
  return (
    <section aria-labelledby="policy-versions-title">
      <h2 id="policy-versions-title">Versions</h2>
      <ListTable
        list={versions}
        what="load the policy's versions"
        empty="No version recorded yet."
        caption={`Versions of ${props.policy.name}`}
        rowId="policy-version"
        columns={[
          { header: 'Version', className: 'num', cell: (v) => (v.version === props.policy.version ? <>v{v.version} (current)</> : `v${v.version}`) },
          { header: 'When', cell: (v) => time(v.created_at) },
          { header: 'By', cell: (v) => (v.changed_by === null ? 'Bursar' : keyName(v.changed_by)) },
          { header: 'Changes', cell: (v) => <Changes version={v} older={olderOf(v)} /> },
        ]}
      />
    </section>
  );
}
