import { useEffect, useRef, useState } from 'react';
import type { PolicyUpdate } from '@bursar/sdk';
import { time, words } from './format.js';
import { DataTable } from './list.js';
import { simulateDraft, type PolicySimulation, type SimulationProgress } from './policy-history.js';
import { pathTo } from './router.js';
import { ErrorNote, Link, useApp } from './ui.js';

type Comparison =
  | { state: 'idle' }
  | { state: 'running'; progress: SimulationProgress | undefined }
  | { state: 'done'; result: PolicySimulation }
  | { state: 'failed'; error: unknown };

/** A draft of a policy compared with its recorded decisions: start it, watch it, stop it. One runs at a time. */
export interface DraftComparisonState {
  comparison: Comparison;
  start(draft: PolicyUpdate): void;
  cancel(): void;
}

export function useDraftComparison(policyId: string): DraftComparisonState {
  const { session } = useApp();
  const [comparison, setComparison] = useState<Comparison>({ state: 'idle' });
  const running = useRef<AbortController>(undefined);
  // Leaving the page stops the replay on the server too (it stops when its client goes away).
  useEffect(() => () => running.current?.abort(), []);
  const cancel = () => {
    running.current?.abort();
    running.current = undefined;
    setComparison({ state: 'idle' });
  };
  const start = (draft: PolicyUpdate) => {
    running.current?.abort();
    const mine = new AbortController();
    running.current = mine;
    setComparison({ state: 'running', progress: undefined });
    const onProgress = (progress: SimulationProgress) => {
      if (running.current === mine) setComparison({ state: 'running', progress });
    };
    simulateDraft({ csrfToken: session.csrf_token, policyId, draft, onProgress, signal: mine.signal }).then(
      (result) => running.current === mine && setComparison({ state: 'done', result }),
      (error: unknown) => running.current === mine && setComparison({ state: 'failed', error }),
    );
  };
  return { comparison, start, cancel };
}

const count = (n: number) => n.toLocaleString();
const transition = (key: string) => key.split('_to_').map(words).join(' → ');

function Progress(props: { progress: SimulationProgress | undefined; onCancel: () => void }) {
  const p = props.progress;
  return (
    <div className="simulation-progress">
      <label htmlFor="simulation-progress">
        {p ? `Replaying recorded decisions: ${count(p.evaluated)} of ${count(p.total)}` : 'Starting the replay…'}
      </label>
      <div className="progress-row">
        {/* Without a total yet the bar is indeterminate. */}
        <progress id="simulation-progress" max={p && p.total > 0 ? p.total : undefined} value={p && p.total > 0 ? p.evaluated : undefined} />
        <button type="button" onClick={props.onCancel}>
          Stop
        </button>
      </div>
    </div>
  );
}

function Result(props: { result: PolicySimulation }) {
  const r = props.result;
  const changed = r.evaluated - r.unchanged;
  const changes = Object.entries(r.changes).filter(([, n]) => n > 0);
  const codes = Object.entries(r.by_decision_code).sort(([, a], [, b]) => b - a);
  return (
    <div className="simulation-result" data-simulation-result="">
      <p>
        <strong>
          {count(r.evaluated)} recorded decision{r.evaluated === 1 ? '' : 's'} replayed: {count(r.unchanged)} unchanged, {count(changed)} would change.
        </strong>{' '}
        <span className="hint">
          From {time(r.from)} to {time(r.to)}. Nothing was saved.
        </span>
      </p>
      {r.evaluated === 0 ? <p className="hint">No decision was recorded under this policy in that time.</p> : null}
      {changes.length > 0 ? (
        <ul className="simulation-changes" aria-label="Changes">
          {changes.map(([k, n]) => (
            <li key={k} data-change={k}>
              {transition(k)}: <strong>{count(n)}</strong>
            </li>
          ))}
        </ul>
      ) : r.evaluated > 0 ? (
        <p>The draft decides every one of them as they were decided.</p>
      ) : null}
      {codes.length > 0 ? (
        <p className="hint">
          The draft's decisions: {codes.map(([code, n]) => `${words(code)} ${count(n)}`).join(' · ')}
        </p>
      ) : null}
      {r.examples.length > 0 ? (
        <DataTable
          caption="Decisions the draft would change (the first 20, oldest first)"
          rowId="simulation-example"
          rows={r.examples.map((e) => ({ ...e, id: e.spend_request_id }))}
          columns={[
            { header: 'Request', cell: (e) => <Link to={pathTo('/spend-requests', e.id)}>{e.id}</Link> },
            { header: 'Was', cell: (e) => words(e.was) },
            { header: 'Would be', cell: (e) => words(e.would_be) },
            { header: 'Why', cell: (e) => words(e.decision_code) },
          ]}
        />
      ) : null}
    </div>
  );
}

/** The comparison of a draft with history: its progress while it runs, then what would have changed. */
export function DraftComparison(props: { state: DraftComparisonState }) {
  const c = props.state.comparison;
  if (c.state === 'idle') return null;
  return (
    <section className="simulation" aria-labelledby="simulation-title" aria-busy={c.state === 'running'}>
      <h2 id="simulation-title">Compared with the last 30 days</h2>
      {c.state === 'running' ? <Progress progress={c.progress} onCancel={props.state.cancel} /> : null}
      {c.state === 'failed' ? <ErrorNote error={c.error} what="compare the draft with history" /> : null}
      {c.state === 'done' ? <Result result={c.result} /> : null}
    </section>
  );
}
