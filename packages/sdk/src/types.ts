import type {
  agentSchema, apiKeySchema, auditEntrySchema, approvalSchema, balanceSchema, callbackSecretSchema, createAgentBody, createdApiKeySchema,
  createKeyBody, createPolicyBody, createSpendBody, createWebhookBody, deliveryAttemptSchema, eventSchema, fundResultSchema,
  ledgerTransactionSchema, ledgerVerifySchema, policySchema, retryResultSchema, spendRequestSchema, updatePolicyBody,
  updateWebhookBody, walletBalanceSchema, walletSchema, webhookEndpointSchema, webhookEndpointWithSecretSchema,
  cardAuthorizationSchema, cardSchema, checkoutIntentSchema, createCardAuthorizationBody, createCardBody, createCheckoutIntentBody,
  createdWorkspaceSchema, createTransferBody, transferSchema, workspaceSchema, workspacePlanSchema,
  createExecutionTokenBody, createLeaseBody, createMandateBody, createPaymentBody, createReservationBody, executionTokenSchema, leaseSchema,
  mandateSchema, paymentSchema, reservationSchema, updateMandateBody,
  authorizeBody, authorizeSchema, estimateBody, estimateSchema, priceSchema, upsertPriceBody, usageSummaryQuery, usageSummarySchema,
  spendAnalyticsQuery, spendAnalyticsSchema,
} from '@bursar/core';
import type { z } from 'zod';

/** A page of a list: newest first; pass `next_cursor` as `cursor` for the next one. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export type SpendRequest = z.infer<typeof spendRequestSchema>;
export type SpendStatus = SpendRequest['status'];
export type CreateSpendInput = z.input<typeof createSpendBody>;
export type Balance = z.infer<typeof balanceSchema>;
export type Wallet = z.infer<typeof walletSchema>;
export type WalletBalance = z.infer<typeof walletBalanceSchema>;
export type FundResult = z.infer<typeof fundResultSchema>;
export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof createPolicyBody>;
export type PolicyUpdate = z.input<typeof updatePolicyBody>;
export type Agent = z.infer<typeof agentSchema>;
export type CreateAgentInput = z.input<typeof createAgentBody>;
export type ApiKey = z.infer<typeof apiKeySchema>;
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;
export type CreateKeyInput = z.input<typeof createKeyBody>;
export type Approval = z.infer<typeof approvalSchema>;
export type LedgerTransaction = z.infer<typeof ledgerTransactionSchema>;
export type LedgerVerifyResult = z.infer<typeof ledgerVerifySchema>;
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;
export type WebhookEndpointWithSecret = z.infer<typeof webhookEndpointWithSecretSchema>;
export type CreateWebhookInput = z.input<typeof createWebhookBody>;
export type UpdateWebhookInput = z.input<typeof updateWebhookBody>;
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;
export type RetryResult = z.infer<typeof retryResultSchema>;
export type BursarEvent = z.infer<typeof eventSchema>;
export type CallbackSecret = z.infer<typeof callbackSecretSchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** `limit` (1–100) and `cursor` of every list. */
export interface PageParams {
  limit?: number;
  cursor?: string;
}

export type Card = z.infer<typeof cardSchema>;
export type CreateCardInput = z.input<typeof createCardBody>;
export type CheckoutIntent = z.infer<typeof checkoutIntentSchema>;
export type CreateCheckoutIntentInput = z.input<typeof createCheckoutIntentBody>;
export type CardAuthorization = z.infer<typeof cardAuthorizationSchema>;
export type CreateCardAuthorizationInput = z.input<typeof createCardAuthorizationBody>;
export type Transfer = z.infer<typeof transferSchema>;
export type CreateTransferInput = z.input<typeof createTransferBody>;
export type Workspace = z.infer<typeof workspaceSchema>;
export type CreatedWorkspace = z.infer<typeof createdWorkspaceSchema>;
export type WorkspacePlan = z.infer<typeof workspacePlanSchema>;
export type PlanName = WorkspacePlan['plan'];
export type Mandate = z.infer<typeof mandateSchema>;
export type CreateMandateInput = z.input<typeof createMandateBody>;
export type UpdateMandateInput = z.input<typeof updateMandateBody>;
export type ExecutionToken = z.infer<typeof executionTokenSchema>;
export type CreateExecutionTokenInput = z.input<typeof createExecutionTokenBody>;
export type Payment = z.infer<typeof paymentSchema>;
export type CreatePaymentInput = z.input<typeof createPaymentBody>;
export type Reservation = z.infer<typeof reservationSchema>;
export type CreateReservationInput = z.input<typeof createReservationBody>;
export type BudgetLease = z.infer<typeof leaseSchema>;
export type CreateBudgetLeaseInput = z.input<typeof createLeaseBody>;
export type AuthorizeInput = z.input<typeof authorizeBody>;
export type AuthorizationDecision = z.infer<typeof authorizeSchema>;
export type EstimateInput = z.input<typeof estimateBody>;
export type Estimate = z.infer<typeof estimateSchema>;
export type UsageSummaryParams = z.input<typeof usageSummaryQuery>;
export type UsageSummary = z.infer<typeof usageSummarySchema>;
export type Price = z.infer<typeof priceSchema>;
export type SetPriceInput = z.input<typeof upsertPriceBody>;
/** Query of GET /v1/analytics/spend: `from` and `to` as ISO 8601, `limit` 1–1000. */
export type SpendAnalyticsParams = Omit<z.input<typeof spendAnalyticsQuery>, 'limit'> & { limit?: number };
export type SpendAnalytics = z.infer<typeof spendAnalyticsSchema>;
export type SpendAnalyticsRow = SpendAnalytics['data'][number];
