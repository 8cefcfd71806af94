export { BursarClient, WaitTimeoutError, decidedStatuses, newIdempotencyKey, type BursarClientOptions, type CallOptions, type ListCreatedParams, type ListSpendParams } from './client.js';
export * from './errors.js';
export * from './types.js';
export { backoffMs, isRetryableStatus, retryAfterMs, type RetryOptions } from './retry.js';
export {
  fetchWithSpend, sandboxPayer, readPaymentRequired, quoteOf, requirementAmount, encodeX402Header, decodeX402Header, X402Error,
  type FetchWithSpendOptions, type PaymentRequired, type PaymentRequirement, type X402Payer,
} from './x402.js';
// Webhook verification lives in core (Node's crypto); re-exported so integrations need one import.
export { verifyWebhook, WebhookVerificationError } from '@bursar/core';
