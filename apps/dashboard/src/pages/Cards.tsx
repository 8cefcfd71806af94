import { useState } from 'react';
import type { Card } from '../api.js';
import { describeError, money, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { ActionError, ConfirmButton, Empty, ErrorNote, PageHeader, StatusBadge, useApp, useControl } from '../ui.js';

/** Virtual cards under policies: freeze, unfreeze, cancel. Numbers and CVCs are never shown here. */
export function Cards() {
  const { client } = useApp();
  const control = useControl();
  const cards = useLoad(() => control.cards.list({ limit: 100 }), [], 10_000);
  const agents = useLoad(() => client.agents.list({ limit: 100 }), []);
  const policies = useLoad(() => client.policies.list({ limit: 100 }), []);
  const agentName = new Map((agents.data?.data ?? []).map((a) => [a.id, a.name]));
  // A card spends in its policy's currency.
  const currencyOf = new Map((policies.data?.data ?? []).map((p) => [p.id, p.currency]));
  const [error, setError] = useState<string>();

  async function act(c: Card, to: 'freeze' | 'unfreeze' | 'cancel') {
    setError(undefined);
    try {
      await control.cards.transition(c.id, to);
      await cards.reload();
    } catch (err) {
      setError(`Could not ${to} the card ending ${c.last4}: ${describeError(err)}`);
    }
  }

  return (
    <section>
      <PageHeader title="Cards" />
      <p className="hint">Virtual cards spend under their policy; a frozen card's authorizations are declined until it is unfrozen. Card numbers are shown only once, to the agent.</p>
      <ErrorNote error={cards.error} what="load cards" />
      <ActionError message={error} />
      {cards.data && cards.data.data.length === 0 ? <Empty>No card yet. Issue one with POST /v1/cards for an agent.</Empty> : null}
      {cards.data && cards.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Cards, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Card</th>
                <th scope="col">Status</th>
                <th scope="col">Agent</th>
                <th scope="col">Spent</th>
                <th scope="col">Limit</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {cards.data.data.map((c) => {
                const currency = currencyOf.get(c.policy_id) ?? 'usd';
                const label = `${c.brand} ending ${c.last4}`;
                return (
                  <tr key={c.id} data-card={c.id}>
                    <td title={c.id}>
                      {c.name ?? label}
                      <div className="hint">
                        {label} · {c.type.replace(/_/g, ' ')} · {String(c.exp_month).padStart(2, '0')}/{c.exp_year}
                        {c.merchant_name ? ` · for ${c.merchant_name}` : ''}
                      </div>
                    </td>
                    <td>
                      <StatusBadge status={c.status} />
                    </td>
                    <td>{agentName.get(c.agent_id) ?? c.agent_id}</td>
                    <td className="num">
                      {money(c.spent_cents, currency)}
                      {c.held_cents ? <div className="hint">{money(c.held_cents, currency)} held</div> : null}
                    </td>
                    <td className="num">{c.spend_limit_cents === null ? 'policy' : money(c.spend_limit_cents, currency)}</td>
                    <td>{time(c.created_at)}</td>
                    <td className="actions">
                      {c.status === 'active' ? (
                        <button type="button" onClick={() => act(c, 'freeze')} aria-label={`Freeze ${label}`}>
                          Freeze
                        </button>
                      ) : null}
                      {c.status === 'frozen' ? (
                        <button type="button" onClick={() => act(c, 'unfreeze')} aria-label={`Unfreeze ${label}`}>
                          Unfreeze
                        </button>
                      ) : null}
                      {c.status === 'active' || c.status === 'frozen' ? (
                        <ConfirmButton label="Cancel" confirmLabel="Cancel for good" name={`Cancel ${label}`} onConfirm={() => act(c, 'cancel')} />
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
