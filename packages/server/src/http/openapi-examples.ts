import type { z } from 'zod';
import type { Approval, CreateSpendInput, EvaluateInput, SpendAnalytics, SpendRequest, evaluateResponse } from '@bursar/core';

/**
 * Examples for the main operations, typed by the same zod schemas as the routes so that a
 * contract change that would make them lie fails to compile.
 */
export interface OperationExample {
  request?: unknown;
  /** The success answer, under the operation's first 2xx status. */
  response?: unknown;
}

const createSpend: CreateSpendInput = {
  amount_cents: 4200,
  currency: 'usd',
  merchant_name: 'OpenAI',
  reason: 'GPT-4o tokens for the weekly report',
  category: 'ai_inference',
};

const spendRequest: SpendRequest = {
  id: 'req_01jbq3m8v7xq2d0k5n6p9r4s7t',
  object: 'spend_request',
  status: 'approved',
  decision_reason: 'Within policy',
  decision_code: 'approved',
  violations: [],
  budget_period: 'monthly',
  remaining_budget_cents: 95800,
  remaining_monthly_budget_cents: 95800,
  amount_cents: 4200,
  currency: 'usd',
  merchant_name: 'OpenAI',
  category: 'ai_inference',
  reason: 'GPT-4o tokens for the weekly report',
  metadata: {},
  agent_id: 'agt_01jbq3k2c4d6f8h0j2m4p6r8t0',
  policy_id: 'pol_01jbq3k2c4d6f8h0j2m4p6r8t1',
  approval_id: null,
  callback_url: null,
  authorization_token: 'eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzdWIiOiJyZXFfMDEifQ.c2lnbmF0dXJl',
  captured_amount_cents: null,
  cancellation_reason: null,
  livemode: false,
  created_at: '2025-01-06T09:30:00.000Z',
  decided_at: '2025-01-06T09:30:00.000Z',
  updated_at: '2025-01-06T09:30:00.000Z',
  expires_at: '2025-01-07T09:30:00.000Z',
};

const approval: Approval = {
  id: 'apr_01jbq3n4x6z8b0d2f4h6k8m0p2',
  object: 'approval',
  spend_request_id: 'req_01jbq3n4x6z8b0d2f4h6k8m0p3',
  status: 'pending',
  amount_cents: 25000,
  currency: 'usd',
  merchant_name: 'AWS',
  agent_id: 'agt_01jbq3k2c4d6f8h0j2m4p6r8t0',
  agent_name: 'research-agent',
  reason: 'GPU hours for the fine-tuning run',
  decision_reason: 'Amounts over 10000 cents need an operator',
  budget_period: 'monthly',
  exceeds_budget_by_cents: 0,
  budget: { period: 'monthly', lease_id: null, limit_cents: 500000, spent_cents: 120000, held_cents: 40000, exceeds_by_cents: 0 },
  note: null,
  decided_by: null,
  override_budget: false,
  approvals: [],
  approvals_required: 1,
  created_at: '2025-01-06T10:00:00.000Z',
  decided_at: null,
  expires_at: '2025-01-07T10:00:00.000Z',
};

const evaluate: EvaluateInput = {
  agentId: 'research-agent',
  amountMinor: 4200,
  unit: 'USD',
  merchant: 'OpenAI',
  category: 'ai_inference',
  reason: 'GPT-4o tokens for the weekly report',
  idempotencyKey: 'report-2025-01-06',
};

const evaluated: z.output<typeof evaluateResponse> = {
  decision: 'ALLOW',
  decisionReason: 'OK',
  spendRequestId: 'req_01jbq3m8v7xq2d0k5n6p9r4s7t',
  sat: 'eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzdWIiOiJyZXFfMDEifQ.c2lnbmF0dXJl',
};

const usd = {
  currency: 'usd', request_count: 14, approved_count: 11, declined_count: 3, pending_count: 0,
  spent_cents: 48_200, held_cents: 4_200, captured_cents: 44_000, declined_cents: 90_000,
};

const spendAnalytics: SpendAnalytics = {
  object: 'spend_analytics',
  from: '2024-12-07T09:30:00.000Z',
  to: '2025-01-06T09:30:00.000Z',
  group_by: 'agent',
  interval: null,
  data: [{ key: 'agt_01jbq3k2c4d6f8h0j2m4p6r8t0', label: 'research-agent', period_start: null, ...usd }],
  has_more: false,
  totals: [usd],
};

const page = <T>(data: T[]) => ({ data, has_more: false, next_cursor: null });

/** By operationId (see openapi-operations.ts). */
export const examples: Readonly<Record<string, OperationExample>> = {
  createSpendRequest: { request: createSpend, response: spendRequest },
  listSpendRequests: { response: page([spendRequest]) },
  getSpendRequest: { response: spendRequest },
  listApprovals: { response: page([approval]) },
  evaluateSpend: { request: evaluate, response: evaluated },
  getSpendAnalytics: { response: spendAnalytics },
};
