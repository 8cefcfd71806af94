import { useState, type FormEvent } from 'react';
import { BursarApiError, type DeliveryAttempt, type WebhookEndpoint, type WebhookEndpointWithSecret } from '@bursar/sdk';
import { describeError, relative, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { navigate } from '../router.js';
import { ActionError, ConfirmButton, Empty, ErrorNote, Facts, Link, PageHeader, SecretOnce, StatusBadge, useApp } from '../ui.js';

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
  const showUrlError = touched && urlError;

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
      const field = err instanceof BursarApiError ? err.field : undefined;
      setServerError({ ...(field ? { field } : {}), message: describeError(err).replace(/^[\w.]+: /, '') });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card create-webhook" onSubmit={submit} noValidate aria-labelledby="create-webhook-title">
      <h2 id="create-webhook-title">Add an endpoint</h2>
      <div className={`field${showUrlError ? ' invalid' : ''}`}>
        <label htmlFor="webhook-url">Endpoint URL</label>
        <input
          id="webhook-url"
          type="url"
          inputMode="url"
          value={url}
          placeholder="https://example.com/bursar/webhooks"
          aria-invalid={showUrlError ? true : undefined}
          aria-describedby={showUrlError ? 'webhook-url-error' : undefined}
          onChange={(e) => {
            setUrl(e.target.value);
            if (serverError?.field === 'url') setServerError(undefined);
          }}
          onBlur={() => setTouched(true)}
        />
        {showUrlError ? (
          <span className="field-error" id="webhook-url-error" role="alert">
            {urlError}
          </span>
        ) : null}
      </div>
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
      <div className="field">
        <label htmlFor="webhook-description">Description (optional)</label>
        <input id="webhook-description" value={description} maxLength={500} onChange={(e) => setDescription(e.target.value)} placeholder="e.g. finance Slack bridge" />
      </div>
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
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function act(what: string, f: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    try {
      await f();
    } catch (err) {
      setError(`Could not ${what}: ${describeError(err)}`);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="endpoint-actions">
      <div className="buttons">
        <button
          type="button"
          disabled={busy}
          aria-label={`${w.status === 'enabled' ? 'Disable' : 'Enable'} ${w.url}`}
          onClick={() =>
            act(w.status === 'enabled' ? 'disable it' : 'enable it', async () => {
              await client.webhooks.update(w.id, { status: w.status === 'enabled' ? 'disabled' : 'enabled' });
              props.onChanged();
            })
          }
        >
          {w.status === 'enabled' ? 'Disable' : 'Enable'}
        </button>
        <ConfirmButton
          label="Rotate secret"
          confirmLabel="Rotate now"
          name={`Rotate the secret of ${w.url}`}
          disabled={busy}
          onConfirm={() =>
            act('rotate the secret', async () => {
              const r = await client.webhooks.rotateSecret(w.id);
              props.onSecret({ title: 'Copy the new signing secret now', secret: r.secret });
              props.onChanged();
            })
          }
        />
        <ConfirmButton
          label="Delete"
          confirmLabel="Delete endpoint"
          name={`Delete ${w.url}`}
          disabled={busy}
          onConfirm={() =>
            act('delete it', async () => {
              await client.webhooks.delete(w.id);
              props.onDeleted?.();
              props.onChanged();
            })
          }
        />
      </div>
      <ActionError message={error} />
    </div>
  );
}

function EndpointList() {
  const { client } = useApp();
  const endpoints = useLoad(() => client.webhooks.list({ limit: 100 }), []);
  const [secret, setSecret] = useState<{ title: string; secret: string }>();
  return (
    <section>
      <PageHeader title="Webhooks" />
      <p className="hint">
        Bursar signs every delivery (Standard Webhooks: <code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>) and retries
        failures for about three days.
      </p>
      {secret ? (
        <SecretOnce
          title={secret.title}
          secret={secret.secret}
          hint="This is the only time it is shown. Verify deliveries with it; after a rotation the previous secret stays valid for a while."
          testId="webhook-secret"
          onDone={() => setSecret(undefined)}
        />
      ) : null}
      <CreateEndpoint
        onCreated={(e) => {
          setSecret({ title: 'Copy the signing secret now', secret: e.secret });
          void endpoints.reload();
        }}
      />
      <h2>Endpoints</h2>
      <ErrorNote error={endpoints.error} what="load webhook endpoints" />
      {endpoints.data && endpoints.data.data.length === 0 ? <Empty>No endpoint yet. Add one above to receive events as they happen.</Empty> : null}
      <div className="endpoint-list">
        {(endpoints.data?.data ?? []).map((w) => (
          <article key={w.id} className="card endpoint" data-endpoint={w.id} aria-labelledby={`ep-${w.id}`}>
            <header className="approval-head">
              <h3 id={`ep-${w.id}`} className="url">
                {w.url}
              </h3>
              <StatusBadge status={w.status} />
            </header>
            <Facts
              items={[
                ['Events', w.events.join(', ')],
                ['Description', w.description],
                ...(w.disabled_reason ? ([['Disabled because', w.disabled_reason]] as Array<[string, string]>) : []),
                ['Secret rotated', w.secret_rotated_at ? time(w.secret_rotated_at) : 'never'],
                ['Created', time(w.created_at)],
              ]}
            />
            <p>
              <Link to={`/webhooks/${encodeURIComponent(w.id)}`}>Delivery log</Link>
            </p>
            <EndpointActions endpoint={w} onChanged={() => void endpoints.reload()} onSecret={setSecret} />
          </article>
        ))}
      </div>
    </section>
  );
}

function DeliveryRow(props: { endpointId: string; attempt: DeliveryAttempt; onRetried: () => void }) {
  const { client } = useApp();
  const a = props.attempt;
  const [state, setState] = useState<string>();
  const [error, setError] = useState<string>();
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
        {a.next_retry_at ? <div className="hint">next retry {relative(a.next_retry_at)}</div> : null}
      </td>
      <td className="actions">
        <button
          type="button"
          aria-label={`${a.succeeded ? 'Send again' : 'Retry'} ${a.event_type} ${a.event_id}`}
          onClick={async () => {
            setError(undefined);
            try {
              const r = await client.webhooks.retryDelivery(props.endpointId, a.delivery_id);
              setState(`queued (${r.status})`);
              props.onRetried();
            } catch (err) {
              setError(describeError(err));
            }
          }}
        >
          {a.succeeded ? 'Send again' : 'Retry'}
        </button>
        <span aria-live="polite" className="hint">
          {state}
        </span>
        <ActionError message={error} />
      </td>
    </tr>
  );
}

