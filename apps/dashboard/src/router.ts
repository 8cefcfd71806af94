import { useEffect, useState } from 'react';

/** The app's pages, by path. */
export const pages = [
  { path: '/', label: 'Overview' },
  { path: '/approvals', label: 'Approvals' },
  { path: '/spend-requests', label: 'Spend requests' },
  { path: '/agents', label: 'Agents' },
  { path: '/keys', label: 'Keys' },
  { path: '/ledger', label: 'Ledger' },
  { path: '/wallets', label: 'Wallets' },
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
