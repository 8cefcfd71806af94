import type {
  AgentStatus, ApprovalStatus, CancellationReason, CardAuthorizationStatus, LeaseStatus, MandateStatus, PaymentStatus, SpendKind, SpendStatus,
} from '@bursar/core';

/** A card's status as stored; 'expired' is read from its dates (cardStatusAt). */
export type CardRowStatus = 'active' | 'frozen' | 'cancelled' | 'used';

/** Tables as stored. Times are integer milliseconds since the epoch; lists and maps are JSON text. */
export interface DB {
  workspaces: {
    id: string;
    name: string;
    livemode: number;
    created_at: number;
    callback_secret: string | null;
    previous_callback_secret: string | null;
    previous_callback_secret_expires_at: number | null;
  };
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
    /** JSON array of whole percents (1–100), ascending; `[]` raises no alerts. */
    alert_thresholds_percent: string;
    /** 1 at creation, +1 per change; each version is kept in policy_versions. */
    version: number;
    /** How many distinct operators must approve a request that needs approval (1–5). */
    approvals_required: number;
  };
  /** Every version of every policy, the current one included. */
  policy_versions: {
    policy_id: string;
    version: number;
    workspace_id: string;
    /** JSON of the policy as the API presented it at this version. */
    policy: string;
    /** The key that made the change; null when Bursar did (provisioning). */
    changed_by: string | null;
    created_at: number;
  };
  agents: {
    id: string;
    workspace_id: string;
    name: string;
    policy_id: string;
    parent_agent_id: string | null;
    status: AgentStatus;
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
    status: SpendStatus;
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
    callback_url: string | null;
    authorization_token: string | null;
    /** The payment handle an /api/v1 evaluation named (or the workspace default); its rail and execution mode go into the SAT. */
    payment_handle_id: string | null;
    /** Which kind of hold: a spend request, a SpendGuard reservation, a payment, a checkout intent or a card authorization's hold. */
    kind: SpendKind;
    /** The budget lease the hold is charged to, instead of the policy's windows. */
    lease_id: string | null;
    /** Why Bursar cancelled the hold itself ('agent_revoked', 'lease_revoked'); null otherwise. */
    cancellation_reason: CancellationReason | null;
    /** The version of its policy the request was decided under; null before versions were recorded. */
    policy_version: number | null;
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
    status: ApprovalStatus;
    note: string | null;
    decided_by: string | null;
    override_budget: number;
    created_at: number;
    decided_at: number | null;
    expires_at: number;
    /** The policy's approvals_required when the request was asked; the stricter of it and the policy's now applies. */
    approvals_required: number;
    /** JSON of the tightest budget as the server computed it at the decision (ApprovalBudget); null while pending. */
    decided_budget: string | null;
  };
  /** One operator's approval of a request that needs several: one row per (approval, key). */
  approval_votes: {
    approval_id: string;
    /** The management key that approved (a dashboard session acts as the key it was opened with). */
    approved_by: string;
    workspace_id: string;
    note: string | null;
    created_at: number;
  };
  usage_counters: {
    policy_id: string;
    period: string;
    window_key: string;
    spent_cents: number;
    held_cents: number;
  };
  /** Budget alerts raised: at most one per policy, window and threshold (the primary key). */
  budget_alerts: {
    policy_id: string;
    period: string;
    window_key: string;
    threshold_percent: number;
    workspace_id: string;
    event_id: string;
    limit_cents: number;
    spent_cents: number;
    held_cents: number;
    created_at: number;
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
    dispatched: number;
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
  signing_keys: {
    kid: string;
    public_jwk: string;
    private_key: string;
    created_at: number;
    retire_after: number | null;
    /** When it may sign; null while a rotation is publishing it. */
    signs_from: number | null;
  };
  webhook_endpoints: {
    id: string;
    workspace_id: string;
    url: string;
    description: string | null;
    events: string;
    status: 'enabled' | 'disabled';
    disabled_reason: string | null;
    secret: string;
    previous_secret: string | null;
    previous_secret_expires_at: number | null;
    secret_rotated_at: number | null;
    failing_since: number | null;
    livemode: number;
    created_at: number;
    updated_at: number;
    deleted_at: number | null;
  };
  webhook_deliveries: {
    id: string;
    workspace_id: string;
    endpoint_id: string | null;
    url: string | null;
    event_id: string;
    status: 'pending' | 'succeeded' | 'failed';
    attempts: number;
    next_attempt_at: number | null;
    locked_until: number;
    created_at: number;
    updated_at: number;
  };
  webhook_attempts: {
    id: string;
    workspace_id: string;
    delivery_id: string;
    endpoint_id: string | null;
    event_id: string;
    event_type: string;
    attempt: number;
    status_code: number | null;
    succeeded: number;
    latency_ms: number;
    response_excerpt: string | null;
    error: string | null;
    next_retry_at: number | null;
    created_at: number;
  };
  mandates: {
    id: string;
    workspace_id: string;
    agent_id: string;
    description: string;
    currency: string;
    max_amount_cents: number | null;
    total_limit_cents: number | null;
    spent_cents: number;
    allowed_merchants: string;
    allowed_categories: string;
    expires_at: number | null;
    status: MandateStatus;
    livemode: number;
    created_at: number;
    updated_at: number;
  };
  budget_leases: {
    id: string;
    workspace_id: string;
    parent_agent_id: string;
    child_agent_id: string;
    source_lease_id: string | null;
    source_policy_id: string | null;
    hold_windows: string;
    currency: string;
    amount_cents: number;
    spent_cents: number;
    held_cents: number;
    status: LeaseStatus;
    expires_at: number | null;
    livemode: number;
    created_at: number;
    released_at: number | null;
  };
  payments: {
    id: string;
    workspace_id: string;
    agent_id: string;
    mandate_id: string;
    spend_request_id: string;
    token_jti: string;
    amount_cents: number;
    currency: string;
    merchant_name: string;
    category: string | null;
    description: string | null;
    status: PaymentStatus;
    decision_code: string;
    reasons: string;
    rail: string;
    rail_transaction_id: string | null;
    failure_reason: string | null;
    livemode: number;
    created_at: number;
    updated_at: number;
    /** JSON of the rail parameters (the sandbox's `simulate`), for an execution after approval. */
    rail_params: string;
    /** Set while an approved payment waits for its rail; cleared once the rail has answered. */
    execution_due_at: number | null;
  };
  price_catalog: {
    id: string;
    workspace_id: string;
    kind: string;
    name: string;
    currency: string;
    merchant_name: string;
    input_per_million_cents: number | null;
    output_per_million_cents: number | null;
    per_call_cents: number | null;
    updated_at: number;
  };
  payment_handles: {
    id: string;
    workspace_id: string;
    name: string;
    rail_id: string;
    execution_mode: string;
    livemode: number;
    created_at: number;
  };
  spend_receipts: {
    id: string;
    workspace_id: string;
    spend_request_id: string;
    sat_jti: string;
    rail_id: string;
    provider_transaction_id: string | null;
    destination: string | null;
    actual_network: string | null;
    actual_amount_cents: number;
    actual_currency: string;
    actual_merchant: string | null;
    raw_receipt: string | null;
    anomaly_flags: string;
    captured_cents: number;
    created_at: number;
  };
  payment_executions: {
    id: string;
    workspace_id: string;
    spend_request_id: string;
    payment_handle_id: string;
    sat_jti: string;
    rail_id: string;
    amount_cents: number;
    currency: string;
    status: string;
    rail_transaction_id: string | null;
    failure_reason: string | null;
    created_at: number;
  };
  workspace_plans: {
    workspace_id: string;
    plan: string;
    evaluations_per_day: number | null;
    max_policies: number | null;
    max_api_keys: number | null;
    updated_at: number;
  };
  plan_usage: {
    workspace_id: string;
    day: string;
    evaluations: number;
  };
  dashboard_sessions: {
    id: string;
    workspace_id: string;
    key_id: string;
    csrf_token: string;
    created_at: number;
    expires_at: number;
  };
  cards: {
    id: string;
    workspace_id: string;
    policy_id: string;
    agent_id: string;
    name: string | null;
    /** 'multi_use' or 'single_use'. */
    type: string;
    /** 'active', 'frozen', 'cancelled' or 'used'; 'expired' is read from expires_at and exp_year/exp_month. */
    status: CardRowStatus;
    brand: string;
    last4: string;
    exp_month: number;
    exp_year: number;
    /** AES-256-GCM sealed (crypto/encryption.ts); never leaves the server except in a revealed credential. */
    number_sealed: string;
    cvc_sealed: string;
    /** Keyed hash of the number, to find a card by it. */
    number_hash: string;
    spend_limit_cents: number | null;
    spent_cents: number;
    held_cents: number;
    is_default: number;
    /** Set on a checkout intent's just-in-time credential, bound to merchant_key and bound_amount_cents. */
    checkout_intent_id: string | null;
    merchant_name: string | null;
    merchant_key: string | null;
    bound_amount_cents: number | null;
    issuer: string;
    issuer_card_id: string;
    revealed_at: number | null;
    used_at: number | null;
    expires_at: number | null;
    livemode: number;
    created_at: number;
    updated_at: number;
  };
  checkout_intents: {
    id: string;
    workspace_id: string;
    card_id: string | null;
    credential_card_id: string | null;
    funding_held_cents: number;
  };
  card_authorizations: {
    id: string;
    workspace_id: string;
    card_id: string;
    spend_request_id: string | null;
    merchant_name: string;
    merchant_key: string;
    mcc: string | null;
    amount_cents: number;
    currency: string;
    status: CardAuthorizationStatus;
    decline_code: string | null;
    decline_reason: string | null;
    captured_amount_cents: number | null;
    livemode: number;
    created_at: number;
    updated_at: number;
  };
  transfers: {
    id: string;
    from_workspace_id: string;
    to_workspace_id: string;
    from_wallet_id: string;
    to_wallet_id: string;
    amount_cents: number;
    currency: string;
    description: string;
    status: string;
    from_ledger_transaction_id: string;
    to_ledger_transaction_id: string;
    created_by: string | null;
    livemode: number;
    created_at: number;
  };
  root_keys: {
    key_id: string;
    created_at: number;
  };
}
