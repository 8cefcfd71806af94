
/** Tables as stored. Times are integer milliseconds since the epoch; lists and maps are JSON text. */
export interface DB {
  workspaces: { id: string; name: string; livemode: number; created_at: number };
  wallets: {
    id: string;
    workspace_id: string;
    currency: string;
    livemode: number;
    available_cents: number;
    held_cents: number;
    last_sequence: number;
    last_hash: string;
    created_at: number;
  };
  ledger_transactions: {
    id: string;
    workspace_id: string;
    wallet_id: string;
    sequence: number;
    type: string;
    spend_request_id: string | null;
    description: string;
    postings: string;
    prev_hash: string;
    hash: string;
    created_at: number;
  };
  policies: {
    id: string;
    workspace_id: string;
    name: string;
    currency: string;
    timezone: string;
    max_single_amount_cents: number | null;
    daily_limit_cents: number | null;
    weekly_limit_cents: number | null;
    monthly_limit_cents: number | null;
    total_limit_cents: number | null;
    require_approval_over_cents: number | null;
    max_transactions_per_minute: number | null;
    max_transactions_per_hour: number | null;
    allowed_merchants: string;
    blocked_merchants: string;
    allowed_categories: string;
    blocked_categories: string;
    is_active: number;
    livemode: number;
    created_at: number;
    updated_at: number;
  };
  agents: {
    id: string;
    workspace_id: string;
    name: string;
    policy_id: string;
    parent_agent_id: string | null;
    status: string;
    livemode: number;
    created_at: number;
    updated_at: number;
    revoked_at: number | null;
  };
  api_keys: {
    id: string;
    workspace_id: string;
    type: string;
    name: string | null;
    agent_id: string | null;
    prefix: string;
    secret_hash: string;
    livemode: number;
    created_at: number;
    last_used_at: number | null;
    revoked_at: number | null;
  };
  spend_requests: {
    id: string;
    workspace_id: string;
    agent_id: string;
    policy_id: string;
    wallet_id: string | null;
    amount_cents: number;
    currency: string;
    merchant_name: string;
    merchant_key: string;
    category: string | null;
    reason: string;
    metadata: string;
    status: string;
    decision_code: string;
    decision_reason: string;
    violations: string;
    budget_period: string | null;
    remaining_budget_cents: number | null;
    remaining_monthly_budget_cents: number | null;
    held_cents: number;
    hold_windows: string;
    captured_amount_cents: number | null;
    approval_id: string | null;
    livemode: number;
    created_at: number;
    decided_at: number;
    updated_at: number;
    expires_at: number | null;
  };
  approvals: {
    id: string;
    workspace_id: string;
    spend_request_id: string;
    agent_id: string;
    status: string;
    note: string | null;
    decided_by: string | null;
    override_budget: number;
    created_at: number;
    decided_at: number | null;
    expires_at: number;
  };
  usage_counters: {
    policy_id: string;
    period: string;
    window_key: string;
    spent_cents: number;
    held_cents: number;
  };
  idempotency_keys: {
    scope: string;
    key: string;
    request_hash: string;
    status_code: number;
    response_body: string;
    created_at: number;
    expires_at: number;
  };
  events: {
    id: string;
    workspace_id: string;
    type: string;
    object_id: string;
    livemode: number;
    data: string;
    created_at: number;
  };
  audit_log: {
    id: string;
    workspace_id: string;
    actor_type: string;
    actor_id: string | null;
    action: string;
    object_type: string;
    object_id: string;
    before: string | null;
    after: string | null;
    created_at: number;
  };
  kv: { key: string; value: string };
}
