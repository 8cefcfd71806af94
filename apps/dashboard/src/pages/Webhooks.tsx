import { useState, type FormEvent, type ReactNode } from 'react';
import type { DeliveryAttempt, WebhookEndpoint, WebhookEndpointWithSecret } from '@bursar/sdk';
import { fieldError, time } from '../format.js';
import { useAction, useLoad, usePagedList } from '../hooks.js';
import { ListView, RowAction, Table } from '../list.js';
import { navigate, pathTo } from '../router.js';
import { ActionError, ConfirmButton, DetailPage, Facts, Field, Link, PageHeader, SecretOnce, StatusBadge, useApp, type Fact } from '../ui.js';
import { HealthBadge, healthFacts, retryNote, RETRY_STORY, useEndpointHealth, type Health } from '../webhook-health.js';

/** Event families an endpoint can subscribe to; `*` is everything. */
const families = [
  ['spend_request.*', 'Spend requests (approved, declined, needs approval, completed, …)'],
  ['approval.*', 'Approvals (created, approved, declined, expired)'],
  ['agent.*', 'Agents (created, paused, resumed, revoked)'],
  ['wallet.*', 'Wallets (funded)'],
  ['policy.*', 'Policies (created, updated)'],
  ['key.*', 'Keys (created, revoked)'],
  ['receipt.*', 'Receipts'],
  ['webhook_endpoint.*', 'Webhook endpoints (disabled)'],
] as const;

