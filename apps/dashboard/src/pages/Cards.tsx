import { useState, type FormEvent } from 'react';
import type { Agent, Card, Policy } from '@bursar/sdk';
import { collect } from '../api.js';
import { amountPlaceholder, fieldError, money, parseAmount, refusedField, sentence, time, words } from '../format.js';
import { useAction, useLoad, usePagedList } from '../hooks.js';
import { ListTable, RowAction } from '../list.js';
import { AgentLink, ActionError, ConfirmButton, Empty, Field, PageHeader, StatusBadge, useApp } from '../ui.js';

/** The fields of a new card, named as the API names them (a refusal's `field` lands on its own). */
type CardField = 'policy_id' | 'type' | 'spend_limit_cents' | 'name' | 'agent_id';
const cardFields: CardField[] = ['policy_id', 'type', 'spend_limit_cents', 'name', 'agent_id'];
type CardErrors = Partial<Record<CardField, string>>;

const cardTypes = [
  ['multi_use', 'Multi-use'],
  ['single_use', 'Single use'],
] as const;

/**
 * Issues a card under a policy: a lifetime limit in the policy's currency, and the agent it
 * spends as (by default the server makes it a cardholder agent of its own). What comes back is
 * the card without its number: the dashboard never shows one.
 */
function IssueCard(props: { policies: readonly Policy[]; agents: readonly Agent[]; onIssued: () => void }) {
  const { client } = useApp();
  const [policyId, setPolicyId] = useState('');
  const [type, setType] = useState<Card['type']>('multi_use');
  const [limit, setLimit] = useState('');
  const [name, setName] = useState('');
  const [agentId, setAgentId] = useState('');
  const [touched, setTouched] = useState<Partial<Record<CardField, boolean>>>({});
  const [serverError, setServerError] = useState<{ field?: string; message: string }>();
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<string>();

  const policy = props.policies.find((p) => p.id === policyId) ?? props.policies[0];
  const currency = policy?.currency ?? 'usd';
  const holders = props.agents.filter((a) => a.policy_id === policy?.id && a.status !== 'revoked');
  const parsedLimit = parseAmount(limit, currency);

  // What the form itself can tell, then what the server refused (until the field changes).
  const checks: CardErrors = {
    spend_limit_cents: 'error' in parsedLimit ? parsedLimit.error : parsedLimit.cents === 0 ? 'Must be more than zero (leave empty for no card limit).' : undefined,
    name: name.trim().length > 200 ? 'Must be at most 200 characters.' : undefined,
  };
  const refused = refusedField(serverError, cardFields);
  const errors = { ...checks };
  if (refused) errors[refused] = sentence(serverError!.message);
  const shown = (k: CardField) => (touched[k] || refused === k ? errors[k] : undefined);

  function edit(k: CardField, set: (v: string) => void) {
    return (e: { target: { value: string } }) => {
      set(e.target.value);
      setIssued(undefined);
      if (refused === k || (refused === undefined && serverError)) setServerError(undefined);
    };
  }
  const blur = (k: CardField) => () => setTouched((t) => ({ ...t, [k]: true }));
  const focus = (k: CardField) => document.getElementById(`card-${k}`)?.focus();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setIssued(undefined);
    setServerError(undefined);
    setTouched(Object.fromEntries(cardFields.map((k) => [k, true])));
    // The server judges again on every submit: its earlier refusal gives way to the checks here.
    const firstBad = cardFields.find((k) => checks[k]);
    if (firstBad || !policy) {
      if (firstBad) focus(firstBad);
      return;
    }
    const cents = 'cents' in parsedLimit ? parsedLimit.cents : null;
    setBusy(true);
    try {
      const card = await client.cards.create({
        policy_id: policy.id,
        type,
        ...(cents !== null ? { spend_limit_cents: cents } : {}),
        ...(agentId ? { agent_id: agentId } : {}),
        ...(name.trim() ? { name: name.trim() } : {}),
      });
      setLimit('');
      setName('');
      setAgentId('');
      setTouched({});
      setIssued(`Issued ${card.name ? `“${card.name}”, ` : ''}${card.brand} ending ${card.last4}.`);
      props.onIssued();
    } catch (err) {
      // The server names the field it refused (`spend_limit_cents`, `agent_id`): show it there.
      const e = fieldError(err);
      setServerError(e);
      const field = refusedField(e, cardFields);
      if (field) focus(field);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card issue-card" onSubmit={submit} noValidate aria-labelledby="issue-card-title">
      <h2 id="issue-card-title">Issue a card</h2>
      <div className="grid-3">
        <Field id="card-policy_id" label="Policy" hint="The card spends under its rules and budgets." error={shown('policy_id')}>
          {(c) => (
            <select
              {...c}
              value={policy?.id ?? ''}
              onChange={(e) => {
                edit('policy_id', setPolicyId)(e);
                // Another policy's agents cannot hold this card.
                setAgentId('');
              }}
            >
              {props.policies.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.currency.toUpperCase()}){p.is_active ? '' : ' · inactive'}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="card-type" label="Type" hint={type === 'single_use' ? 'Closes after its first approved authorization.' : 'Spends again and again, up to its limit.'} error={shown('type')}>
          {(c) => (
            <select {...c} value={type} onChange={edit('type', (v) => setType(v as Card['type']))}>
              {cardTypes.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id="card-spend_limit_cents"
          label="Spend limit (optional)"
          hint={`In ${currency.toUpperCase()}, the policy's currency, across the card's life. Empty: only the policy's budgets apply.`}
          error={shown('spend_limit_cents')}
        >
          {(c) => (
            <div className="input-row">
              <span className="unit" aria-hidden="true">
                {currency.toUpperCase()}
              </span>
              <input {...c} value={limit} inputMode="decimal" autoComplete="off" placeholder={amountPlaceholder(200, currency)} onChange={edit('spend_limit_cents', setLimit)} onBlur={blur('spend_limit_cents')} />
            </div>
          )}
        </Field>
        <Field id="card-name" label="Name (optional)" hint="How the card shows in this list." error={shown('name')}>
          {(c) => <input {...c} value={name} maxLength={300} autoComplete="off" placeholder="research card" onChange={edit('name', setName)} onBlur={blur('name')} />}
        </Field>
        <Field id="card-agent_id" label="Agent (optional)" hint="The agent whose spending it is; by default a new cardholder agent under the policy." error={shown('agent_id')}>
          {(c) => (
            <select {...c} value={agentId} onChange={edit('agent_id', setAgentId)}>
              <option value="">A new cardholder agent</option>
              {holders.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                  {a.status === 'active' ? '' : ` (${words(a.status)})`}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ActionError message={serverError && !refused ? serverError.message : undefined} />
      {issued ? (
        <p role="status" className="alert ok">
          {issued}
        </p>
      ) : null}
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy || !policy}>
          {busy ? 'Issuing…' : 'Issue card'}
        </button>
      </div>
    </form>
  );
}

/** Virtual cards under policies: issue, freeze, unfreeze, cancel. Numbers and CVCs are never shown here. */
export function Cards() {
  const { client } = useApp();
  const cards = usePagedList((q) => client.cards.list(q), [], { intervalMs: 10_000 });
  // Every agent, not only the first page: the form offers those under the chosen policy.
  const agents = useLoad(() => collect((q) => client.agents.list(q), 1000), []);
  const agentNames = new Map((agents.data ?? []).map((a) => [a.id, a.name]));
  const policies = useLoad(() => client.policies.list({ limit: 100 }), []);
  // A card spends in its policy's currency.
  const currencyOf = new Map((policies.data?.data ?? []).map((p) => [p.id, p.currency]));
  const currency = (c: Card) => currencyOf.get(c.policy_id) ?? 'usd';
  const label = (c: Card) => `${c.brand} ending ${c.last4}`;
  const action = useAction();
  const act = (c: Card, to: 'freeze' | 'unfreeze' | 'cancel') => action.run(() => client.cards[to](c.id).then(cards.reload), { failure: `${to} the card ending ${c.last4}` });

  return (
    <section>
      <PageHeader title="Cards" />
      <p className="hint">Virtual cards spend under their policy; a frozen card's authorizations are declined until it is unfrozen. Card numbers are shown only once, to the agent.</p>
      <ActionError message={action.error} />
      <ListTable
        list={cards}
        what="load cards"
        empty="No card yet. Issue one below under a policy."
        caption="Cards, newest first"
        rowId="card"
        columns={[
          {
            header: 'Card',
            title: (c) => c.id,
            cell: (c) => (
              <>
                {c.name ?? label(c)}
                <div className="hint">
                  {label(c)} · {words(c.type)} · {String(c.exp_month).padStart(2, '0')}/{c.exp_year}
                  {c.merchant_name ? ` · for ${c.merchant_name}` : ''}
                </div>
              </>
            ),
          },
          { header: 'Status', cell: (c) => <StatusBadge status={c.status} /> },
          { header: 'Agent', cell: (c) => <AgentLink id={c.agent_id} name={agentNames.get(c.agent_id)} /> },
          {
            header: 'Spent',
            className: 'num',
            cell: (c) => (
              <>
                {money(c.spent_cents, currency(c))}
                {c.held_cents ? <div className="hint">{money(c.held_cents, currency(c))} held</div> : null}
              </>
            ),
          },
          { header: 'Limit', className: 'num', cell: (c) => (c.spend_limit_cents === null ? 'policy' : money(c.spend_limit_cents, currency(c))) },
          { header: 'Created', cell: (c) => time(c.created_at) },
        ]}
        actions={(c) => (
          <>
            {c.status === 'active' ? <RowAction label="Freeze" object={label(c)} onClick={() => act(c, 'freeze')} /> : null}
            {c.status === 'frozen' ? <RowAction label="Unfreeze" object={label(c)} onClick={() => act(c, 'unfreeze')} /> : null}
            {c.status === 'active' || c.status === 'frozen' ? (
              <ConfirmButton label="Cancel" confirmLabel="Cancel for good" name={`Cancel ${label(c)}`} onConfirm={() => act(c, 'cancel')} />
            ) : null}
          </>
        )}
      />

      {policies.data && policies.data.data.length === 0 ? <Empty>A card spends under a policy: create one on the Policies page first.</Empty> : null}
      {policies.data && policies.data.data.length > 0 ? (
        <IssueCard
          policies={policies.data.data}
          agents={agents.data ?? []}
          onIssued={() => {
            void cards.reload();
            // A card issued without an agent comes with a cardholder agent of its own.
            void agents.reload();
          }}
        />
      ) : null}
    </section>
  );
}
