export { BursarClient, WaitTimeoutError, decidedStatuses, newIdempotencyKey, type BursarClientOptions, type CallOptions, type ListCreatedParams, type ListSpendParams } from './client.js';
export * from './errors.js';
export * from './types.js';
export { backoffMs, isRetryableStatus, retryAfterMs, type RetryOptions } from './retry.js';
export {
  fetchWithSpend, sandboxPayer, readPaymentRequired, readSettlement, quoteOf, choosePaymentOption, requirementAmount, encodeX402Header,
  decodeX402Header, X402Error, X402UnpayableError,
  type FetchWithSpendOptions, type PaymentRequired, type PaymentRequirement, type X402Allowed, type X402Choice, type X402ErrorCode,
  type X402Option, type X402Payer, type X402Quote, type X402Refusal, type X402RefusalCode, type X402Settlement,
} from './x402.js';
export { knownX402Assets, type X402Asset } from './x402-assets.js';
// Webhook verification lives in core (Node's crypto); re-exported so integrations need one import.
export { verifyWebhook, WebhookVerificationError } from '@bursar/core';