function CreateEndpoint(props: { onCreated: (e: WebhookEndpointWithSecret) => void }) {
  const { client } = useApp();
  const [url, setUrl] = useState('');
  const [all, setAll] = useState(true);
  const [picked, setPicked] = useState<string[]>(['spend_request.*', 'approval.*']);
  const [description, setDescription] = useState('');
  const [touched, setTouched] = useState(false);
  const [serverError, setServerError] = useState<{ field?: string; message: string }>();
  const [busy, setBusy] = useState(false);

  let urlError: string | undefined;
  try {
    const u = new URL(url.trim());
    if (u.protocol !== 'https:' && u.protocol !== 'http:') urlError = 'Must be an http or https URL.';
  } catch {
    urlError = url.trim() === '' ? 'Enter the URL that receives the events, e.g. https://example.com/bursar/webhooks.' : 'Must be a full URL, e.g. https://example.com/hooks.';
  }
  if (serverError?.field === 'url') urlError = serverError.message;
  const eventsError = !all && picked.length === 0 ? 'Subscribe to at least one kind of event (or all of them).' : serverError?.field?.startsWith('events') ? serverError.message : undefined;
  const showUrlError = touched && urlError !== undefined;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (urlError || eventsError) {
      document.getElementById(urlError ? 'webhook-url' : 'webhook-events')?.focus();
      return;
    }
    setBusy(true);
    setServerError(undefined);
    try {
      const created = await client.webhooks.create({ url: url.trim(), events: all ? ['*'] : picked, ...(description.trim() ? { description: description.trim() } : {}) });
      setUrl('');
      setDescription('');
      setTouched(false);
      props.onCreated(created);
    } catch (err) {
      setServerError(fieldError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card create-webhook" onSubmit={submit} noValidate aria-labelledby="create-webhook-title">
      <h2 id="create-webhook-title">Add an endpoint</h2>
      <Field id="webhook-url" label="Endpoint URL" error={showUrlError ? urlError : undefined}>
        {(c) => (
          <input
            {...c}
            type="url"
            inputMode="url"
            value={url}
            placeholder="https://example.com/bursar/webhooks"
            onChange={(e) => {
              setUrl(e.target.value);
              if (serverError?.field === 'url') setServerError(undefined);
            }}
            onBlur={() => setTouched(true)}
          />
        )}
      </Field>
      <fieldset id="webhook-events" tabIndex={-1} aria-describedby={eventsError ? 'webhook-events-error' : undefined}>
        <legend>Events</legend>
        <label className="check">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
          Every event (*)
        </label>
        {all
          ? null
          : families.map(([f, label]) => (
              <label className="check" key={f}>
                <input
                  type="checkbox"
                  checked={picked.includes(f)}
                  onChange={(e) => setPicked((p) => (e.target.checked ? [...p, f] : p.filter((x) => x !== f)))}
                />
                {label}
              </label>
            ))}
        {eventsError ? (
          <span className="field-error" id="webhook-events-error" role="alert">
            {eventsError}
          </span>
        ) : null}
      </fieldset>
      <Field id="webhook-description" label="Description (optional)">
        {(c) => <input {...c} value={description} maxLength={500} onChange={(e) => setDescription(e.target.value)} placeholder="e.g. finance Slack bridge" />}
      </Field>
      <ActionError message={serverError && serverError.field !== 'url' && !serverError.field?.startsWith('events') ? serverError.message : undefined} />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Adding…' : 'Add endpoint'}
      </button>
    </form>
  );
}

/** Enable/disable, rotate the secret, delete: what can be done to one endpoint. */
function EndpointActions(props: { endpoint: WebhookEndpoint; onChanged: () => void; onSecret: (s: { title: string; secret: string }) => void; onDeleted?: () => void }) {
  const { client } = useApp();
  const w = props.endpoint;
  const action = useAction();
  const busy = action.busy !== undefined;
  const enabled = w.status === 'enabled';
  return (
    <div className="endpoint-actions">
      <div className="buttons">
        <RowAction
          label={enabled ? 'Disable' : 'Enable'}
          object={w.url}
          disabled={busy}
          onClick={() =>
            void action.run(async () => {
              await client.webhooks.update(w.id, { status: enabled ? 'disabled' : 'enabled' });
              props.onChanged();
            }, { failure: enabled ? 'disable it' : 'enable it' })
          }
        />
        <ConfirmButton
          label="Rotate secret"
          confirmLabel="Rotate now"
          name={`Rotate secret of ${w.url}`}
          disabled={busy}
          onConfirm={() =>
            action.run(async () => {
              const r = await client.webhooks.rotateSecret(w.id);
              props.onSecret({ title: 'Copy the new signing secret now', secret: r.secret });
              props.onChanged();
            }, { failure: 'rotate the secret' })
          }
        />
        <ConfirmButton
          label="Delete"
          confirmLabel="Delete endpoint"
          name={`Delete ${w.url}`}
          disabled={busy}
          onConfirm={() =>
            action.run(async () => {
              await client.webhooks.delete(w.id);
              props.onDeleted?.();
              props.onChanged();
            }, { failure: 'delete it' })
          }
        />
      </div>
      <ActionError message={action.error} />
    </div>
  );
}

/** An endpoint's URL as a heading (h3 in the list, whose card it names through `titleId`; h2 above its delivery log), and its health. */
function EndpointHead(props: { endpoint: WebhookEndpoint; health: Health | undefined; titleId?: string }) {
  const w = props.endpoint;
  return (
    <header className="approval-head">
      {props.titleId ? (
        <h3 id={props.titleId} className="url">
          {w.url}
        </h3>
      ) : (
        <h2 className="url">{w.url}</h2>
      )}
      <HealthBadge endpoint={w} health={props.health} />
    </header>
  );
}

/** The facts of an endpoint both its card and its delivery log show. */
function endpointFacts(w: WebhookEndpoint, health: Health | undefined): Fact[] {
  return [['Events', w.events.join(', ')], ['Description', w.description], !!w.disabled_reason && ['Disabled because', w.disabled_reason], ...healthFacts(health)];
}

/** A signing secret to show once; a rotated one belongs to its endpoint's card, where the operator asked for it. */
type ShownSecret = { title: string; secret: string; endpointId?: string };

/** One endpoint in the list: its health (from its newest deliveries), facts and actions. */
function EndpointCard(props: { endpoint: WebhookEndpoint; onChanged: () => void; onSecret: (s: { title: string; secret: string }) => void; secret: ReactNode }) {
  const w = props.endpoint;
  const health = useEndpointHealth(w.id, 15_000).data;
  return (
    <article className="card endpoint" data-endpoint={w.id} aria-labelledby={`ep-${w.id}`}>
      <EndpointHead endpoint={w} health={health} titleId={`ep-${w.id}`} />
      <Facts items={[...endpointFacts(w, health), ['Secret rotated', w.secret_rotated_at ? time(w.secret_rotated_at) : 'never'], ['Created', time(w.created_at)]]} />
      <p>
        <Link to={pathTo('/webhooks', w.id)}>Delivery log</Link>
      </p>
      <EndpointActions endpoint={w} onChanged={props.onChanged} onSecret={props.onSecret} />
      {props.secret}
    </article>
  );
}

const secretHint = 'This is the only time it is shown. Verify deliveries with it; after a rotation the previous secret stays valid for a while.';

function EndpointList() {
  const { client } = useApp();
  const endpoints = usePagedList((q) => client.webhooks.list(q), []);
  const [secret, setSecret] = useState<ShownSecret>();
  const secretOf = (endpointId?: string) =>
    secret && secret.endpointId === endpointId ? (
      <SecretOnce title={secret.title} secret={secret.secret} hint={secretHint} testId="webhook-secret" onDone={() => setSecret(undefined)} />
    ) : null;
  return (
    <section>
      <PageHeader title="Webhooks" />
      <p className="hint">
        Bursar signs every delivery (Standard Webhooks: <code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>).{' '}
        <span data-testid="retry-story">{RETRY_STORY}</span>
      </p>
      {secretOf(undefined)}
      <CreateEndpoint
        onCreated={(e) => {
          setSecret({ title: 'Copy the signing secret now', secret: e.secret });
          void endpoints.reload();
        }}
      />
      <h2>Endpoints</h2>
      <ListView list={endpoints} what="load webhook endpoints" empty="No endpoint yet. Add one above to receive events as they happen.">
        {(rows) => (
          <div className="endpoint-list">
            {rows.map((w) => (
              <EndpointCard
                key={w.id}
                endpoint={w}
                onChanged={() => void endpoints.reload()}
                onSecret={(x) => setSecret({ ...x, endpointId: w.id })}
                secret={secretOf(w.id)}
              />
            ))}
          </div>
        )}
      </ListView>
    </section>
  );
}

function DeliveryRow(props: { endpointId: string; attempt: DeliveryAttempt; later: DeliveryAttempt | undefined; onRetried: () => void }) {
  const { client } = useApp();
  const a = props.attempt;
  const [state, setState] = useState<string>();
  const retry = useAction();
  return (
    <tr data-delivery={a.delivery_id}>
      <td>{time(a.created_at)}</td>
      <td>
        <code>{a.event_type}</code>
        <div className="hint">{a.event_id}</div>
      </td>
      <td className="num">{a.attempt}</td>
      <td>
        <StatusBadge status={a.succeeded ? 'succeeded' : 'failed'} /> <span className="num">{a.status_code ?? 'no response'}</span>
      </td>
      <td className="num">{a.latency_ms} ms</td>
      <td>
        {a.error ?? a.response_excerpt ?? '—'}
        {retryNote(a, props.later) ? <div className="hint">{retryNote(a, props.later)}</div> : null}
      </td>
      <td className="actions">
        <RowAction
          label={a.succeeded ? 'Send again' : 'Retry'}
          object={`${a.event_type} ${a.event_id}`}
          onClick={() =>
            void retry.run(async () => {
              const r = await client.webhooks.retryDelivery(props.endpointId, a.delivery_id);
              setState(`queued (${r.status})`);
              props.onRetried();
            })
          }
        />
        <span aria-live="polite" className="hint">
          {state}
        </span>
        <ActionError message={retry.error} />
      </td>
    </tr>
  );
}

/** One endpoint with its delivery log (every attempt), refreshed while open. */
function EndpointDetail(props: { id: string }) {
  const { client } = useApp();
  const endpoint = useLoad(() => client.webhooks.get(props.id), [props.id]);
  const health = useEndpointHealth(props.id, 3000).data;
  const [failedOnly, setFailedOnly] = useState(false);
  const log = usePagedList((q) => client.webhooks.deliveries(props.id, { ...q, ...(failedOnly ? { succeeded: false } : {}) }), [props.id, failedOnly], { intervalMs: 3000 });
  const [secret, setSecret] = useState<ShownSecret>();
  const w = endpoint.data;
  return (
    <DetailPage back="/webhooks" title="Delivery log" error={endpoint.error} what={`load endpoint ${props.id}`}>
      {w ? (
        <div className="card">
          <EndpointHead endpoint={w} health={health} />
          <Facts items={endpointFacts(w, health)} />
          <EndpointActions endpoint={w} onChanged={() => void endpoint.reload()} onSecret={setSecret} onDeleted={() => navigate('/webhooks')} />
          {secret ? <SecretOnce title={secret.title} secret={secret.secret} hint={secretHint} testId="webhook-secret" onDone={() => setSecret(undefined)} /> : null}
        </div>
      ) : null}
      <div className="page-actions">
        <label className="check">
          <input type="checkbox" checked={failedOnly} onChange={(e) => setFailedOnly(e.target.checked)} />
          Failed attempts only
        </label>
      </div>
      <ListView
        list={log}
        what="load the delivery log"
        empty={failedOnly ? 'No failed attempt.' : 'Nothing delivered yet. Events the endpoint subscribes to appear here within seconds of happening.'}
      >
        {(rows) => (
          <Table caption="Delivery attempts, newest first" headers={['When', 'Event', 'Attempt', 'Result', 'Latency', 'Response']} actions>
            {rows.map((a) => (
              <DeliveryRow
                key={a.id}
                endpointId={props.id}
                attempt={a}
                later={rows.find((b) => b.delivery_id === a.delivery_id && b.attempt === a.attempt + 1)}
                onRetried={() => void log.reload()}
              />
            ))}
          </Table>
        )}
      </ListView>
    </DetailPage>
  );
}

/** Webhook endpoints: create (secret shown once), enable/disable, rotate, delete; the delivery log with retry. */
export function Webhooks(props: { id?: string | undefined }) {
  return props.id ? <EndpointDetail id={props.id} /> : <EndpointList />;
}
