import type { App, Deps } from '../types.js';
import * as health from './health.js';
import * as readyz from './readyz.js';
import * as jwks from './jwks.js';
import * as walletsList from './wallets_list.js';
import * as walletsCreate from './wallets_create.js';
import * as walletsGet from './wallets_get.js';
import * as walletsBalance from './wallets_balance.js';
import * as walletsFund from './wallets_fund.js';
import * as policiesList from './policies_list.js';
import * as policiesCreate from './policies_create.js';
import * as policiesGet from './policies_get.js';
import * as policiesUpdate from './policies_update.js';
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

/** Every endpoint module; the route table, the OpenAPI document and the security tests derive from it. */
export const routeModules: ReadonlyArray<{ register(app: App, deps: Deps): void }> = [
  health, readyz, jwks, walletsList, walletsCreate, walletsGet, walletsBalance, walletsFund,
  policiesList, policiesCreate, policiesGet, policiesUpdate,
  agentsList, agentsCreate, agentsGet, agentsRevoke, agentsPauseResume,
  keysCreate, keysList, keysRevoke,
  approvalsList, approvalsGet, approvalsDecide,
  spendCreate, spendGet, spendList, spendSettle, balanceGet,
  ledgerList, ledgerVerify,
  webhooksCreate, webhooksList, webhooksGet, webhooksUpdate, webhooksDelete, webhooksRotate, webhooksDeliveries, webhooksRetry,
  eventsList, eventsGet, callbackSecret,
];
