import type { Card } from '@bursar/sdk';
import { money, time, words } from '../format.js';
import { useAction, useAgentNames, useLoad, usePagedList } from '../hooks.js';
import { ListTable, RowAction } from '../list.js';
import { ActionError, ConfirmButton, PageHeader, StatusBadge, useApp } from '../ui.js';

/** Virtual cards under policies: freeze, unfreeze, cancel. Numbers and CVCs are never shown here. */
export function Cards() {
  const { client } = useApp();
  const cards = usePagedList((q) => client.cards.list(q), [], { intervalMs: 10_000 });
  const agents = useAgentNames();
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
        empty="No card yet. Issue one with POST /v1/cards for an agent."
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
          { header: 'Agent', cell: (c) => agents.name(c.agent_id) },
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
    </section>
  );
}
