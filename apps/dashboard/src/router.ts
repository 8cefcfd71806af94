import { useCallback, useEffect, useState } from 'react';

/** The app's pages, by path. */
export const pages = [
  { path: '/', label: 'Overview' },
  { path: '/approvals', label: 'Approvals' },
  { path: '/spend-requests', label: 'Spend requests' },
  { path: '/analytics', label: 'Analytics' },
  { path: '/policies', label: 'Policies' },
  { path: '/agents', label: 'Agents' },
  { path: '/keys', label: 'Keys' },
  { path: '/wallets', label: 'Wallets' },
  { path: '/ledger', label: 'Ledger' },
  { path: '/webhooks', label: 'Webhooks' },
  { path: '/mandates', label: 'Mandates' },
  { path: '/reservations', label: 'Reservations' },
  { path: '/payments', label: 'Payments' },
  { path: '/cards', label: 'Cards' },
  { path: '/transfers', label: 'Transfers' },
  { path: '/audit-log', label: 'Audit log' },
] as const;

export type PagePath = (typeof pages)[number]['path'];

/** Moves to a page without a reload. */
export function navigate(to: string): void {
  window.history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The current location (path and query), updated on navigation and the back button. */
export function useLocation(): URL {
  const [href, setHref] = useState(window.location.href);
  useEffect(() => {
    const onPop = () => setHref(window.location.href);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return new URL(href);
}

/** The page a path belongs to (`/webhooks/whk_1` → `/webhooks`) and the id after it, if any. */
export function splitPath(path: string): { section: string; id: string | undefined } {
  const [, first, second] = path.split('/');
  return { section: `/${first ?? ''}`, id: second ? decodeURIComponent(second) : undefined };
}

/** The path of one object's page: `pathTo('/payments', 'pay_1')` → `/payments/pay_1`. */
export function pathTo(section: PagePath, id: string): string {
  return `${section}/${encodeURIComponent(id)}`;
}

/** Where an operator decides a spend request (or reservation) that needs approval: what its approval_url opens. */
export function approvalPath(spendRequestId: string): string {
  return `/approvals?spend_request_id=${encodeURIComponent(spendRequestId)}`;
}

/**
 * One of a page's filters kept in its address (`?status=declined`): a reload, a shared link and
 * Back from a detail page keep it. A change replaces the history entry rather than adding one, so
 * Back leaves the page instead of undoing keystrokes.
 */
export function useSearchParam(name: string): [string, (value: string) => void] {
  const [value, setValue] = useState(() => new URLSearchParams(window.location.search).get(name) ?? '');
  const set = useCallback(
    (next: string) => {
      setValue(next);
      const url = new URL(window.location.href);
      if (next) url.searchParams.set(name, next);
      else url.searchParams.delete(name);
      window.history.replaceState(window.history.state, '', url);
    },
    [name],
  );
  return [value, set];
}
