import { newId } from '@bursar/core';
import { GENESIS_HASH } from '../../ledger/ledger.js';
import type { WorkspaceRow } from '../../store/rows.js';
import { insertWallet } from '../../store/wallets.js';
import { insertWorkspace, listWorkspaces as listWorkspaceRows } from '../../store/workspaces.js';
import { createAgent } from '../agents/agents.js';
import { defaultCardInput, issueCard } from '../cards/cards.js';
import type { ServiceContext } from '../context.js';
import { requireRoot } from './root.js';
import { createKey } from '../agents/keys.js';
import { audit, emitEvent } from '../events/outbox.js';
import { createPolicy } from '../policies/policies.js';
import { presentWorkspace } from './present.js';

/**
 * Creates a team's workspace with what a team needs: a USD wallet, a default policy, a default
 * agent with a spending key, the default card, and a management key. The keys are shown once.
 */
export async function createWorkspace({ ctx, input }: { ctx: ServiceContext; input: { name: string } }) {
  await requireRoot(ctx);
  const livemode = ctx.workspace.livemode;
  const row: WorkspaceRow = {
    id: newId('ws', ctx.now), name: input.name, livemode: livemode ? 1 : 0, created_at: ctx.now,
    callback_secret: null, previous_callback_secret: null, previous_callback_secret_expires_at: null,
  };
  await insertWorkspace(ctx.tx, row);
  // What follows belongs to the new workspace and is done by Bursar, as at first start: the
  // root key's id stays out of the team's records (it is audited in its own workspace below).
  const team: ServiceContext = { ...ctx, workspace: { id: row.id, livemode }, actor: { type: 'system' } };
  const walletId = newId('wal', ctx.now);
  await insertWallet(ctx.tx, {
    id: walletId, workspace_id: row.id, currency: 'usd', livemode: row.livemode,
    available_cents: 0, held_cents: 0, last_sequence: 0, last_hash: GENESIS_HASH, created_at: ctx.now,
  });
  await audit(team, 'wallet.created', 'wallet', walletId, null, { currency: 'usd' });
  const policy = await createPolicy({
    ctx: team,
    input: { name: 'Default policy', currency: 'usd', monthly_limit_cents: 50_000, require_approval_over_cents: 25_000 },
  });
  const agent = await createAgent({ ctx: team, input: { name: 'default-agent', policy_id: policy.id } });
  const spending = await createKey({ ctx: team, input: { type: 'spending', agent_id: agent.id, name: 'Default agent key' } });
  const management = await createKey({ ctx: team, input: { type: 'management', name: 'First management key' } });
  const card = await issueCard(team, defaultCardInput(policy.id, agent.id));
  const workspace = presentWorkspace(row);
  await emitEvent(ctx, 'workspace.created', workspace);
  await audit(ctx, 'workspace.created', 'workspace', row.id, null, workspace);
  return {
    ...workspace,
    wallet_id: walletId,
    policy_id: policy.id,
    agent_id: agent.id,
    card_id: card.id,
    management_key: management.key,
    spending_key: spending.key,
  };
}

export async function listWorkspaces({ ctx, input }: { ctx: ServiceContext; input: { limit: number; cursor?: string | undefined } }) {
  await requireRoot(ctx);
  const page = await listWorkspaceRows(ctx.tx, input.limit, input.cursor);
  return { ...page, data: page.data.map(presentWorkspace) };
}
