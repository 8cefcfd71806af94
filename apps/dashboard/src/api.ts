import type { BursarClient, Page, PageParams } from '@bursar/sdk';
import type { AuditEntry, Balance, BudgetLease, Card, Mandate, Payment, Reservation, Transfer } from '@bursar/core';

export type { AuditEntry, BudgetLease, Card, Mandate, Payment, Reservation, Transfer };
export type Budget = Balance['budgets'][number];

const enc = encodeURIComponent;

/** Editable fields of a mandate (PUT /v1/mandates/:id). */
export interface MandateUpdate {
  description?: string;
  max_amount_cents?: number | null;
  total_limit_cents?: number | null;
  allowed_merchants?: string[];
  allowed_categories?: string[];
  expires_at?: string | null;
  status?: 'active' | 'revoked';
}

/**
 * The /v1 endpoints the SDK has no resource for yet (mandates, payments, SpendGuard
 * reservations and leases, cards, transfers, the audit log), called through the SDK's own request(): same retries, same errors.
 */
export function controlApi(client: BursarClient) {
  return {
    mandates: {
      list: (q: PageParams & { agent_id?: string; status?: Mandate['status'] } = {}) =>
        client.request<Page<Mandate>>({ method: 'GET', path: '/v1/mandates', query: { ...q } }),
      get: (id: string) => client.request<Mandate>({ method: 'GET', path: `/v1/mandates/${enc(id)}` }),
      update: (id: string, input: MandateUpdate) => client.request<Mandate>({ method: 'PUT', path: `/v1/mandates/${enc(id)}`, body: input }),
    },
    payments: {
      list: (q: PageParams & { status?: Payment['status']; agent_id?: string; mandate_id?: string } = {}) =>
        client.request<Page<Payment>>({ method: 'GET', path: '/v1/payments', query: { ...q } }),
      get: (id: string) => client.request<Payment>({ method: 'GET', path: `/v1/payments/${enc(id)}` }),
    },
    reservations: {
      list: (q: PageParams & { status?: Reservation['status']; agent_id?: string; created_after?: string } = {}) =>
        client.request<Page<Reservation>>({ method: 'GET', path: '/v1/spend-guard/reservations', query: { ...q } }),
      get: (id: string) => client.request<Reservation>({ method: 'GET', path: `/v1/spend-guard/reservations/${enc(id)}` }),
      capture: (id: string, input: { amount_cents?: number } = {}) =>
        client.request<Reservation>({ method: 'POST', path: `/v1/spend-guard/reservations/${enc(id)}/capture`, body: input }),
      release: (id: string) => client.request<Reservation>({ method: 'POST', path: `/v1/spend-guard/reservations/${enc(id)}/release`, body: {} }),
    },
    cards: {
      list: (q: PageParams & { status?: 'active' | 'frozen' | 'cancelled' | 'used'; policy_id?: string } = {}) =>
        client.request<Page<Card>>({ method: 'GET', path: '/v1/cards', query: { ...q } }),
      transition: (id: string, to: 'freeze' | 'unfreeze' | 'cancel') => client.request<Card>({ method: 'POST', path: `/v1/cards/${enc(id)}/${to}` }),
    },
    transfers: {
      list: (q: PageParams & { direction?: Transfer['direction'] } = {}) => client.request<Page<Transfer>>({ method: 'GET', path: '/v1/transfers', query: { ...q } }),
    },
    auditLog: {
      list: (q: PageParams & { action?: string; object_id?: string; actor_id?: string } = {}) =>
        client.request<Page<AuditEntry>>({ method: 'GET', path: '/v1/audit-log', query: { ...q } }),
    },
    leases: {
      list: (q: PageParams & { status?: BudgetLease['status']; agent_id?: string } = {}) =>
        client.request<Page<BudgetLease>>({ method: 'GET', path: '/v1/spend-guard/budget-leases', query: { ...q } }),
      release: (id: string) => client.request<BudgetLease>({ method: 'POST', path: `/v1/spend-guard/budget-leases/${enc(id)}/release` }),
    },
  };
}

export type ControlApi = ReturnType<typeof controlApi>;

/** Every item of a list, page after page, up to `max` items. */
export async function collect<T>(list: (q: PageParams) => Promise<Page<T>>, max = 1000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ limit: 100, ...(cursor ? { cursor } : {}) });
    out.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor && out.length < max);
  return out;
}
