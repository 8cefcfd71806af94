// An LLM call wrapped in SpendGuard: estimate → reserve → call (simulated) → capture the actual cost.
// Run against a local server:
//   BURSAR_API_URL=http://127.0.0.1:4242 BURSAR_API_KEY=bsk_test_… [BURSAR_ADMIN_KEY=bmk_test_…] node examples/spendguard-llm/run.mjs
// With BURSAR_ADMIN_KEY it first puts the model's price into the operator's catalog.
import { randomUUID } from 'node:crypto';

const base = process.env.BURSAR_API_URL ?? 'http://127.0.0.1:4242';
const key = process.env.BURSAR_API_KEY;
const admin = process.env.BURSAR_ADMIN_KEY;
const model = process.env.MODEL ?? 'gpt-4o-mini';
if (!key) throw new Error('Set BURSAR_API_KEY to a spending key (bsk_…)');

async function call(method, path, body, { auth = key, idempotencyKey } = {}) {
  const headers = { authorization: `Bearer ${auth}`, 'content-type': 'application/json' };
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.error)}`);
  return json;
}

/** Stands in for the model: answers with the tokens it actually used (fewer than the worst case). */
async function simulatedLlmCall(prompt, maxOutputTokens) {
  const inputTokens = Math.ceil(prompt.length / 4);
  const outputTokens = Math.floor(maxOutputTokens * (0.3 + Math.random() * 0.6));
  return { text: `(${outputTokens} tokens of answer)`, usage: { input_tokens: inputTokens, output_tokens: outputTokens } };
}

if (admin) {
  await call('POST', '/v1/spend-guard/prices', { kind: 'model', name: model, currency: 'usd', merchant_name: 'OpenAI', input_per_million_cents: 15, output_per_million_cents: 60 }, { auth: admin });
}

const prompt = 'Summarize the quarterly cloud bill and flag anything unusual. '.repeat(2000);
const maxOutputTokens = 200_000;

// 1. Estimate the worst case from the operator's price catalog (and see the verdict for it).
const estimate = await call('POST', '/v1/spend-guard/estimate', { kind: 'token', model, input_tokens: Math.ceil(prompt.length / 4), output_tokens: maxOutputTokens });
console.log(JSON.stringify({ step: 'estimate', cost_cents: estimate.estimated_cost_cents, decision: estimate.decision }));
if (estimate.decision === 'deny') process.exit(2);

// 2. Reserve it. The Idempotency-Key makes a retry after a timeout safe.
const reservation = await call(
  'POST',
  '/v1/spend-guard/reservations',
  { amount_cents: estimate.estimated_cost_cents, currency: estimate.currency, merchant_name: estimate.merchant_name, reason: `LLM call to ${model}`, ttl_seconds: 600 },
  { idempotencyKey: randomUUID() },
);
console.log(JSON.stringify({ step: 'reserve', id: reservation.id, status: reservation.status }));
if (reservation.status !== 'reserved') process.exit(3); // declined, or waiting for a human (needs_approval)

// 3. Do the work; on failure give the budget back.
let result;
try {
  result = await simulatedLlmCall(prompt, maxOutputTokens);
} catch (err) {
  await call('POST', `/v1/spend-guard/reservations/${reservation.id}/release`);
  throw err;
}

// 4. Price what was actually used and capture just that; the rest is released.
const actual = await call('POST', '/v1/spend-guard/estimate', { kind: 'token', model, ...result.usage });
const captured = await call('POST', `/v1/spend-guard/reservations/${reservation.id}/capture`, { amount_cents: Math.max(1, actual.estimated_cost_cents) });
console.log(JSON.stringify({ step: 'capture', status: captured.status, captured_cents: captured.captured_amount_cents, released_cents: captured.released_amount_cents }));
