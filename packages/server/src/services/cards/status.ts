import type { CardStatus } from '@bursar/core';
import type { CardRow } from '../../store/cards.js';

/** A card's status now: `expired` once its credential window or its printed expiry has passed. */
export function cardStatusAt(row: CardRow, now: number): CardStatus {
  if (row.status !== 'active') return row.status;
  if (row.expires_at !== null && row.expires_at <= now) return 'expired';
  // Printed expiry: valid through the last day of exp_month.
  if (Date.UTC(row.exp_year, row.exp_month, 1) <= now) return 'expired';
  return 'active';
}
