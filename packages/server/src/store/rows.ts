import type { DB } from '../db/schema.js';

export type WorkspaceRow = DB['workspaces'];
export type WalletRow = DB['wallets'];
export type PolicyRow = DB['policies'];
export type AgentRow = DB['agents'];
export type ApiKeyRow = DB['api_keys'];
export type SpendRow = DB['spend_requests'];
export type ApprovalRow = DB['approvals'];
export type UsageRow = DB['usage_counters'];
export type EventRow = DB['events'];
export type AuditRow = DB['audit_log'];
export type IdempotencyRow = DB['idempotency_keys'];

/** One page of a newest-first list. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/** Cuts a page fetched with `limit + 1` rows into data, has_more and the next cursor. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const has_more = rows.length > limit;
  const data = has_more ? rows.slice(0, limit) : rows;
  return { data, has_more, next_cursor: has_more ? (data[data.length - 1]?.id ?? null) : null };
}
