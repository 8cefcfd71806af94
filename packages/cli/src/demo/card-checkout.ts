import { setTimeout as sleep } from 'node:timers/promises';
import { BursarApiError, type BursarClient, type CheckoutIntent } from '@bursar/sdk';
import { money } from '../api.js';
import { announceApproval, notPaid, type FlowOptions } from './approval-link.js';
import { startSandboxMerchant, type CheckoutReceipt } from './sandbox-merchant.js';

/** As long as fetchWithSpend waits for a human in the 402 flow, polled as often. */
const DECISION_WAIT_MS = 600_000;
const POLL_MS = 2000;

/** Polls the intent until a human decided it; the agent's first read after an approval carries the credential, once. */
async function waitForIntentDecision(client: BursarClient, pending: CheckoutIntent): Promise<CheckoutIntent> {
  const deadline = Date.now() + DECISION_WAIT_MS;
  let intent = pending;
  while (intent.status === 'needs_approval') {
    if (Date.now() >= deadline) throw new Error(`Checkout intent ${intent.id} is still needs_approval after ${DECISION_WAIT_MS / 60_000} minutes`);
    await sleep(POLL_MS);
    intent = await client.checkoutIntents.get(intent.id);
  }
  return intent;
}

async function payAt(merchantUrl: string, card: Record<string, unknown>): Promise<CheckoutReceipt> {
  const res = await fetch(`${merchantUrl}/checkout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(card) });
  return (await res.json()) as CheckoutReceipt;
}

/** An intent left open (pending or approved, its credential unused) is cancelled, so nothing stays held. */
async function release(client: BursarClient, id: string): Promise<void> {
  const intent = await client.checkoutIntents.get(id).catch(() => undefined);
  if (intent?.status !== 'approved' && intent?.status !== 'needs_approval') return;
  await client.checkoutIntents.cancel(id).then(
    () => process.stdout.write(`  Cancelled checkout intent ${id}: its hold is released.\n\n`),
    () => undefined,
  );
}

/**
 * The virtual card flow: a checkout intent decided by policy (a human approves if the policy
 * says so), a single-use credential bound to the merchant and amount, a sandbox merchant that
 * charges it through the card network simulator, and the intent completed by the capture.
 * `network` is the merchant's side (a management key); without it the flow explains and returns.
 */
export async function cardCheckoutFlow(
  client: BursarClient,
  network: BursarClient | undefined,
  ask: (q: string) => Promise<string>,
  opts: FlowOptions,
): Promise<void> {
  if (!network) {
    process.stdout.write(
      '  The sandbox merchant charges the card through POST /v1/sandbox/card-authorizations, which takes a management key:\n' +
        '  set BURSAR_API_KEY=bmk_… (the agent keeps BURSAR_SPEND_KEY=bsk_…) or pass --merchant-key bmk_….\n',
    );
    return;
  }
  const merchantName = (await ask('Merchant [Acme Cloud]: ')).trim() || 'Acme Cloud';
  const cents = Number((await ask('Price of the order in cents [1500]: ')).trim() || '1500');
  if (!Number.isInteger(cents) || cents <= 0) {
    process.stdout.write('  The price must be a positive whole number of cents.\n');
    return;
  }
  const currency = 'usd';
  const merchant = await startSandboxMerchant({ network, name: merchantName, amountCents: cents, currency });
  let intentId: string | undefined;
  try {
    process.stdout.write(`\n◆ Started a sandbox merchant at ${merchant.url}: ${merchantName} asks ${money(cents, currency)} for a GPU-hour pack\n◆ Asking Bursar: POST /v1/checkout-intents\n`);
    let intent = await client.checkoutIntents.create({ amount_cents: cents, currency, merchant_name: merchantName, reason: 'Agent demo: buy a GPU-hour pack by card' });
    intentId = intent.id;
    process.stdout.write(`  ${intent.status}: ${intent.decision_reason} [${intent.id}]\n`);
    if (intent.status === 'needs_approval') {
      announceApproval(intent, opts);
      intent = await waitForIntentDecision(client, intent);
      process.stdout.write(`  ${intent.status}: ${intent.decision_reason} [${intent.id}]\n`);
    }
    const credential = intent.credential;
    if (intent.status !== 'approved' || !credential?.number || !credential.cvc) {
      notPaid(new Error(`${intent.status}: ${intent.decision_reason}`), intent.id);
      return;
    }
    const exp = `${String(credential.exp_month).padStart(2, '0')}/${String(credential.exp_year).slice(-2)}`;
    process.stdout.write(
      `◆ Single-use credential ${credential.card_id}: ${credential.brand} •••• ${credential.last4}, exp ${exp}, ` +
        `bound to ${credential.merchant_name} for ${money(credential.amount_cents, currency)}, valid until ${credential.expires_at ?? 'used'}\n` +
        `  (its number and CVC go to the merchant only; Bursar showed them this once)\n◆ Paying at the merchant: POST ${merchant.url}/checkout\n`,
    );
    const card = { card_number: credential.number, cvc: credential.cvc, exp_month: credential.exp_month, exp_year: credential.exp_year };
    const receipt = await payAt(merchant.url, card);
    if (!receipt.paid) {
      notPaid(new Error(`the merchant's charge was declined: ${receipt.error ?? 'unknown'}`), receipt.authorization_id ?? intent.id);
      return;
    }
    process.stdout.write(`  The merchant charged it: POST /v1/sandbox/card-authorizations, then capture → ${receipt.status} [${receipt.authorization_id}]\n`);
    const replay = await payAt(merchant.url, card);
    process.stdout.write(`◆ The merchant tries the same card again: ${replay.paid ? 'paid' : `declined (${replay.decline_code}: ${replay.error})`}\n`);
    const done = await client.checkoutIntents.get(intent.id);
    process.stdout.write(
      `◆ Checkout intent ${done.id} is ${done.status}: ${money(done.captured_amount_cents, done.currency)} captured at ${done.merchant_name}; the ledger has the capture.\n\n`,
    );
  } catch (err) {
    const shortfall = (err as BursarApiError).body?.checkout_intent as { id?: string } | undefined;
    notPaid(err, intentId ?? shortfall?.id);
    if (err instanceof BursarApiError && (err.status === 401 || err.status === 403)) throw err;
  } finally {
    if (intentId) await release(client, intentId);
    await merchant.close();
  }
}
