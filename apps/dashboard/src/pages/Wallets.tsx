import { useState, type FormEvent } from 'react';
import type { Wallet } from '@bursar/sdk';
import { amountPlaceholder, currencyDigits, money, parseAmount, time } from '../format.js';
import { useAction, usePagedList } from '../hooks.js';
import { ListView } from '../list.js';
import { ActionError, PageHeader, useApp } from '../ui.js';

/**
 * Sandbox funding: an amount in the wallet's currency, sent as minor units. An amount finer than
 * the currency's minor unit ("250.5" yen) is refused, never rounded into another amount.
 */
function Fund(props: { wallet: Wallet; onFunded: () => void }) {
  const { client } = useApp();
  const [amount, setAmount] = useState('');
  const fund = useAction();
  const id = `fund-${props.wallet.id}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = parseAmount(amount, props.wallet.currency);
    const cents = 'cents' in parsed ? parsed.cents : null;
    if (!cents) {
      fund.setError('error' in parsed ? parsed.error : 'Must be more than zero.');
      return;
    }
    await fund.run(async () => {
      await client.wallets.fund(props.wallet.id, { amount_cents: cents });
      setAmount('');
      props.onFunded();
    });
  }

  return (
    <form className="fund" onSubmit={submit} aria-label={`Fund the ${props.wallet.currency.toUpperCase()} wallet`}>
      <label htmlFor={id}>Add sandbox funds ({props.wallet.currency.toUpperCase()})</label>
      <div className="fund-row">
        <input
          id={id}
          inputMode={currencyDigits(props.wallet.currency) === 0 ? 'numeric' : 'decimal'}
          value={amount}
          onChange={(e) => {
            setAmount(e.target.value);
            fund.setError(undefined);
          }}
          placeholder={amountPlaceholder(250, props.wallet.currency)}
          aria-invalid={fund.error ? true : undefined}
          aria-describedby={fund.error ? `${id}-error` : undefined}
        />
        <button type="submit" disabled={fund.busy !== undefined || amount.trim() === ''}>
          Fund
        </button>
      </div>
      <ActionError message={fund.error} id={`${id}-error`} />
    </form>
  );
}

/** Wallet balances, and the sandbox faucet for test wallets. */
export function Wallets() {
  const { client } = useApp();
  const wallets = usePagedList((q) => client.wallets.list(q), [], { intervalMs: 10_000 });
  return (
    <section>
      <PageHeader title="Wallets" />
      <ListView list={wallets} what="load wallets" empty={<>No wallet yet. Create one with POST /v1/wallets {'{"currency": "usd"}'}.</>}>
        {(rows) => (
          <div className="tiles">
            {rows.map((w) => (
              <article key={w.id} className="tile" data-wallet={w.id} aria-label={`${w.currency.toUpperCase()} wallet`}>
                <span className="tile-label">
                  {w.currency.toUpperCase()} wallet {w.livemode ? '(live)' : '(sandbox)'}
                </span>
                <span className="tile-value">{money(w.available_cents, w.currency)}</span>
                <span className="hint">
                  {money(w.held_cents, w.currency)} held · since {time(w.created_at)}
                </span>
                {w.livemode ? null : <Fund wallet={w} onFunded={() => void wallets.reload()} />}
              </article>
            ))}
          </div>
        )}
      </ListView>
    </section>
  );
}
