import { BursarApiError, errorFor, ServerError } from './errors.js';
import { fetchWithSpend, type FetchWithSpendOptions } from './x402.js';
import { backoffMs, isRetryableStatus, retryAfterMs, retryDefaults, sleep, type RetryOptions } from './retry.js';
import type {
  Agent, ApiKey, Approval, AuditEntry, Balance, BursarEvent, CallbackSecret, CreateAgentInput, CreatedApiKey, CreateKeyInput,
  CreateSpendInput, CreateWebhookInput, DeliveryAttempt, FundResult, LedgerTransaction, LedgerVerifyResult, Page, PageParams,
  Policy, PolicyInput, PolicyUpdate, RetryResult, SpendRequest, SpendStatus, UpdateWebhookInput, Wallet, WalletBalance,
  WebhookEndpoint, WebhookEndpointWithSecret,
  Card, CardAuthorization, CheckoutIntent, CreateCardAuthorizationInput, CreateCardInput, CreateCheckoutIntentInput, CreatedWorkspace,
  CreateTransferInput, PlanName, Transfer, Workspace, WorkspacePlan,
  BudgetLease, CreateBudgetLeaseInput, CreateExecutionTokenInput, CreateMandateInput, CreatePaymentInput, CreateReservationInput, ExecutionToken,
  Mandate, Payment, Reservation, UpdateMandateInput,
  AuthorizationDecision, AuthorizeInput, Estimate, EstimateInput, Price, SetPriceInput, UsageSummary, UsageSummaryParams,
  SpendAnalytics, SpendAnalyticsParams,
} from './types.js';

/** How to reach Bursar. */
export interface BursarClientOptions {
  /** A management key (bmk_…) or an agent's spending key (bsk_…). Keep it out of model context. */
  apiKey?: string;
  /**
   * Instead of a key, in the dashboard: the browser's httpOnly session cookie authenticates, and
   * every call carries the session's CSRF token (from POST or GET /v1/dashboard/session).
   */
  session?: { csrfToken: string };
  /** Default http://127.0.0.1:4242. */
  baseUrl?: string;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  retry?: RetryOptions;
  /** Per-attempt timeout in ms (default 30000). */
  timeoutMs?: number;
}

/** Per-call options. */
export interface CallOptions {
  /** For POSTs: reuse one key per logical intent; the client makes one when omitted and reuses it on every retry. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

type Query = Record<string, string | number | boolean | undefined>;

interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Query | undefined;
  body?: unknown;
  options?: CallOptions | undefined;
}

/** The statuses after which a spend request no longer waits on a human. */
export const decidedStatuses: ReadonlySet<SpendStatus> = new Set(['approved', 'declined', 'completed', 'cancelled', 'failed', 'expired']);

/** Raised by waitForDecision when no decision came in time. */
export class WaitTimeoutError extends BursarApiError {
  override readonly name = 'WaitTimeoutError';
  constructor(readonly spendRequest: SpendRequest, timeoutMs: number) {
    super('timeout', 0, `Spend request ${spendRequest.id} is still ${spendRequest.status} after ${timeoutMs} ms`);
  }
}

/** A new idempotency key. Make one per logical intent, then reuse it for every retry of that intent. */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

const enc = encodeURIComponent;

/** The typed client for every /v1 endpoint. */
export class BursarClient {
  readonly baseUrl: string;
  readonly #auth: Record<string, string>;
  readonly #fetch: typeof fetch;
  readonly #retry: Required<RetryOptions>;
  readonly #timeoutMs: number;

