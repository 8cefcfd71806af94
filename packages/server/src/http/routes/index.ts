import type { App, Deps } from '../types.js';
import * as health from './health.js';
import * as readyz from './readyz.js';
import * as jwks from './jwks.js';
import * as metrics from './metrics.js';
import * as walletsList from './wallets_list.js';
import * as walletsCreate from './wallets_create.js';
import * as walletsGet from './wallets_get.js';
import * as walletsBalance from './wallets_balance.js';
import * as walletsFund from './wallets_fund.js';
import * as policiesList from './policies_list.js';
import * as policiesCreate from './policies_create.js';
import * as policiesGet from './policies_get.js';
import * as policiesUpdate from './policies_update.js';
import * as policiesVersionsList from './policies_versions_list.js';
import * as policiesSimulate from './policies_simulate.js';
import * as agentsList from './agents_list.js';
import * as agentsCreate from './agents_create.js';
import * as agentsGet from './agents_get.js';
import * as agentsRevoke from './agents_revoke.js';
import * as agentsPauseResume from './agents_pause_resume.js';
import * as keysCreate from './keys_create.js';
import * as keysList from './keys_list.js';
import * as keysRevoke from './keys_revoke.js';
import * as approvalsList from './approvals_list.js';
import * as approvalsGet from './approvals_get.js';
import * as approvalsDecide from './approvals_decide.js';
import * as spendCreate from './spend_create.js';
import * as spendGet from './spend_get.js';
import * as spendList from './spend_list.js';
import * as spendSettle from './spend_settle.js';
import * as balanceGet from './balance_get.js';
import * as ledgerList from './ledger_list.js';
import * as ledgerVerify from './ledger_verify.js';
import * as auditLogList from './audit_log_list.js';
import * as webhooksCreate from './webhooks_create.js';
import * as webhooksList from './webhooks_list.js';
import * as webhooksGet from './webhooks_get.js';
import * as webhooksUpdate from './webhooks_update.js';
import * as webhooksDelete from './webhooks_delete.js';
import * as webhooksRotate from './webhooks_rotate.js';
import * as webhooksDeliveries from './webhooks_deliveries.js';
import * as webhooksRetry from './webhooks_retry.js';
import * as eventsList from './events_list.js';
import * as eventsGet from './events_get.js';
import * as callbackSecret from './callback_secret.js';
import * as apiV1SpendEvaluate from './api_v1_spend_evaluate.js';
import * as apiV1SpendReceipt from './api_v1_spend_receipt.js';
import * as apiV1PaymentExecute from './api_v1_payment_execute.js';
import * as apiV1PaymentHandles from './api_v1_payment_handles.js';
import * as apiV1Policies from './api_v1_policies.js';
import * as apiV1ApiKeys from './api_v1_api_keys.js';
import * as apiV1SpendRequestsGet from './api_v1_spend_requests_get.js';
import * as apiV1ApprovalsResolve from './api_v1_approvals_resolve.js';
import * as mcp from './mcp.js';
import * as mandatesCreate from './mandates_create.js';
import * as mandatesGet from './mandates_get.js';
import * as mandatesList from './mandates_list.js';
import * as mandatesUpdate from './mandates_update.js';
import * as executionTokensCreate from './execution_tokens_create.js';
import * as paymentsCreate from './payments_create.js';
import * as paymentsGet from './payments_get.js';
import * as paymentsList from './payments_list.js';
import * as spendGuardEstimate from './spendguard_estimate.js';
import * as spendGuardAuthorize from './spendguard_authorize.js';
import * as spendGuardPrices from './spendguard_prices.js';
import * as spendGuardReservationsCreate from './spendguard_reservations_create.js';
import * as spendGuardReservationsResolve from './spendguard_reservations_resolve.js';
import * as spendGuardReservationsList from './spendguard_reservations_list.js';
import * as spendGuardReservationsGet from './spendguard_reservations_get.js';
import * as spendGuardLeasesCreate from './spendguard_leases_create.js';
import * as spendGuardLeasesList from './spendguard_leases_list.js';
import * as spendGuardLeasesRelease from './spendguard_leases_release.js';
import * as spendGuardUsage from './spendguard_usage.js';
import * as dashboardSession from './dashboard_session.js';
import * as workspacesCreate from './workspaces_create.js';
import * as workspacesList from './workspaces_list.js';
import * as workspacesPlan from './workspaces_plan.js';
import * as cardsCreate from './cards_create.js';
import * as cardsList from './cards_list.js';
import * as cardsGet from './cards_get.js';
import * as cardsTransition from './cards_transition.js';
import * as checkoutIntentsCreate from './checkout_intents_create.js';
import * as checkoutIntentsList from './checkout_intents_list.js';
import * as checkoutIntentsGet from './checkout_intents_get.js';
import * as checkoutIntentsCancel from './checkout_intents_cancel.js';
import * as sandboxCardAuthorizationsCreate from './sandbox_card_authorizations_create.js';
import * as sandboxCardAuthorizationsResolve from './sandbox_card_authorizations_resolve.js';
import * as sandboxCardAuthorizationsList from './sandbox_card_authorizations_list.js';
import * as transfersCreate from './transfers_create.js';
import * as transfersList from './transfers_list.js';
import * as readinessGet from './readiness_get.js';
import * as analyticsSpend from './analytics_spend.js';

/** Every endpoint module; the route table, the OpenAPI document and the security tests derive from it. */
export const routeModules: ReadonlyArray<{ register(app: App, deps: Deps): void }> = [
  health, readyz, jwks, metrics, walletsList, walletsCreate, walletsGet, walletsBalance, walletsFund,
  policiesList, policiesCreate, policiesGet, policiesUpdate, policiesVersionsList, policiesSimulate,
  agentsList, agentsCreate, agentsGet, agentsRevoke, agentsPauseResume,
  keysCreate, keysList, keysRevoke,
  approvalsList, approvalsGet, approvalsDecide,
  spendCreate, spendGet, spendList, spendSettle, balanceGet,
  ledgerList, ledgerVerify, auditLogList,
  webhooksCreate, webhooksList, webhooksGet, webhooksUpdate, webhooksDelete, webhooksRotate, webhooksDeliveries, webhooksRetry,
  eventsList, eventsGet, callbackSecret,
  apiV1SpendEvaluate, apiV1SpendReceipt, apiV1PaymentExecute, apiV1PaymentHandles, apiV1Policies, apiV1ApiKeys,
  apiV1SpendRequestsGet, apiV1ApprovalsResolve,
  mcp,
  mandatesCreate, mandatesGet, mandatesList, mandatesUpdate, executionTokensCreate, paymentsCreate, paymentsGet, paymentsList,
  spendGuardEstimate, spendGuardAuthorize, spendGuardPrices,
  spendGuardReservationsCreate, spendGuardReservationsResolve, spendGuardReservationsList, spendGuardReservationsGet,
  spendGuardLeasesCreate, spendGuardLeasesList, spendGuardLeasesRelease, spendGuardUsage,
  dashboardSession,
  workspacesCreate, workspacesList, workspacesPlan,
  cardsCreate, cardsList, cardsGet, cardsTransition,
  checkoutIntentsCreate, checkoutIntentsList, checkoutIntentsGet, checkoutIntentsCancel,
  sandboxCardAuthorizationsCreate, sandboxCardAuthorizationsResolve, sandboxCardAuthorizationsList,
  transfersCreate, transfersList,
  readinessGet,
  analyticsSpend,
];
