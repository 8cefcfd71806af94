import type { Policy, PolicyFields } from '@bursar/core';
import type { ServiceContext } from '../context.js';
import { createKey, listKeys } from '../agents/keys.js';
import { createPolicy, listPolicies } from '../policies/policies.js';

/** The reference's policy fields, as POST /api/v1/policies takes them. */
export interface ApiPolicyInput {
  name: string;
  maxSingleAmount?: number | null | undefined;
  dailyLimit?: number | null | undefined;
  monthlyLimit?: number | null | undefined;
  requireApprovalOver?: number | null | undefined;
  maxTransactionsPerMinute?: number | null | undefined;
  maxTransactionsPerHour?: number | null | undefined;
  unit?: string | undefined;
  allowedMerchants?: string[] | undefined;
  blockedMerchants?: string[] | undefined;
  allowedCategories?: string[] | undefined;
  blockedCategories?: string[] | undefined;
  alertThresholdsPercent?: number[] | undefined;
  approvalsRequired?: number | undefined;
  isActive?: boolean | undefined;
}

/** camelCase reference fields → the /v1 policy model (one model, two spellings). */
function toPolicyFields(p: ApiPolicyInput): PolicyFields {
  return {
    name: p.name,
    currency: p.unit?.toLowerCase(),
    max_single_amount_cents: p.maxSingleAmount,
    daily_limit_cents: p.dailyLimit,
    monthly_limit_cents: p.monthlyLimit,
    require_approval_over_cents: p.requireApprovalOver,
    max_transactions_per_minute: p.maxTransactionsPerMinute,
    max_transactions_per_hour: p.maxTransactionsPerHour,
    allowed_merchants: p.allowedMerchants,
    blocked_merchants: p.blockedMerchants,
    allowed_categories: p.allowedCategories,
    blocked_categories: p.blockedCategories,
    alert_thresholds_percent: p.alertThresholdsPercent,
    approvals_required: p.approvalsRequired,
    is_active: p.isActive,
  };
}

function presentApiPolicy(p: Policy) {
  return {
    id: p.id,
    name: p.name,
    maxSingleAmount: p.max_single_amount_cents,
    dailyLimit: p.daily_limit_cents,
    monthlyLimit: p.monthly_limit_cents,
    requireApprovalOver: p.require_approval_over_cents,
    maxTransactionsPerMinute: p.max_transactions_per_minute,
    maxTransactionsPerHour: p.max_transactions_per_hour,
    unit: p.currency.toUpperCase(),
    allowedMerchants: p.allowed_merchants,
    blockedMerchants: p.blocked_merchants,
    allowedCategories: p.allowed_categories,
    blockedCategories: p.blocked_categories,
    alertThresholdsPercent: p.alert_thresholds_percent,
    approvalsRequired: p.approvals_required,
    isActive: p.is_active,
    createdAt: p.created_at,
  };
}

/** Every page of a /v1 list (the reference answers bare arrays, not pages). */
async function all<T>(page: (cursor: string | undefined) => Promise<{ data: T[]; next_cursor: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    out.push(...p.data);
    cursor = p.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return out;
}

export async function listApiPolicies({ ctx }: { ctx: ServiceContext }) {
  const rows = await all((cursor) => listPolicies({ ctx, input: { limit: 100, cursor } }));
  return rows.map(presentApiPolicy);
}

export async function createApiPolicy({ ctx, input }: { ctx: ServiceContext; input: ApiPolicyInput }) {
  return presentApiPolicy(await createPolicy({ ctx, input: toPolicyFields(input) }));
}

/** Every key of the workspace, prefix only; the reference's keys are management keys, agents' spending keys are listed too. */
export async function listApiKeys({ ctx }: { ctx: ServiceContext }) {
  const rows = await all((cursor) => listKeys({ ctx, input: { limit: 100, cursor } }));
  return rows.map((k) => ({
    id: k.id, keyPrefix: k.prefix, name: k.name, type: k.type, createdAt: k.created_at, lastUsedAt: k.last_used_at, revokedAt: k.revoked_at,
  }));
}

/** A new management key; its plaintext is in this answer only. */
export async function createApiKey({ ctx, input }: { ctx: ServiceContext; input: { name?: string | undefined } }) {
  const k = await createKey({ ctx, input: { type: 'management', name: input.name } });
  return { id: k.id, keyPrefix: k.prefix, plaintext: k.key, createdAt: k.created_at };
}
