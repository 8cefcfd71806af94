import { newId } from '@bursar/core';
import type { Database } from '../../db/database.js';
import { GENESIS_HASH } from '../../ledger/ledger.js';
import { insertKey } from '../../store/keys.js';
import { firstWorkspace, insertRootKey, insertWorkspace } from '../../store/workspaces.js';
import { defaultCardInput, issueCard } from '../cards/cards.js';
import { insertWallet } from '../../store/wallets.js';
import { createAgent } from '../agents/agents.js';
import type { ServiceConfig } from '../context.js';
import { createKey, generateSecret, keyRow } from '../agents/keys.js';
import { audit } from '../events/outbox.js';
import { createPolicy } from '../policies/policies.js';
import { runService } from '../run.js';
import { fundWallet } from '../money/wallets.js';

/** What the first start created; the secrets are shown once by the caller and never stored in plaintext. */
export interface Provisioned {
  workspaceId: string;
  walletId: string;
  policyId: string;
  agentId: string;
  cardId: string;
  managementKey: string;
  managementKeyFromEnv: boolean;
  spendingKey: string;
  /** A live workspace: its wallet starts empty (only sandbox wallets are funded by the faucet). */
  livemode: boolean;
}

/** The sandbox faucet's first funding: $1,000.00. */
export const STARTING_FUNDS_CENTS = 100_000;

/**
 * Provisions a new data dir: a workspace, a funded USD wallet, a default policy (monthly
 * budget $500, human approval over $250), a default agent with a spending key, and the first
 * management key. Returns null when the database already has a workspace.
 */
export async function provisionIfEmpty(
  db: Database,
  config: ServiceConfig,
  adminKey: string | undefined,
): Promise<Provisioned | null> {
  if (await firstWorkspace(db.db)) return null;
  const livemode = !config.sandbox;
  const now = Date.now();
  const workspaceId = newId('ws', now);
  const managementKey = adminKey ?? generateSecret('management', livemode);
  if (adminKey && adminKey.startsWith('bmk_live_') !== livemode) {
    throw new Error(`BURSAR_ADMIN_KEY is a ${livemode ? 'test' : 'live'} key but the server runs in ${livemode ? 'live' : 'sandbox'} mode`);
  }
  const mgmt = keyRow(managementKey, { workspaceId, type: 'management', agentId: null, name: 'First management key', livemode, now });
  const caller = { workspace: { id: workspaceId, livemode }, actor: { type: 'system' as const } };
  return runService(db, config, caller, async (ctx) => {
    await insertWorkspace(ctx.tx, {
      id: workspaceId, name: 'Default workspace', livemode: livemode ? 1 : 0, created_at: now,
      callback_secret: null, previous_callback_secret: null, previous_callback_secret_expires_at: null,
    });
    await insertKey(ctx.tx, mgmt);
    await audit(ctx, 'key.created', 'api_key', mgmt.id, null, { type: 'management', prefix: mgmt.prefix });
    const walletId = newId('wal', now);
    await insertWallet(ctx.tx, {
      id: walletId, workspace_id: workspaceId, currency: 'usd', livemode: livemode ? 1 : 0,
      available_cents: 0, held_cents: 0, last_sequence: 0, last_hash: GENESIS_HASH, created_at: now,
    });
    if (!livemode) await fundWallet({ ctx, input: { id: walletId, amount_cents: STARTING_FUNDS_CENTS } });
    const policy = await createPolicy({
      ctx,
      input: { name: 'Default policy', currency: 'usd', monthly_limit_cents: 50_000, require_approval_over_cents: 25_000 },
    });
    const agent = await createAgent({ ctx, input: { name: 'default-agent', policy_id: policy.id } });
    const spending = await createKey({ ctx, input: { type: 'spending', agent_id: agent.id, name: 'Default agent key' } });
    // The instance operator's key (it may create workspaces), and the default policy's default card.
    await insertRootKey(ctx.tx, mgmt.id, now);
    const card = await issueCard(ctx, defaultCardInput(policy.id, agent.id));
    return {
      workspaceId,
      walletId,
      policyId: policy.id,
      agentId: agent.id,
      cardId: card.id,
      managementKey,
      managementKeyFromEnv: adminKey !== undefined,
      spendingKey: spending.key,
      livemode,
    };
  });
}
