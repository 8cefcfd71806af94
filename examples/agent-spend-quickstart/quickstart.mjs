// The canonical agent loop against Bursar:
//   1. POST /v1/spend-requests with an idempotency key (made once for this intent, reused on retries)
//   2. if needs_approval, send the operator to approval_url and wait for the decision
//   3. reconcile: read the final state, and capture (complete) what was approved
//
//   cp .env.example .env && npm start
import { randomUUID } from 'node:crypto';
import { BursarClient, WaitTimeoutError } from '@bursar/sdk';

const env = process.env;
if (!env.BURSAR_API_KEY || env.BURSAR_API_KEY.includes('replace_me')) {
  console.error('Set BURSAR_API_KEY in .env to the agent\'s spending key (bsk_test_…, printed once by `npx bursar serve`).');
  process.exit(2);
}
const bursar = new BursarClient({ apiKey: env.BURSAR_API_KEY, baseUrl: env.BURSAR_API_URL });
const intent = {
  amount_cents: Number(env.AMOUNT_CENTS ?? 1200),
  currency: env.CURRENCY ?? 'usd',
  merchant_name: env.MERCHANT ?? 'AWS',
  reason: env.REASON ?? 'GPU runtime for evaluation job',
};
// One key per logical intent. Persist it with the intent if the process may restart before step 3.
const idempotencyKey = env.IDEMPOTENCY_KEY || randomUUID();

try {
  let spend = await bursar.createSpend(intent, { idempotencyKey });
  console.log(`1. asked for ${(intent.amount_cents / 100).toFixed(2)} ${intent.currency.toUpperCase()} at ${intent.merchant_name}: ${spend.status} (${spend.decision_reason}) [${spend.id}]`);

  if (spend.status === 'needs_approval') {
    console.log(`2. a human must decide: ${spend.approval_url}`);
    console.log('   waiting (webhooks are better in production; this polls)…');
    spend = await bursar.waitForDecision(spend.id, { intervalMs: Number(env.POLL_SECONDS ?? 5) * 1000, timeoutMs: Number(env.WAIT_SECONDS ?? 900) * 1000 });
    console.log(`   decided: ${spend.status} (${spend.decision_reason})`);
  } else {
    console.log('2. no human needed');
  }

  if (spend.status === 'approved') {
    // The purchase happens here. Then capture what was actually paid; the rest is released.
    spend = await bursar.completeSpend(spend.id, { amount_cents: intent.amount_cents });
  }
  const final = await bursar.getSpend(spend.id);
  console.log(`3. reconciled: ${final.id} is ${final.status}${final.captured_amount_cents !== null ? `, captured ${final.captured_amount_cents} cents` : ''}`);
  const balance = await bursar.getBalance();
  console.log(`   remaining ${balance.budget_period ?? ''} budget: ${balance.remaining_budget_cents ?? 'unlimited'} cents`);
  console.log(JSON.stringify({ id: final.id, status: final.status, captured_amount_cents: final.captured_amount_cents }));
} catch (err) {
  if (err instanceof WaitTimeoutError) {
    console.error(`Nobody decided in time; ${err.spendRequest.id} is still pending. Run again later with IDEMPOTENCY_KEY=${idempotencyKey} to pick it up.`);
    process.exit(1);
  }
  console.error(`Bursar said: ${err.code ?? 'error'}: ${err.message}`);
  process.exit(3);
}