/** One endpoint with its delivery log (every attempt), refreshed while open. */
function EndpointDetail(props: { id: string }) {
  const { client } = useApp();
  const endpoint = useLoad(() => client.webhooks.get(props.id), [props.id]);
  const [failedOnly, setFailedOnly] = useState(false);
  const log = useLoad(() => client.webhooks.deliveries(props.id, { limit: 100, ...(failedOnly ? { succeeded: false } : {}) }), [props.id, failedOnly], 3000);
  const [secret, setSecret] = useState<{ title: string; secret: string }>();
  const w = endpoint.data;
  return (
    <section>
      <p className="breadcrumb">
        <Link to="/webhooks">Webhooks</Link>
      </p>
      <PageHeader title="Delivery log" />
      <ErrorNote error={endpoint.error} what={`load endpoint ${props.id}`} />
      {secret ? <SecretOnce title={secret.title} secret={secret.secret} hint="This is the only time it is shown." testId="webhook-secret" onDone={() => setSecret(undefined)} /> : null}
      {w ? (
        <div className="card">
          <header className="approval-head">
            <h2 className="url">{w.url}</h2>
            <StatusBadge status={w.status} />
          </header>
          <Facts
            items={[
              ['Events', w.events.join(', ')],
              ['Description', w.description],
              ...(w.disabled_reason ? ([['Disabled because', w.disabled_reason]] as Array<[string, string]>) : []),
            ]}
          />
          <EndpointActions endpoint={w} onChanged={() => void endpoint.reload()} onSecret={setSecret} onDeleted={() => navigate('/webhooks')} />
        </div>
      ) : null}
      <div className="page-actions">
        <label className="check">
          <input type="checkbox" checked={failedOnly} onChange={(e) => setFailedOnly(e.target.checked)} />
          Failed attempts only
        </label>
      </div>
      <ErrorNote error={log.error} what="load the delivery log" />
      {log.data && log.data.data.length === 0 ? (
        <Empty>{failedOnly ? 'No failed attempt.' : 'Nothing delivered yet. Events the endpoint subscribes to appear here within seconds of happening.'}</Empty>
      ) : null}
      {log.data && log.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Delivery attempts, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Attempt</th>
                <th scope="col">Result</th>
                <th scope="col">Latency</th>
                <th scope="col">Response</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {log.data.data.map((a) => (
                <DeliveryRow key={a.id} endpointId={props.id} attempt={a} onRetried={() => void log.reload()} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** Webhook endpoints: create (secret shown once), enable/disable, rotate, delete; the delivery log with retry. */
export function Webhooks(props: { id?: string | undefined }) {
  return props.id ? <EndpointDetail id={props.id} /> : <EndpointList />;
}
