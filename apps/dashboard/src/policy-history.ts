import { errorFor, type BursarClient, type Page, type PageParams, type Policy, type PolicyUpdate } from '@bursar/sdk';

/*
 * A policy's history as the dashboard reads it: its versions, its budget alerts, and a backtest
 * of a draft over its recorded decisions. The SDK has no methods for these endpoints yet, so
 * their answers are typed here, as packages/core's schemas define them.
 */

/** One version of a policy (GET /v1/policies/:id/versions), as it was when that version was made. */
export interface PolicyVersion {
  object: 'policy_version';
  version: number;
  policy: Policy;
  created_at: string;
  /** The id of the key that made it; null when Bursar did. */
  changed_by: string | null;
}

/** What a draft would have decided over recorded history (POST /v1/policies/:id/simulate). */
export interface PolicySimulation {
  object: 'policy_simulation';
  from: string;
  to: string;
  evaluated: number;
  unchanged: number;
  /** Counts by `<was>_to_<would_be>`. */
  changes: Record<string, number>;
  by_decision_code: Record<string, number>;
  examples: Array<{ spend_request_id: string; was: string; would_be: string; decision_code: string }>;
}

/** How far a replay has come: decisions evaluated of those in its range when it began. */
export interface SimulationProgress {
  evaluated: number;
  total: number;
}

/** The object of a `budget.threshold_crossed` event. */
export interface BudgetAlert {
  object: 'budget_alert';
  policy_id: string;
  period: 'daily' | 'weekly' | 'monthly' | 'total';
  window_start: string | null;
  threshold_percent: number;
  limit_cents: number;
  spent_cents: number;
  held_cents: number;
  currency: string;
}

/** A budget alert with the event that carried it. */
export interface AlertEvent {
  id: string;
  created_at: string;
  alert: BudgetAlert;
}

export const ALERT_EVENT = 'budget.threshold_crossed';

/** A page of budget alerts, newest first: of one policy (the event's object id), or of all. */
export async function listBudgetAlerts(client: BursarClient, q: PageParams & { policyId?: string | undefined }): Promise<Page<AlertEvent>> {
  const { policyId, ...page } = q;
  const events = await client.events.list({ ...page, type: ALERT_EVENT, ...(policyId ? { object_id: policyId } : {}) });
  return { ...events, data: events.data.map((e) => ({ id: e.id, created_at: e.created_at, alert: e.data.object as unknown as BudgetAlert })) };
}

/** A page of a policy's versions, newest first; each carries its version number as its id, for lists. */
export async function listPolicyVersions(client: BursarClient, policyId: string, q: PageParams): Promise<Page<PolicyVersion & { id: string }>> {
  const page = await client.request<Page<PolicyVersion>>({ method: 'GET', path: `/v1/policies/${encodeURIComponent(policyId)}/versions`, query: { ...q } });
  return { ...page, data: page.data.map((v) => ({ ...v, id: String(v.version) })) };
}

const NDJSON = 'application/x-ndjson';

/**
 * Replays the policy's recorded decisions under `draft` (nothing is saved), asking the server for
 * progress lines (`Accept: application/x-ndjson`) and handing each to `onProgress`. The cookie
 * authenticates and the session's CSRF token rides along, as with the SDK's calls.
 */
export async function simulateDraft(opts: {
  csrfToken: string;
  policyId: string;
  draft: PolicyUpdate;
  onProgress: (p: SimulationProgress) => void;
  signal: AbortSignal;
}): Promise<PolicySimulation> {
  const res = await fetch(`/v1/policies/${encodeURIComponent(opts.policyId)}/simulate`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: `${NDJSON}, application/json;q=0.5`, 'x-csrf-token': opts.csrfToken },
    body: JSON.stringify({ draft: opts.draft }),
    signal: opts.signal,
  });
  const requestId = res.headers.get('request-id') ?? undefined;
  if (!res.ok) throw errorFor(res.status, await res.json().catch(() => undefined), requestId);
  // A server without progress answers the plain JSON.
  if (!(res.headers.get('content-type') ?? '').startsWith(NDJSON) || !res.body) return (await res.json()) as PolicySimulation;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += value;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = JSON.parse(buffered.slice(0, nl)) as { object?: string; error?: unknown } & Partial<SimulationProgress>;
      buffered = buffered.slice(nl + 1);
      if (line.object === 'progress') opts.onProgress({ evaluated: line.evaluated ?? 0, total: line.total ?? 0 });
      else if (line.object === 'policy_simulation') return line as unknown as PolicySimulation;
      else if (line.error) throw errorFor(500, line, requestId);
    }
  }
  throw errorFor(502, { error: { code: 'internal_error', message: 'The simulation ended without a result' } }, requestId);
}
