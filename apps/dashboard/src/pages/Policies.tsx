import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Policy } from '@bursar/sdk';
import { collect } from '../api.js';
import { describeError, fieldError, money, refusedField, sentence, time } from '../format.js';
import { useLoad, usePagedList } from '../hooks.js';
import { BudgetAlerts } from '../BudgetAlerts.js';
import { DraftComparison, useDraftComparison } from '../DraftComparison.js';
import { PolicyVersions } from '../PolicyVersions.js';
import {
  allKeys, bodyOf, countFields, labels, listFields, moneyFields, ruleFields, validateField, valuesOf, type Errors, type Key, type Values,
} from '../policy-fields.js';
import { ListTable } from '../list.js';
import { navigate, pathTo, useLocation } from '../router.js';
import { ActionError, Breadcrumb, ErrorNote, Field, Link, PageHeader, StatusBadge, useApp } from '../ui.js';

const timeZones: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
})();

/** Create or edit a policy: every field, checked as it is typed and again by the server. */
function PolicyForm(props: { policy?: Policy }) {
  const { client } = useApp();
  const editing = props.policy !== undefined;
  const [values, setValues] = useState<Values>(() => valuesOf(props.policy));
  const [touched, setTouched] = useState<Partial<Record<Key, boolean>>>({});
  const [serverErrors, setServerErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const comparison = useDraftComparison(props.policy?.id ?? '');
  const [compared, setCompared] = useState<string>();

  const errors: Errors = {};
  for (const k of allKeys) {
    const e = serverErrors[k] ?? validateField(k, values);
    if (e) errors[k] = e;
  }
  const shown = (k: Key) => (touched[k] || serverErrors[k] ? errors[k] : undefined);

  function set(k: Key, value: string) {
    setValues((v) => ({ ...v, [k]: value }));
    setServerErrors((e) => ({ ...e, [k]: undefined }));
  }

  function focusField(k: Key) {
    formRef.current?.querySelector<HTMLElement>(`#policy-${k}`)?.focus();
  }

  /** Shows every field's error and focuses the first; true when the form is fit to send. */
  function checkAll(): boolean {
    setFormError(undefined);
    setTouched(Object.fromEntries(allKeys.map((k) => [k, true])));
    // The server judges again on every submit: its earlier refusals give way to the client's checks.
    setServerErrors({});
    const firstBad = allKeys.find((k) => validateField(k, values));
    if (firstBad) focusField(firstBad);
    return firstBad === undefined;
  }

  /** Replays the policy's recent decisions under the form as it is, before anything is saved. */
  function compare() {
    if (!checkAll()) return;
    const draft = bodyOf(values, true);
    setCompared(JSON.stringify(draft));
    comparison.start(draft);
  }
  const changedSinceCompared = comparison.comparison.state === 'done' && compared !== JSON.stringify(bodyOf(values, true));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!checkAll()) return;
    setBusy(true);
    try {
      const body = bodyOf(values, editing);
      const saved = editing ? await client.policies.update(props.policy!.id, body) : await client.policies.create(body);
      navigate(`/policies?saved=${encodeURIComponent(saved.id)}`);
    } catch (err) {
      // The server names the field it refused (`daily_limit_cents`, `allowed_merchants.3`): show it there.
      const refused = fieldError(err);
      const field = refusedField(refused, allKeys);
      if (field) {
        setServerErrors((s) => ({ ...s, [field]: sentence(refused.message) }));
        setTouched((t) => ({ ...t, [field]: true }));
        focusField(field);
      } else setFormError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  const currency = /^[A-Za-z]{3}$/.test(values.currency.trim()) ? values.currency.trim().toUpperCase() : 'USD';

  function input(k: Key, opts: { hint?: string; inputMode?: 'decimal' | 'numeric'; list?: string; placeholder?: string; disabled?: boolean; prefix?: string } = {}) {
    return (
      <Field key={k} id={`policy-${k}`} label={labels[k]} hint={opts.hint} error={shown(k)}>
        {(c) => (
          <div className="input-row">
            {opts.prefix ? <span className="unit" aria-hidden="true">{opts.prefix}</span> : null}
            <input
              {...c}
              name={k}
              value={values[k]}
              inputMode={opts.inputMode}
              list={opts.list}
              placeholder={opts.placeholder}
              disabled={opts.disabled}
              autoComplete="off"
              onChange={(e) => set(k, e.target.value)}
              onBlur={() => setTouched((t) => ({ ...t, [k]: true }))}
            />
          </div>
        )}
      </Field>
    );
  }

  return (
    <form ref={formRef} className="card policy-form" onSubmit={submit} noValidate aria-labelledby="policy-form-title">
      <h1 id="policy-form-title">{editing ? `Edit ${props.policy!.name}` : 'New policy'}</h1>
      <fieldset>
        <legend>Basics</legend>
        <div className="grid-3">
          {input('name', { placeholder: 'Research agents' })}
          {input('currency', { hint: editing ? 'A policy keeps its currency; create a new one for another.' : 'Budgets are in this currency.', disabled: editing, placeholder: 'usd' })}
          {input('timezone', { hint: 'Periods are calendar windows in this zone.', list: 'time-zones' })}
        </div>
        <datalist id="time-zones">
          {timeZones.map((tz) => (
            <option key={tz} value={tz} />
          ))}
        </datalist>
        <label className="check">
          <input type="checkbox" checked={values.is_active} onChange={(e) => setValues((v) => ({ ...v, is_active: e.target.checked }))} />
          Active (an inactive policy declines every request of its agents)
        </label>
      </fieldset>
      <fieldset>
        <legend>Limits in {currency} (leave empty for no limit)</legend>
        <div className="grid-3">{moneyFields.map(([k, , hint]) => input(k, { hint, inputMode: 'decimal', prefix: currency }))}</div>
      </fieldset>
      <fieldset>
        <legend>Velocity (leave empty for no limit)</legend>
        <div className="grid-3">{countFields.map(([k]) => input(k, { inputMode: 'numeric' }))}</div>
      </fieldset>
      <fieldset>
        <legend>Approvals and alerts</legend>
        <div className="grid-2">{ruleFields.map(([k, , hint]) => input(k, { hint, inputMode: k === 'approvals_required' ? 'numeric' : undefined }))}</div>
      </fieldset>
      <fieldset>
        <legend>Merchants and categories</legend>
        <div className="grid-2">
          {listFields.map(([k, , hint]) => (
            <Field key={k} id={`policy-${k}`} label={labels[k]} hint={hint} error={shown(k)}>
              {(c) => <textarea {...c} name={k} rows={3} value={values[k]} onChange={(e) => set(k, e.target.value)} onBlur={() => setTouched((t) => ({ ...t, [k]: true }))} />}
            </Field>
          ))}
        </div>
      </fieldset>
      <ActionError message={formError} />
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : editing ? 'Save changes' : 'Create policy'}
        </button>
        {editing ? (
          <button type="button" onClick={compare} disabled={busy || comparison.comparison.state === 'running'}>
            Compare with history
          </button>
        ) : null}
        <Link to="/policies" className="button-link">
          Cancel
        </Link>
      </div>
      {editing ? (
        <p className="hint">Compare with history replays the last 30 days of this policy's decisions under the form as it is now, without saving it.</p>
      ) : null}
      {changedSinceCompared ? <p className="hint">The form has changed since this comparison: compare again to see the changes' effect.</p> : null}
      <DraftComparison state={comparison} />
    </form>
  );
}

function limitSummary(p: Policy): string {
  const parts: string[] = [];
  const add = (label: string, v: number | null) => {
    if (v !== null) parts.push(`${label} ${money(v, p.currency)}`);
  };
  add('single', p.max_single_amount_cents);
  add('daily', p.daily_limit_cents);
  add('weekly', p.weekly_limit_cents);
  add('monthly', p.monthly_limit_cents);
  add('total', p.total_limit_cents);
  return parts.length ? parts.join(' · ') : 'no limits';
}

function ruleSummary(p: Policy): string {
  const parts: string[] = [];
  if (p.max_transactions_per_minute !== null) parts.push(`${p.max_transactions_per_minute}/min`);
  if (p.max_transactions_per_hour !== null) parts.push(`${p.max_transactions_per_hour}/h`);
  if (p.allowed_merchants.length) parts.push(`${p.allowed_merchants.length} allowed merchant${p.allowed_merchants.length === 1 ? '' : 's'}`);
  if (p.blocked_merchants.length) parts.push(`${p.blocked_merchants.length} blocked merchant${p.blocked_merchants.length === 1 ? '' : 's'}`);
  if (p.allowed_categories.length) parts.push(`${p.allowed_categories.length} allowed categor${p.allowed_categories.length === 1 ? 'y' : 'ies'}`);
  if (p.blocked_categories.length) parts.push(`${p.blocked_categories.length} blocked categor${p.blocked_categories.length === 1 ? 'y' : 'ies'}`);
  return parts.join(' · ') || '—';
}

function PolicyList() {
  const { client } = useApp();
  const location = useLocation();
  const saved = location.searchParams.get('saved');
  const policies = usePagedList((q) => client.policies.list(q), [saved]);
  const agents = useLoad(() => collect((q) => client.agents.list(q), 1000), []);
  const agentCount = new Map<string, number>();
  for (const a of agents.data ?? []) if (a.status !== 'revoked') agentCount.set(a.policy_id, (agentCount.get(a.policy_id) ?? 0) + 1);
  const savedPolicy = policies.rows?.find((p) => p.id === saved);
  return (
    <>
      <PageHeader title="Policies">
        <Link to="/policies/new" className="button-link primary">
          New policy
        </Link>
      </PageHeader>
      <p className="hint">A policy is a profile: its budgets are shared by every agent under it. An agent without an active policy is denied.</p>
      {savedPolicy ? (
        <p role="status" className="alert ok">
          Saved “{savedPolicy.name}”.
        </p>
      ) : null}
      <ListTable
        list={policies}
        what="load policies"
        empty="No policy yet. Create one, then put agents under it."
        caption="Policies"
        rowId="policy"
        columns={[
          {
            header: 'Name',
            cell: (p) => (
              <>
                <Link to={pathTo('/policies', p.id)}>{p.name}</Link>
                <div className="hint">
                  {p.currency.toUpperCase()} · {p.timezone}
                </div>
              </>
            ),
          },
          { header: 'Status', cell: (p) => <StatusBadge status={p.is_active ? 'active' : 'inactive'} /> },
          { header: 'Limits', cell: limitSummary },
          { header: 'Ask a human above', className: 'num', cell: (p) => (p.require_approval_over_cents === null ? '—' : money(p.require_approval_over_cents, p.currency)) },
          { header: 'Rules', cell: ruleSummary },
          { header: 'Agents', className: 'num', cell: (p) => (agents.data ? (agentCount.get(p.id) ?? 0) : '…') },
          { header: 'Updated', cell: (p) => time(p.updated_at) },
        ]}
      />
    </>
  );
}

function EditPolicy(props: { id: string }) {
  const { client } = useApp();
  const policy = useLoad(() => client.policies.get(props.id), [props.id]);
  useEffect(() => {
    if (policy.data) document.title = `${policy.data.name} · Bursar`;
  }, [policy.data]);
  if (policy.error) return <ErrorNote error={policy.error} what={`load policy ${props.id}`} />;
  if (!policy.data) return <p aria-busy="true">Loading {props.id}…</p>;
  return (
    <>
      <PolicyForm key={policy.data.id} policy={policy.data} />
      <BudgetAlerts policyId={policy.data.id} thresholds={policy.data.alert_thresholds_percent} />
      <PolicyVersions policy={policy.data} />
    </>
  );
}

/** Policies: the list, and a form that creates or edits every field with inline validation. */
export function Policies(props: { id?: string | undefined }) {
  if (props.id === undefined)
    return (
      <section>
        <PolicyList />
      </section>
    );
  return (
    <section>
      <Breadcrumb to="/policies" />
      {props.id === 'new' ? <PolicyForm /> : <EditPolicy id={props.id} />}
    </section>
  );
}