  constructor(options: BursarClientOptions) {
    if (options.apiKey) this.#auth = { authorization: `Bearer ${options.apiKey}` };
    else if (options.session) this.#auth = { 'x-csrf-token': options.session.csrfToken };
    else throw new TypeError('BursarClient needs an apiKey');
    this.baseUrl = (options.baseUrl ?? 'http://127.0.0.1:4242').replace(/\/+$/, '');
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#retry = { ...retryDefaults, ...options.retry };
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Never print the key: the client's inspection shows only where it points. */
  toJSON(): { baseUrl: string } {
    return { baseUrl: this.baseUrl };
  }

  /** One API call with the retry rules: 429 (honouring Retry-After), 5xx and network errors; never other 4xx. */
  async request<T>(spec: RequestSpec): Promise<T> {
    const url = new URL(this.baseUrl + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...this.#auth, accept: 'application/json' };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    // Made once, before the first attempt: every retry of this call carries the same key.
    if (spec.method === 'POST') headers['idempotency-key'] = spec.options?.idempotencyKey ?? newIdempotencyKey();
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);

    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.#retry.maxRetries;
      let res: Response;
      const signals = [AbortSignal.timeout(this.#timeoutMs), ...(spec.options?.signal ? [spec.options.signal] : [])];
      try {
        res = await this.#fetch(url, { method: spec.method, headers, body, signal: AbortSignal.any(signals) });
      } catch (err) {
        if (spec.options?.signal?.aborted) throw err;
        const e = new ServerError('network_error', 0, `cannot reach ${this.baseUrl}: ${err instanceof Error ? err.message : String(err)}`);
        if (last) throw e;
        await sleep(backoffMs(attempt, this.#retry));
        continue;
      }
      const requestId = res.headers.get('request-id') ?? undefined;
      const text = await res.text().catch(() => '');
      let parsed: unknown = undefined;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = text;
      }
      if (res.ok) return parsed as T;
      const error = errorFor(res.status, parsed, requestId, res.headers.get('retry-after'));
      if (!isRetryableStatus(res.status) || last) throw error;
      let wait = backoffMs(attempt, this.#retry);
      if (res.status === 429) {
        const after = retryAfterMs(res.headers.get('retry-after'));
        if (after !== undefined) {
          if (after > this.#retry.maxRetryAfterMs) throw error;
          wait = Math.max(after, 1);
        }
      }
      await sleep(wait);
    }
  }

  /** Every item of a list, page after page, newest first. */
  async *paginate<T>(list: (params: PageParams) => Promise<Page<T>>, params: PageParams = {}): AsyncGenerator<T> {
    let cursor = params.cursor;
    do {
      const page = await list({ ...params, limit: params.limit ?? 100, ...(cursor ? { cursor } : {}) });
      yield* page.data;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  readonly wallets = {
    list: (q: PageParams = {}) => this.request<Page<Wallet>>({ method: 'GET', path: '/v1/wallets', query: { ...q } }),
    create: (input: { currency: string }, o?: CallOptions) => this.request<Wallet>({ method: 'POST', path: '/v1/wallets', body: input, options: o }),
    get: (id: string) => this.request<Wallet>({ method: 'GET', path: `/v1/wallets/${enc(id)}` }),
    balance: (id: string) => this.request<WalletBalance>({ method: 'GET', path: `/v1/wallets/${enc(id)}/balance` }),
    fund: (id: string, input: { amount_cents: number }, o?: CallOptions) =>
      this.request<FundResult>({ method: 'POST', path: `/v1/wallets/${enc(id)}/fund`, body: input, options: o }),
  };

  readonly policies = {
    list: (q: PageParams = {}) => this.request<Page<Policy>>({ method: 'GET', path: '/v1/policies', query: { ...q } }),
    create: (input: PolicyInput, o?: CallOptions) => this.request<Policy>({ method: 'POST', path: '/v1/policies', body: input, options: o }),
    get: (id: string) => this.request<Policy>({ method: 'GET', path: `/v1/policies/${enc(id)}` }),
    update: (id: string, input: PolicyUpdate) => this.request<Policy>({ method: 'PUT', path: `/v1/policies/${enc(id)}`, body: input }),
  };

  readonly agents = {
    list: (q: PageParams & { status?: Agent['status']; policy_id?: string } = {}) =>
      this.request<Page<Agent>>({ method: 'GET', path: '/v1/agents', query: { ...q } }),
    create: (input: CreateAgentInput, o?: CallOptions) => this.request<Agent>({ method: 'POST', path: '/v1/agents', body: input, options: o }),
    get: (id: string) => this.request<Agent>({ method: 'GET', path: `/v1/agents/${enc(id)}` }),
    revoke: (id: string) => this.request<Agent>({ method: 'DELETE', path: `/v1/agents/${enc(id)}` }),
    pause: (id: string) => this.request<Agent>({ method: 'POST', path: `/v1/agents/${enc(id)}/pause` }),
    resume: (id: string) => this.request<Agent>({ method: 'POST', path: `/v1/agents/${enc(id)}/resume` }),
    /** A short-lived token for one mandate, action and audience (management key); pay with it as a client's apiKey. Shown once. */
    createExecutionToken: (id: string, input: CreateExecutionTokenInput) =>
      this.request<ExecutionToken>({ method: 'POST', path: `/v1/agents/${enc(id)}/execution-tokens`, body: input }),
  };

  readonly apiKeys = {
    list: (q: PageParams & { agent_id?: string } = {}) => this.request<Page<ApiKey>>({ method: 'GET', path: '/v1/api-keys', query: { ...q } }),
    /** The plaintext `key` is in this response only. */
    create: (input: CreateKeyInput, o?: CallOptions) => this.request<CreatedApiKey>({ method: 'POST', path: '/v1/api-keys', body: input, options: o }),
    revoke: (id: string) => this.request<ApiKey>({ method: 'DELETE', path: `/v1/api-keys/${enc(id)}` }),
  };

  readonly approvals = {
    list: (q: PageParams & { status?: Approval['status'] } = {}) => this.request<Page<Approval>>({ method: 'GET', path: '/v1/approvals', query: { ...q } }),
    get: (id: string) => this.request<Approval>({ method: 'GET', path: `/v1/approvals/${enc(id)}` }),
    approve: (id: string, input: { note?: string; override_budget?: boolean } = {}, o?: CallOptions) =>
      this.request<Approval>({ method: 'POST', path: `/v1/approvals/${enc(id)}/approve`, body: input, options: o }),
    decline: (id: string, input: { note?: string } = {}, o?: CallOptions) =>
      this.request<Approval>({ method: 'POST', path: `/v1/approvals/${enc(id)}/decline`, body: input, options: o }),
  };

  readonly spendRequests = {
    create: (input: CreateSpendInput, o?: CallOptions) => this.createSpend(input, o),
    get: (id: string) => this.getSpend(id),
    list: (q: ListSpendParams = {}) => this.listSpend(q),
    complete: (id: string, input: { amount_cents?: number } = {}, o?: CallOptions) => this.completeSpend(id, input, o),
    cancel: (id: string, o?: CallOptions) => this.cancelSpend(id, o),
    fail: (id: string, o?: CallOptions) => this.failSpend(id, o),
  };

  readonly ledger = {
    transactions: (q: PageParams & { wallet_id?: string; spend_request_id?: string } = {}) =>
      this.request<Page<LedgerTransaction>>({ method: 'GET', path: '/v1/ledger/transactions', query: { ...q } }),
    verify: () => this.request<LedgerVerifyResult>({ method: 'GET', path: '/v1/ledger/verify' }),
  };

  /** The append-only audit log of operator actions (management key). */
  readonly auditLog = {
    list: (q: PageParams & { action?: string; object_id?: string; actor_id?: string } = {}) =>
      this.request<Page<AuditEntry>>({ method: 'GET', path: '/v1/audit-log', query: { ...q } }),
  };

  /** Spend summed by the server per group and currency (management key): top spenders, declines by reason, spend over time. */
  readonly analytics = {
    spend: (q: SpendAnalyticsParams = {}) => this.request<SpendAnalytics>({ method: 'GET', path: '/v1/analytics/spend', query: { ...q } }),
  };

  readonly webhooks = {
    list: (q: PageParams = {}) => this.request<Page<WebhookEndpoint>>({ method: 'GET', path: '/v1/webhooks', query: { ...q } }),
    /** The `secret` is in this response only. */
    create: (input: CreateWebhookInput, o?: CallOptions) =>
      this.request<WebhookEndpointWithSecret>({ method: 'POST', path: '/v1/webhooks', body: input, options: o }),
    get: (id: string) => this.request<WebhookEndpoint>({ method: 'GET', path: `/v1/webhooks/${enc(id)}` }),
    update: (id: string, input: UpdateWebhookInput) => this.request<WebhookEndpoint>({ method: 'PUT', path: `/v1/webhooks/${enc(id)}`, body: input }),
    delete: (id: string) => this.request<{ id: string; object: 'webhook_endpoint'; deleted: true }>({ method: 'DELETE', path: `/v1/webhooks/${enc(id)}` }),
    rotateSecret: (id: string, o?: CallOptions) =>
      this.request<WebhookEndpointWithSecret & { previous_secret_expires_at: string }>({ method: 'POST', path: `/v1/webhooks/${enc(id)}/rotate-secret`, options: o }),
    deliveries: (id: string, q: PageParams & { event_id?: string; succeeded?: boolean } = {}) =>
      this.request<Page<DeliveryAttempt>>({
        method: 'GET',
        path: `/v1/webhooks/${enc(id)}/deliveries`,
        query: { ...q, succeeded: q.succeeded === undefined ? undefined : String(q.succeeded) },
      }),
    retryDelivery: (id: string, deliveryId: string, o?: CallOptions) =>
      this.request<RetryResult>({ method: 'POST', path: `/v1/webhooks/${enc(id)}/deliveries/${enc(deliveryId)}/retry`, options: o }),
  };

  readonly events = {
    list: (q: PageParams & { type?: string; object_id?: string } = {}) => this.request<Page<BursarEvent>>({ method: 'GET', path: '/v1/events', query: { ...q } }),
    get: (id: string) => this.request<BursarEvent>({ method: 'GET', path: `/v1/events/${enc(id)}` }),
  };

  /** Proxy cards (management key): never the number or CVC, which only a checkout intent's credential shows, once. */
  readonly cards = {
    list: (q: PageParams & { policy_id?: string; status?: 'active' | 'frozen' | 'cancelled' | 'used' } = {}) =>
      this.request<Page<Card>>({ method: 'GET', path: '/v1/cards', query: { ...q } }),
    create: (input: CreateCardInput, o?: CallOptions) => this.request<Card>({ method: 'POST', path: '/v1/cards', body: input, options: o }),
    get: (id: string) => this.request<Card>({ method: 'GET', path: `/v1/cards/${enc(id)}` }),
    freeze: (id: string) => this.request<Card>({ method: 'POST', path: `/v1/cards/${enc(id)}/freeze` }),
    unfreeze: (id: string) => this.request<Card>({ method: 'POST', path: `/v1/cards/${enc(id)}/unfreeze` }),
    cancel: (id: string) => this.request<Card>({ method: 'POST', path: `/v1/cards/${enc(id)}/cancel` }),
  };

  /** Checkout intents (spending key to create): approved ones carry a single-use credential, shown once. */
  readonly checkoutIntents = {
    create: (input: CreateCheckoutIntentInput, o?: CallOptions) =>
      this.request<CheckoutIntent>({ method: 'POST', path: '/v1/checkout-intents', body: input, options: o }),
    get: (id: string) => this.request<CheckoutIntent>({ method: 'GET', path: `/v1/checkout-intents/${enc(id)}` }),
    list: (q: PageParams & { status?: SpendStatus } = {}) => this.request<Page<CheckoutIntent>>({ method: 'GET', path: '/v1/checkout-intents', query: { ...q } }),
    cancel: (id: string, o?: CallOptions) => this.request<CheckoutIntent>({ method: 'POST', path: `/v1/checkout-intents/${enc(id)}/cancel`, options: o }),
  };

  /** The sandbox card network simulator (management key). */
  readonly sandboxCardAuthorizations = {
    create: (input: CreateCardAuthorizationInput, o?: CallOptions) =>
      this.request<CardAuthorization>({ method: 'POST', path: '/v1/sandbox/card-authorizations', body: input, options: o }),
    capture: (id: string, input: { amount_cents?: number } = {}, o?: CallOptions) =>
      this.request<CardAuthorization>({ method: 'POST', path: `/v1/sandbox/card-authorizations/${enc(id)}/capture`, body: input, options: o }),
    reverse: (id: string, o?: CallOptions) => this.request<CardAuthorization>({ method: 'POST', path: `/v1/sandbox/card-authorizations/${enc(id)}/reverse`, options: o }),
    get: (id: string) => this.request<CardAuthorization>({ method: 'GET', path: `/v1/sandbox/card-authorizations/${enc(id)}` }),
    list: (q: PageParams & { card_id?: string; status?: CardAuthorization['status'] } = {}) =>
      this.request<Page<CardAuthorization>>({ method: 'GET', path: '/v1/sandbox/card-authorizations', query: { ...q } }),
  };

  /** Money between workspaces (management key); both sides see a transfer. */
  readonly transfers = {
    create: (input: CreateTransferInput, o?: CallOptions) => this.request<Transfer>({ method: 'POST', path: '/v1/transfers', body: input, options: o }),
    get: (id: string) => this.request<Transfer>({ method: 'GET', path: `/v1/transfers/${enc(id)}` }),
    list: (q: PageParams & { direction?: 'outgoing' | 'incoming' } = {}) => this.request<Page<Transfer>>({ method: 'GET', path: '/v1/transfers', query: { ...q } }),
  };

  /** Mandates (management key): what a human pre-authorized an agent to pay for; payments run under one. */
  readonly mandates = {
    list: (q: PageParams & { agent_id?: string; status?: Mandate['status'] } = {}) =>
      this.request<Page<Mandate>>({ method: 'GET', path: '/v1/mandates', query: { ...q } }),
    create: (input: CreateMandateInput, o?: CallOptions) => this.request<Mandate>({ method: 'POST', path: '/v1/mandates', body: input, options: o }),
    get: (id: string) => this.request<Mandate>({ method: 'GET', path: `/v1/mandates/${enc(id)}` }),
    /** Any subset of its scope; `status: 'revoked'` ends it for good. */
    update: (id: string, input: UpdateMandateInput) => this.request<Mandate>({ method: 'PUT', path: `/v1/mandates/${enc(id)}`, body: input }),
  };

  /** Payments under mandates. `create` needs an execution token as the client's apiKey (action payment.create, audience bursar:payments). */
  readonly payments = {
    create: (input: CreatePaymentInput, o?: CallOptions) => this.request<Payment>({ method: 'POST', path: '/v1/payments', body: input, options: o }),
    get: (id: string) => this.request<Payment>({ method: 'GET', path: `/v1/payments/${enc(id)}` }),
    list: (q: ListCreatedParams & { status?: Payment['status']; agent_id?: string; mandate_id?: string } = {}) =>
      this.request<Page<Payment>>({ method: 'GET', path: '/v1/payments', query: { ...q } }),
  };

  /** SpendGuard reservations: hold budget before an action, then capture what it used (at most the hold) or release it. */
  readonly reservations = {
    create: (input: CreateReservationInput, o?: CallOptions) =>
      this.request<Reservation>({ method: 'POST', path: '/v1/spend-guard/reservations', body: input, options: o }),
    get: (id: string) => this.request<Reservation>({ method: 'GET', path: `/v1/spend-guard/reservations/${enc(id)}` }),
    list: (q: ListCreatedParams & { status?: Reservation['status']; agent_id?: string } = {}) =>
      this.request<Page<Reservation>>({ method: 'GET', path: '/v1/spend-guard/reservations', query: { ...q } }),
    /** `amount_cents` ≤ the reserved amount (default all of it); the rest is released. */
    capture: (id: string, input: { amount_cents?: number } = {}, o?: CallOptions) =>
      this.request<Reservation>({ method: 'POST', path: `/v1/spend-guard/reservations/${enc(id)}/capture`, body: input, options: o }),
    release: (id: string, o?: CallOptions) => this.request<Reservation>({ method: 'POST', path: `/v1/spend-guard/reservations/${enc(id)}/release`, options: o }),
  };

  /** SpendGuard budget leases: bounded budget a parent agent hands a child; what the child does not spend returns on release. */
  readonly budgetLeases = {
    create: (input: CreateBudgetLeaseInput, o?: CallOptions) =>
      this.request<BudgetLease>({ method: 'POST', path: '/v1/spend-guard/budget-leases', body: input, options: o }),
    /** `agent_id` matches the parent or the child. */
    list: (q: PageParams & { status?: BudgetLease['status']; agent_id?: string } = {}) =>
      this.request<Page<BudgetLease>>({ method: 'GET', path: '/v1/spend-guard/budget-leases', query: { ...q } }),
    release: (id: string, o?: CallOptions) => this.request<BudgetLease>({ method: 'POST', path: `/v1/spend-guard/budget-leases/${enc(id)}/release`, options: o }),
  };

  /** SpendGuard's read-only questions: what would this cost, would it be allowed, what has been spent. None of them holds or records anything. */
  readonly spendGuard = {
    /** The cost of a `payment`, `token` (model and tokens), `tool` (calls) or `delegated` spend, priced from the catalog, with the authorize verdict for it. */
    estimate: (input: EstimateInput, o?: CallOptions) => this.request<Estimate>({ method: 'POST', path: '/v1/spend-guard/estimate', body: input, options: o }),
    /** allow, deny or approval_required for a spend, by the same engine as a spend request; nothing is held or counted. */
    authorize: (input: AuthorizeInput, o?: CallOptions) =>
      this.request<AuthorizationDecision>({ method: 'POST', path: '/v1/spend-guard/authorize', body: input, options: o }),
    /** Counts and amounts of events in [from, to) (default: the last 30 days) by type, agent and UTC day; a spending key sees its own agent. */
    usageSummary: (q: UsageSummaryParams = {}) => this.request<UsageSummary>({ method: 'GET', path: '/v1/spend-guard/usage/summary', query: { ...q } }),
  };

  /** SpendGuard's price catalog that estimates read: models per million tokens, tools per call. Setting a price needs a management key. */
  readonly prices = {
    list: () => this.request<Page<Price>>({ method: 'GET', path: '/v1/spend-guard/prices' }),
    /** Creates or replaces the entry for kind, name and currency. */
    set: (input: SetPriceInput, o?: CallOptions) => this.request<Price>({ method: 'POST', path: '/v1/spend-guard/prices', body: input, options: o }),
  };

  /** Workspaces (the instance operator's root management key only). */
  readonly workspaces = {
    create: (input: { name: string }, o?: CallOptions) => this.request<CreatedWorkspace>({ method: 'POST', path: '/v1/workspaces', body: input, options: o }),
    list: (q: PageParams = {}) => this.request<Page<Workspace>>({ method: 'GET', path: '/v1/workspaces', query: { ...q } }),
    /** A workspace's plan, quotas and usage (a management key reads its own workspace's). */
    plan: (id: string) => this.request<WorkspacePlan>({ method: 'GET', path: `/v1/workspaces/${encodeURIComponent(id)}/plan` }),
    /** Puts a workspace on a plan: free, pro or self_hosted (root key only). */
    setPlan: (id: string, plan: PlanName, o?: CallOptions) =>
      this.request<WorkspacePlan>({ method: 'PUT', path: `/v1/workspaces/${encodeURIComponent(id)}/plan`, body: { plan }, options: o }),
  };

  /** Rotates the secret that signs events sent to spend requests' callback_url; shown once. */
  rotateCallbackSecret(o?: CallOptions): Promise<CallbackSecret> {
    return this.request<CallbackSecret>({ method: 'POST', path: '/v1/callback-secret', options: o });
  }

  /**
   * Asks to spend (spending key). The idempotency key is made once for this call and reused on
   * every retry; pass your own to make retries across process restarts safe too.
   * A 402 (the wallet cannot cover it) throws FundingError; the attempt is recorded as declined.
   */
  createSpend(input: CreateSpendInput, o?: CallOptions): Promise<SpendRequest> {
    return this.request<SpendRequest>({ method: 'POST', path: '/v1/spend-requests', body: input, options: o });
  }

  getSpend(id: string): Promise<SpendRequest> {
    return this.request<SpendRequest>({ method: 'GET', path: `/v1/spend-requests/${enc(id)}` });
  }

  listSpend(q: ListSpendParams = {}): Promise<Page<SpendRequest>> {
    return this.request<Page<SpendRequest>>({ method: 'GET', path: '/v1/spend-requests', query: { ...q } });
  }

  /** Captures an approved request: `amount_cents` ≤ the approved amount (default all of it); the rest is released. */
  completeSpend(id: string, input: { amount_cents?: number } = {}, o?: CallOptions): Promise<SpendRequest> {
    return this.request<SpendRequest>({ method: 'POST', path: `/v1/spend-requests/${enc(id)}/complete`, body: input, options: o });
  }

  cancelSpend(id: string, o?: CallOptions): Promise<SpendRequest> {
    return this.request<SpendRequest>({ method: 'POST', path: `/v1/spend-requests/${enc(id)}/cancel`, options: o });
  }

  failSpend(id: string, o?: CallOptions): Promise<SpendRequest> {
    return this.request<SpendRequest>({ method: 'POST', path: `/v1/spend-requests/${enc(id)}/fail`, options: o });
  }

  /** The agent's wallet and remaining budgets (a management key passes agent_id). */
  getBalance(q: { agent_id?: string } = {}): Promise<Balance> {
    return this.request<Balance>({ method: 'GET', path: '/v1/balance', query: { ...q } });
  }

  /**
   * fetch() that pays HTTP 402 (x402) answers through Bursar: asks to spend the quoted amount,
   * waits for the decision, and retries with payment only when approved. See fetchWithSpend.
   */
  fetchWithSpend(url: string | URL, init: RequestInit = {}, options: FetchWithSpendOptions = {}): Promise<Response> {
    return fetchWithSpend(this, url, init, options);
  }

  /**
   * Polls a spend request until it leaves `needs_approval` (approved, declined, expired, …).
   * Throws WaitTimeoutError after `timeoutMs` (default 10 minutes); polls every `intervalMs` (default 2000).
   */
  async waitForDecision(id: string, opts: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {}): Promise<SpendRequest> {
    const timeoutMs = opts.timeoutMs ?? 600_000;
    const intervalMs = opts.intervalMs ?? 2000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const spend = await this.getSpend(id);
      if (decidedStatuses.has(spend.status)) return spend;
      if (Date.now() >= deadline) throw new WaitTimeoutError(spend, timeoutMs);
      if (opts.signal?.aborted) throw opts.signal.reason;
      await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
    }
  }
}

/** `created_after` and `created_before` (ISO 8601) of the lists that take a time range. */
export interface ListCreatedParams extends PageParams {
  created_after?: string;
  created_before?: string;
}

/** Filters of GET /v1/spend-requests. */
export interface ListSpendParams extends ListCreatedParams {
  status?: SpendStatus;
  agent_id?: string;
  /** The normalized merchant (OpenAI, openai.com and OPENAI INC alike). */
  merchant?: string;
  /** Merchant names containing this text, ignoring case. */
  merchant_contains?: string;
  currency?: string;
  min_amount_cents?: number;
  max_amount_cents?: number;
}
